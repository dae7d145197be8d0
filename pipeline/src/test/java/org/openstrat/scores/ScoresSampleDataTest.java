package org.openstrat.scores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.quality.Population;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.Validate;
import org.openstrat.quality.Validated;
import org.openstrat.rules.RuleSet;
import org.openstrat.testing.SparkTestBase;

/**
 * The scores stage end to end on sample-data (ingest, validate, population, scores) as of the
 * extract date 2026-03-31. Named (synthetic) patients' values were worked out by hand from the
 * CSV files and the rule files, independently of Spark (a plain-Python scorer), for patients none
 * of whose rows carries an injected defect; regenerate them when sample-data or rules/ change.
 */
@Tag("slow")
class ScoresSampleDataTest extends SparkTestBase {

  private static final LocalDate AS_OF = LocalDate.of(2026, 3, 31);
  private static Map<String, Row> scores;

  @BeforeAll
  static void score() {
    RawExtracts raw = Ingest.read(spark(), repoRoot().resolve("sample-data"));
    QualityConfig cfg = QualityConfig.defaults();
    Validated v = Validate.apply(raw, AS_OF, AS_OF, cfg);
    Dataset<Row> population = Population.build(v, AS_OF, cfg);
    Dataset<Row> s =
        Scores.compute(population, v.accepted(), AS_OF, RuleSet.load(repoRoot().resolve("rules")));
    scores = Fixtures.byPatient(s);
    schema = s.schema();
  }

  private static org.apache.spark.sql.types.StructType schema;

  @Test
  void theScoresTableIsItsDeclaredSchema() {
    // Cohort filters are checked against Scores.SCHEMA before any data is read: it must be exact.
    assertThat(java.util.Arrays.stream(schema.fields()).map(f -> f.name() + ":" + f.dataType().simpleString()))
        .containsExactlyElementsOf(java.util.Arrays.stream(Scores.SCHEMA.fields())
            .map(f -> f.name() + ":" + f.dataType().simpleString()).toList());
  }

  private static List<Object> list(Row r, String column) {
    return new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(
        r.<scala.collection.Seq<Object>>getAs(column)));
  }

  private static void assertPatient(String id, List<String> deficits, String category,
      double hfrs, String hfrsBand, List<String> conditions, double cms, int[] counts,
      Map<String, Double> modelValues) {
    Row r = scores.get(id);
    assertThat(r).as("patient %s in the population", id).isNotNull();
    assertThat(list(r, "efi_deficits")).as("efi_deficits").isEqualTo(new ArrayList<>(deficits));
    assertThat((int) r.getAs("efi_deficit_count")).isEqualTo(deficits.size());
    assertThat((double) r.getAs("efi")).isEqualTo(deficits.size() / 36.0);
    assertThat((String) r.getAs("efi_category")).isEqualTo(category);
    assertThat((double) r.getAs("hfrs")).isEqualTo(hfrs);
    assertThat((String) r.getAs("hfrs_band")).isEqualTo(hfrsBand);
    assertThat(list(r, "ltc_conditions")).isEqualTo(new ArrayList<>(conditions));
    assertThat((int) r.getAs("ltc_count")).isEqualTo(conditions.size());
    assertThat((double) r.getAs("cms_score")).isEqualTo(cms);
    assertThat(new int[] {r.getAs("polypharmacy_count"), r.getAs("emergency_admissions_12m"),
        r.getAs("bed_days_12m"), r.getAs("ae_attendances_12m"), r.getAs("op_dna_12m")})
        .as("polypharmacy, emergency admissions, bed days, A&E, DNA").isEqualTo(counts);
    org.openstrat.rules.AdmissionModel model =
        RuleSet.load(repoRoot().resolve("rules")).admissionModel();
    double p = model.probability(modelValues);
    assertThat((double) r.getAs("admission_risk")).isCloseTo(p, within(1e-12));
    assertThat((String) r.getAs("admission_risk_band")).isEqualTo(model.band(p));
  }

  /**
   * Born 1938 (87), male, IMD decile 1, two open services in the latest submission of his LA (short
   * term ST-Max from 2020 and long term nursing from 2022: the later start is the service shown,
   * both count in the model); latest housing record says not alone. Barthel 13 recorded on the
   * as-of date itself (activity limitation).
   */
  @Test
  void severelyFrailManInNursingCareWithReablement() {
    assertPatient("4073448803",
        List.of("activity-limitation", "atrial-fibrillation", "chd", "cognitive-problems",
            "diabetes", "dizziness", "falls", "hearing-loss", "heart-valve-disease", "housebound",
            "hypotension", "mobility-problems", "polypharmacy", "respiratory-disease",
            "urinary-incontinence"),
        "severe", 2.5, "low",
        List.of("asthma", "atrial-fibrillation", "chd", "dementia", "diabetes", "hearing-loss"),
        5.36, new int[] {21, 0, 0, 3, 1},
        Map.ofEntries(Map.entry("age_85_plus", 1.0), Map.entry("sex_male", 1.0),
            Map.entry("imd_q1", 1.0), Map.entry("efi", 15 / 36.0), Map.entry("hfrs", 2.5),
            Map.entry("ltc_count", 6.0), Map.entry("polypharmacy_count", 21.0),
            Map.entry("ae_attendances_12m", 3.0), Map.entry("op_dna_12m", 1.0),
            Map.entry("social_care_nursing_residential", 1.0),
            Map.entry("social_care_short_term", 1.0)));
    Row r = scores.get("4073448803");
    assertThat((String) r.getAs("social_care_service")).isEqualTo("Long Term Support: Nursing");
    assertThat((Boolean) r.getAs("lives_alone")).isFalse();
    assertThat((double) r.getAs("admission_risk")).isCloseTo(0.652535496385369, within(1e-9));
    assertThat((String) r.getAs("admission_risk_band")).isEqualTo("very high");
    assertThat(list(r, "top_factors")).containsExactly("Electronic frailty index 0.42",
        "Lives in a care home (nursing or residential)", "Aged 85 or over");
  }

  /**
   * Born 1944 (81), female, IMD decile 9, no housing record. Three emergency spells in the last 12
   * months (two with several episodes; one admitted two days before as-of and not discharged),
   * HFRS 38.4 (capped at 30 in the model). Residential care: of her two residential services the
   * latest submission has closed one; the superseded submission still shows it open.
   */
  @Test
  void moderatelyFrailWomanInResidentialCareWithHighHfrs() {
    assertPatient("4018041306",
        List.of("arthritis", "dyspnoea", "hypotension", "polypharmacy", "pvd",
            "respiratory-disease", "sleep-disturbance", "social-vulnerability",
            "thyroid-disorders"),
        "moderate", 38.4, "high", List.of("anxiety-depression", "rheumatoid-ctd"), 0.93,
        new int[] {9, 3, 24, 3, 0},
        Map.ofEntries(Map.entry("age_75_84", 1.0), Map.entry("efi", 9 / 36.0),
            Map.entry("hfrs", 38.4), Map.entry("ltc_count", 2.0),
            Map.entry("polypharmacy_count", 9.0), Map.entry("emergency_admissions_12m", 3.0),
            Map.entry("bed_days_12m", 24.0), Map.entry("ae_attendances_12m", 3.0),
            Map.entry("social_care_nursing_residential", 1.0)));
    Row r = scores.get("4018041306");
    assertThat((String) r.getAs("social_care_service")).isEqualTo("Long Term Support: Residential");
    assertThat((Object) r.getAs("lives_alone")).isNull();
    assertThat((double) r.getAs("admission_risk")).isCloseTo(0.8091899930667581, within(1e-9));
    assertThat((String) r.getAs("admission_risk_band")).isEqualTo("very high");
    assertThat(list(r, "top_factors")).containsExactly("3 emergency admissions in last 12 months",
        "Hospital frailty risk score 38.4", "Lives in a care home (nursing or residential)");
  }

  /**
   * Born 1945 (80), female, IMD decile 9, lives with others; national opt-out (still scored).
   * Anaemia from a haemoglobin value (96 g/L, below the female threshold of 115), not a code;
   * exactly 5 medicines in 12 months (polypharmacy's threshold).
   */
  @Test
  void mildlyFrailWomanOfEightyWithNationalOptOut() {
    assertPatient("4676269803",
        List.of("anaemia", "dizziness", "hearing-loss", "hypertension", "polypharmacy"),
        "mild", 11.4, "intermediate", List.of("hearing-loss", "hypertension"), 0.17,
        new int[] {5, 0, 0, 1, 0},
        Map.ofEntries(Map.entry("age_75_84", 1.0), Map.entry("efi", 5 / 36.0),
            Map.entry("hfrs", 11.4), Map.entry("ltc_count", 2.0),
            Map.entry("polypharmacy_count", 5.0), Map.entry("ae_attendances_12m", 1.0)));
    Row r = scores.get("4676269803");
    assertThat((Boolean) r.getAs("national_opt_out")).isTrue();
    assertThat((Object) r.getAs("social_care_service")).isNull();
    assertThat((Boolean) r.getAs("lives_alone")).isFalse();
    assertThat((double) r.getAs("admission_risk")).isCloseTo(0.1608300334889688, within(1e-9));
    assertThat((String) r.getAs("admission_risk_band")).isEqualTo("moderate");
    assertThat(list(r, "top_factors")).containsExactly("Hospital frailty risk score 11.4",
        "Aged 75 to 84", "1 A&E attendance in last 12 months");
  }

  @Test
  void everyRowIsConsistent() {
    assertThat(scores).hasSizeGreaterThan(2500);
    for (Row r : scores.values()) {
      int n = r.getAs("efi_deficit_count");
      assertThat((String) r.getAs("efi_category")).isEqualTo(
          org.openstrat.rules.EfiRules.category(n));
      double risk = r.getAs("admission_risk");
      assertThat(risk).isStrictlyBetween(0.0, 1.0);
      assertThat(list(r, "top_factors")).hasSizeLessThanOrEqualTo(3);
      assertThat((int) r.getAs("ltc_count")).isEqualTo(list(r, "ltc_conditions").size());
    }
  }
}
