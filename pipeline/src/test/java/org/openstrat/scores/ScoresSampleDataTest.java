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
 * CSV files and the rule files, independently of Spark; regenerate them when sample-data or
 * rules/ change.
 */
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

  /** Born 1928 (97), male, IMD decile 9, open community social care, no housing record. */
  @Test
  void severelyFrailManWithHighHfrs() {
    assertPatient("4921562202",
        List.of("activity-limitation", "anaemia", "arthritis", "atrial-fibrillation",
            "care-requirement", "chd", "cognitive-problems", "dyspnoea", "falls",
            "fragility-fracture", "hearing-loss", "heart-valve-disease", "hypertension",
            "polypharmacy", "respiratory-disease", "urinary-system-disease", "vision-problems",
            "weight-loss"),
        "severe", 25.7, "high",
        List.of("atrial-fibrillation", "chd", "copd", "dementia", "hearing-loss", "hypertension",
            "rheumatoid-ctd"),
        6.39, new int[] {22, 1, 4, 3, 2},
        Map.ofEntries(Map.entry("age_85_plus", 1.0), Map.entry("sex_male", 1.0),
            Map.entry("efi", 0.5), Map.entry("hfrs", 25.7), Map.entry("ltc_count", 7.0),
            Map.entry("polypharmacy_count", 22.0), Map.entry("emergency_admissions_12m", 1.0),
            Map.entry("bed_days_12m", 4.0), Map.entry("ae_attendances_12m", 3.0),
            Map.entry("op_dna_12m", 2.0), Map.entry("social_care_community", 1.0)));
    Row r = scores.get("4921562202");
    assertThat((String) r.getAs("social_care_service")).isEqualTo("Long Term Support: Community");
    assertThat((Object) r.getAs("lives_alone")).isNull();
    assertThat(list(r, "top_factors")).hasSize(3)
        .startsWith("Hospital frailty risk score 25.7", "Electronic frailty index 0.5");
  }

  /** Born 1949 (76), male, IMD decile 6, lives with others; national opt-out (still scored). */
  @Test
  void mildlyFrailManOfSeventySix() {
    assertPatient("4099775801",
        List.of("activity-limitation", "ckd", "diabetes", "polypharmacy", "urinary-incontinence"),
        "mild", 6.0, "intermediate", List.of("ckd", "diabetes"), 1.28,
        new int[] {9, 1, 7, 1, 0},
        Map.ofEntries(Map.entry("age_75_84", 1.0), Map.entry("sex_male", 1.0),
            Map.entry("efi", 5 / 36.0), Map.entry("hfrs", 6.0), Map.entry("ltc_count", 2.0),
            Map.entry("polypharmacy_count", 9.0), Map.entry("emergency_admissions_12m", 1.0),
            Map.entry("bed_days_12m", 7.0), Map.entry("ae_attendances_12m", 1.0)));
    assertThat((Boolean) scores.get("4099775801").getAs("lives_alone")).isFalse();
  }

  /** Born 1988 (37), male, nothing recorded in any window: only the sex term. */
  @Test
  void youngManWithNothingRecorded() {
    assertPatient("4012871803", List.of(), "fit", 0.0, "low", List.of(), 0.0,
        new int[] {0, 0, 0, 0, 0}, Map.of("sex_male", 1.0));
    assertThat(list(scores.get("4012871803"), "top_factors")).containsExactly("Male");
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
