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
import org.openstrat.cli.ExitCode;
import org.openstrat.cli.StratException;
import org.openstrat.scores.AdmissionRisk.Band;
import org.openstrat.scores.AdmissionRisk.Term;
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
  private static final List<Term> TERMS = List.of(
      new Term("age", "identity", 0.02, "age {value}"),
      new Term("emergency_admissions_12m", "cap:3", 0.5,
          "{value} emergency admissions in last 12 months"),
      new Term("bed_days_12m", "log1p", 0.1, "{value} bed days in last 12 months"),
      new Term("lives_alone", "indicator", 0.3, "lives alone"),
      new Term("sex=F", "indicator", -0.1, "female"),
      new Term("social_care_services=home_care", "indicator", 0.4, "open home care service"));
  private static final List<Band> BANDS = List.of(new Band("low", 0.0),
      new Band("moderate", 0.1), new Band("high", 0.2), new Band("very high", 0.3));

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
        "c", list("1 emergency admissions in last 12 months", "age 15", "lives alone")));
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
        List.of(new Term("shoe_size", "identity", 1, "x")), BANDS))
        .isInstanceOf(StratException.class).hasMessageContaining("shoe_size")
        .satisfies(e -> assertThat(((StratException) e).exitCode()).isEqualTo(ExitCode.CONFIG));
    assertThatThrownBy(() -> AdmissionRisk.score(features, 0,
        List.of(new Term("age", "square", 1, "x")), BANDS))
        .isInstanceOf(StratException.class).hasMessageContaining("square");
  }
}
