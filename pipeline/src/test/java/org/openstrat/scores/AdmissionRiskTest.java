package org.openstrat.scores;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.openstrat.scores.Fixtures.byPatient;
import static org.openstrat.scores.Fixtures.column;
import static org.openstrat.scores.Fixtures.list;
import static org.openstrat.scores.Fixtures.row;
import static org.openstrat.scores.Fixtures.table;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.rules.Band;
import org.openstrat.rules.ModelTerm;
import org.openstrat.testing.SparkTestBase;

/** The logistic model from rule rows, worked by hand, and the top-factor explanations. */
class AdmissionRiskTest extends SparkTestBase {

  private static final StructType FEATURES = new StructType()
      .add("nhs_number", DataTypes.StringType)
      .add("age", DataTypes.IntegerType)
      .add("sex", DataTypes.StringType)
      .add("emergency_admissions_12m", DataTypes.IntegerType)
      .add("bed_days_12m", DataTypes.IntegerType)
      .add("lives_alone", DataTypes.BooleanType)
      .add("social_care_services", DataTypes.createArrayType(DataTypes.StringType));

  private static final double INTERCEPT = -5.0;
  private static final List<ModelTerm> TERMS = List.of(
      term("age", "identity", 0.02, "age {value}"),
      term("emergency_admissions_12m", "cap:3", 0.5,
          "{value} emergency admission{s} in last 12 months"),
      term("bed_days_12m", "log1p", 0.1, "{value} bed days in last 12 months"),
      term("lives_alone", "indicator", 0.3, "lives alone"),
      term("sex=F", "indicator", -0.1, "female"),
      term("social_care_services=home_care", "indicator", 0.4, "open home care service"));
  private static final List<Band> BANDS = List.of(new Band("low", 0.0),
      new Band("moderate", 0.1), new Band("high", 0.2), new Band("very high", 0.3));

  private static ModelTerm term(String feature, String transform, double c, String label) {
    return new ModelTerm(feature, transform, c, label, "test");
  }

  private static Object services(String... s) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(s)).toSeq();
  }

  private static Dataset<Row> scored() {
    Dataset<Row> features = table(FEATURES,
        row("a", 80, "F", 5, 10, true, services("home_care")),
        row("b", 50, "M", 0, 0, null, services()),
        row("c", 15, "M", 1, 0, true, services("day_care")));
    return Explain.topFactors(AdmissionRisk.score(features, INTERCEPT, TERMS, BANDS));
  }

  @Test
  void linearPredictorByHand() {
    Map<String, Row> r = byPatient(scored());
    // a: -5 + 0.02*80 + 0.5*min(5,3) + 0.1*ln(1+10) + 0.3*1 - 0.1*1 + 0.4*1
    double lpA = -5 + 1.6 + 1.5 + 0.1 * Math.log(11) + 0.3 - 0.1 + 0.4;
    // b: -5 + 0.02*50, lives_alone unknown (null) contributes 0
    double lpB = -5 + 1.0;
    // c: -5 + 0.3 + 0.5 + 0.3; day care is not home care
    double lpC = -5 + 0.3 + 0.5 + 0.3;
    assertThat((double) r.get("a").getAs(AdmissionRisk.LINEAR_PREDICTOR)).isCloseTo(lpA, within(1e-12));
    assertThat((double) r.get("b").getAs(AdmissionRisk.LINEAR_PREDICTOR)).isCloseTo(lpB, within(1e-12));
    assertThat((double) r.get("c").getAs(AdmissionRisk.LINEAR_PREDICTOR)).isCloseTo(lpC, within(1e-12));
    assertThat((double) r.get("a").getAs(AdmissionRisk.ADMISSION_RISK))
        .isCloseTo(1 / (1 + Math.exp(-lpA)), within(1e-12));
    assertThat((double) r.get("a").getAs(AdmissionRisk.ADMISSION_RISK)).isCloseTo(0.2573, within(1e-4));
    assertThat(column(scored(), AdmissionRisk.ADMISSION_RISK_BAND))
        .isEqualTo(Map.of("a", "high", "b", "low", "c", "low"));
  }

  @Test
  void topFactorsArePositiveLargestFirstTiesByFeatureName() {
    assertThat(column(scored(), Explain.TOP_FACTORS)).isEqualTo(Map.of(
        // age 1.6, admissions 1.5 (label shows the raw 5, not the capped 3), home care 0.4
        "a", list("age 80", "5 emergency admissions in last 12 months", "open home care service"),
        "b", list("age 50"),
        // admissions 0.5, then age 0.3 and lives_alone 0.3 tied: by feature name
        "c", list("1 emergency admission in last 12 months", "age 15", "lives alone")));
  }

  @Test
  void bandEdgesAreInclusiveLowerBounds() {
    StructType s = new StructType().add("nhs_number", DataTypes.StringType)
        .add("p", DataTypes.DoubleType);
    Dataset<Row> t = table(s, row("x", 0.0999), row("y", 0.1), row("z", 0.3), row("w", 0.95));
    assertThat(column(t.withColumn("band", AdmissionRisk.band(col("p"), BANDS)), "band"))
        .isEqualTo(Map.of("x", "low", "y", "moderate", "z", "very high", "w", "very high"));
  }

  @Test
  void anUnknownFeatureOrTransformIsAConfigError() {
    Dataset<Row> features = table(FEATURES);
    assertThatThrownBy(() -> AdmissionRisk.score(features, 0,
        List.of(term("shoe_size", "identity", 1, "x")), BANDS))
        .isInstanceOf(StratException.class).hasMessageContaining("shoe_size")
        .satisfies(e -> assertThat(((StratException) e).exitCode()).isEqualTo(ExitCode.CONFIG));
    assertThatThrownBy(() -> AdmissionRisk.score(features, 0,
        List.of(term("age", "square", 1, "x")), BANDS))
        .isInstanceOf(StratException.class).hasMessageContaining("square");
  }

  @Test
  void derivedModelFeaturesAgeBandsDeprivationAndSocialCareKinds() {
    StructType s = new StructType().add("nhs_number", DataTypes.StringType)
        .add("age", DataTypes.IntegerType).add("sex", DataTypes.StringType)
        .add("imd_decile", DataTypes.IntegerType)
        .add("social_care_services", DataTypes.createArrayType(DataTypes.StringType));
    Dataset<Row> t = AdmissionRisk.withModelFeatures(table(s,
        row("a64", 64, "M", 2, services("Long Term Support: Nursing Care")),
        row("a65", 65, "F", 3, services("Short Term Support: ST-Max")),
        row("a74", 74, "U", null, services("Long Term Support: Community")),
        row("a75", 75, "M", 1, services()),
        row("a84", 84, "F", 10, services("Long Term Support: Residential Care",
            "Long Term Support: Community")),
        row("a85", 85, "M", 2, services())));
    assertThat(column(t, AdmissionRisk.AGE_65_74)).isEqualTo(Map.of("a64", false, "a65", true,
        "a74", true, "a75", false, "a84", false, "a85", false));
    assertThat(column(t, AdmissionRisk.AGE_75_84)).isEqualTo(Map.of("a64", false, "a65", false,
        "a74", false, "a75", true, "a84", true, "a85", false));
    assertThat(column(t, AdmissionRisk.AGE_85_PLUS)).containsEntry("a84", false)
        .containsEntry("a85", true);
    assertThat(column(t, AdmissionRisk.SEX_MALE)).containsEntry("a64", true)
        .containsEntry("a74", false).containsEntry("a65", false);
    // deciles 1-2 are the most deprived fifth; unknown decile is not
    assertThat(column(t, AdmissionRisk.IMD_Q1)).isEqualTo(Map.of("a64", true, "a65", false,
        "a74", false, "a75", true, "a84", false, "a85", true));
    assertThat(column(t, AdmissionRisk.SOCIAL_CARE_NURSING_RESIDENTIAL)).isEqualTo(Map.of(
        "a64", true, "a65", false, "a74", false, "a75", false, "a84", true, "a85", false));
    assertThat(column(t, AdmissionRisk.SOCIAL_CARE_SHORT_TERM)).isEqualTo(Map.of(
        "a64", false, "a65", true, "a74", false, "a75", false, "a84", false, "a85", false));
    assertThat(column(t, AdmissionRisk.SOCIAL_CARE_COMMUNITY)).isEqualTo(Map.of(
        "a64", false, "a65", false, "a74", true, "a75", false, "a84", true, "a85", false));
  }

  @Test
  void theRuleFilesModelUsesOnlyKnownFeatures() {
    org.openstrat.rules.AdmissionModel model =
        org.openstrat.rules.RuleSet.load(repoRoot().resolve("rules")).admissionModel();
    for (ModelTerm t : model.terms()) {
      assertThat(org.openstrat.rules.AdmissionModel.KNOWN_FEATURES).contains(t.feature());
    }
    assertThat(model.bands()).extracting(Band::name)
        .containsExactly("low", "moderate", "high", "very high");
  }
}
