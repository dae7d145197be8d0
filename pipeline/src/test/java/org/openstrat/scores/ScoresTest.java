package org.openstrat.scores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.openstrat.scores.Fixtures.AS_OF;
import static org.openstrat.scores.Fixtures.byPatient;
import static org.openstrat.scores.Fixtures.d;
import static org.openstrat.scores.Fixtures.day;
import static org.openstrat.scores.Fixtures.list;
import static org.openstrat.scores.Fixtures.patient;
import static org.openstrat.scores.Fixtures.population;
import static org.openstrat.scores.Fixtures.row;
import static org.openstrat.scores.Fixtures.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.openstrat.ingest.Extract;
import org.openstrat.rules.AdmissionModel;
import org.openstrat.rules.RuleSet;
import org.openstrat.testing.Interpreted;
import org.openstrat.testing.SparkTestBase;

/**
 * The whole scores stage on the real rules/ and three patients from every source, values worked
 * out by hand; rows dated after as-of (backtest data) change nothing.
 */
class ScoresTest extends SparkTestBase {

  private static final RuleSet RULES = RuleSet.load(repoRoot().resolve("rules"));

  private static Object seq(String... s) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(s)).toSeq();
  }

  /** p1: frail 86-year-old woman; p2: 40-year-old man, nothing recorded; p3: woman of 70. */
  private static Dataset<Row> pop() {
    return population(patient("p1", 86, "F", 1), patient("p2", 40, "M", null),
        patient("p3", 70, "F", 9));
  }

  private static Map<Extract, Dataset<Row>> accepted(boolean withFuture) {
    List<Object[]> events = new ArrayList<>(List.<Object[]>of(
        row("p1", d("2019-05-01"), "161898004", null), // falls
        row("p1", d("2015-01-10"), "59621000", null), // essential hypertension: eFI + LTC
        row("p1", d("2018-02-02"), "73211009", null), // diabetes: eFI + LTC
        row("p1", d("2024-07-07"), "84114007", null), // heart failure: eFI + LTC
        row("p9", d("2020-01-01"), "84114007", null))); // not in the population
    List<Object[]> meds = new ArrayList<>(List.<Object[]>of(
        row("p1", day(-10), "1", "0206020A0AAAAAA"), row("p1", day(-40), "2", "0407010H0AAAMAM"),
        row("p1", day(-50), "3", "0212000B0AAAAAA"), row("p1", day(-60), "4", "0601022B0AAAAAA"),
        row("p1", day(-70), "5", "0205051R0AAAAAA")));
    List<Object[]> spells = new ArrayList<>(List.<Object[]>of(
        // R29 3.6 + F05 3.2 + W19 3.2 (R29 twice) = 10.0
        row("p1", "s1", "RXX", day(-30), day(-25), "21", "R296", seq("F05", "W19", "R29")),
        row("p1", "s0", "RXX", d("2023-01-01"), d("2023-01-09"), "21", "G81", seq()))); // > 2y
    List<Object[]> ae = new ArrayList<>(List.<Object[]>of(
        row("p1", "a1", day(-30), "01"), row("p1", "a2", day(-200), "01"),
        row("p3", "a3", day(-5), "01")));
    List<Object[]> op = new ArrayList<>(List.<Object[]>of(
        row("p1", "o1", day(-15), "3"), row("p1", "o2", day(-16), "5")));
    List<Object[]> care = new ArrayList<>(List.<Object[]>of(
        row("p1", "E06000001", "Long Term Support: Residential Care", "PS", d("2025-01-01"), null,
            d("2026-03-01"))));
    List<Object[]> housing = new ArrayList<>(List.<Object[]>of(
        row("p1", "10", d("2024-01-01"), "owner", true, false, false, false),
        row("p3", "30", d("2025-01-01"), "private_rent", false, true, false, false)));
    if (withFuture) {
      events.add(row("p1", day(10), "52448006", null)); // dementia after as-of
      events.add(row("p2", day(1), "84114007", null));
      meds.add(row("p1", day(3), "6", "0402030K0AAAAAA")); // lithium after as-of
      spells.add(row("p1", "s9", "RXX", day(5), day(20), "21", "F000", seq("G81")));
      spells.add(row("p2", "s8", "RXX", day(1), day(4), "2A", "W19", seq()));
      ae.add(row("p1", "a9", day(1), "01"));
      op.add(row("p1", "o9", day(2), "3"));
      care.add(row("p2", "E06000001", "Long Term Support: Nursing Care", "PS", day(1), null,
          d("2026-03-01")));
      housing.add(row("p1", "11", day(1), "temporary", false, true, true, false));
    }
    Map<Extract, Dataset<Row>> m = new EnumMap<>(Extract.class);
    m.put(Extract.GP_EVENTS, table(Extract.GP_EVENTS, events.toArray(Object[][]::new)));
    m.put(Extract.GP_MEDICATIONS, table(Extract.GP_MEDICATIONS, meds.toArray(Object[][]::new)));
    m.put(Extract.APC_SPELLS, table(Extract.APC_SPELLS, spells.toArray(Object[][]::new)));
    m.put(Extract.AE_ATTENDANCES, table(Extract.AE_ATTENDANCES, ae.toArray(Object[][]::new)));
    m.put(Extract.OP_APPOINTMENTS, table(Extract.OP_APPOINTMENTS, op.toArray(Object[][]::new)));
    m.put(Extract.SOCIAL_CARE, table(Extract.SOCIAL_CARE, care.toArray(Object[][]::new)));
    m.put(Extract.HOUSING, table(Extract.HOUSING, housing.toArray(Object[][]::new)));
    return m;
  }

  private static Dataset<Row> scores;
  private static Map<String, Row> rows;

  /** The stage on the fixture without future rows, computed once for the class (Spark is slow). */
  private static synchronized Map<String, Row> scored() {
    if (rows == null) {
      scores = Scores.compute(pop(), accepted(false), AS_OF, RULES);
      rows = byPatient(scores);
    }
    return rows;
  }

  private static List<Object> values(Row r) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      Object v = r.get(i);
      out.add(v instanceof scala.collection.Seq<?> s
          ? new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(s)) : v);
    }
    return out;
  }

  @Test
  void everyExpressionOfTheScoresRunsInGeneratedCode() {
    scored();
    // array_sort, a lambda, lower or upper would be evaluated row by row with all under it:
    // a quarter of the CPU time of the 100k system's scores (docs/performance.md).
    assertThat(Interpreted.in(scores)).isEmpty();
  }

  @Test
  void scoresTableHasTheArchitectureColumnsInOrder() {
    scored();
    List<String> names = Arrays.stream(scores.schema().fields()).map(StructField::name).toList();
    List<String> expected = new ArrayList<>(Scores.POPULATION_COLUMNS);
    expected.addAll(List.of("efi", "efi_deficit_count", "efi_category", "efi_deficits", "hfrs",
        "hfrs_band", "ltc_count", "ltc_conditions", "cms_score", "polypharmacy_count",
        "emergency_admissions_12m", "bed_days_12m", "ae_attendances_12m", "op_dna_12m",
        "social_care_service", "lives_alone", "category1_hazard", "homeless_or_temporary",
        "admission_risk", "admission_risk_band", "top_factors"));
    assertThat(names).isEqualTo(expected);
    Map<String, String> types = new HashMap<>();
    for (StructField f : scores.schema().fields()) {
      types.put(f.name(), f.dataType().simpleString());
    }
    assertThat(types).containsEntry("efi", "double").containsEntry("efi_deficit_count", "int")
        .containsEntry("efi_deficits", "array<string>").containsEntry("hfrs", "double")
        .containsEntry("ltc_count", "int").containsEntry("cms_score", "double")
        .containsEntry("polypharmacy_count", "int").containsEntry("bed_days_12m", "int")
        .containsEntry("lives_alone", "boolean").containsEntry("admission_risk", "double")
        .containsEntry("top_factors", "array<string>");
  }

  @Test
  void threePatientsWorkedByHand() {
    Map<String, Row> s = scored();
    assertThat(s).containsOnlyKeys("p1", "p2", "p3");
    AdmissionModel model = RULES.admissionModel();

    Row p1 = s.get("p1");
    assertThat((List<?>) values(p1).get(p1.fieldIndex("efi_deficits")))
        .isEqualTo(list("diabetes", "falls", "heart-failure", "hypertension", "polypharmacy"));
    assertThat((int) p1.getAs("efi_deficit_count")).isEqualTo(5);
    assertThat((double) p1.getAs("efi")).isEqualTo(5 / 36.0);
    assertThat((String) p1.getAs("efi_category")).isEqualTo("mild");
    assertThat((double) p1.getAs("hfrs")).isEqualTo(10.0);
    assertThat((String) p1.getAs("hfrs_band")).isEqualTo("intermediate");
    assertThat((List<?>) values(p1).get(p1.fieldIndex("ltc_conditions")))
        .isEqualTo(list("diabetes", "heart-failure", "hypertension"));
    assertThat((int) p1.getAs("ltc_count")).isEqualTo(3);
    assertThat((double) p1.getAs("cms_score")).isEqualTo(2.01); // 0.75 + 1.18 + 0.08
    assertThat((int) p1.getAs("polypharmacy_count")).isEqualTo(5);
    assertThat((int) p1.getAs("emergency_admissions_12m")).isEqualTo(1);
    assertThat((int) p1.getAs("bed_days_12m")).isEqualTo(5);
    assertThat((int) p1.getAs("ae_attendances_12m")).isEqualTo(2);
    assertThat((int) p1.getAs("op_dna_12m")).isEqualTo(1);
    assertThat((String) p1.getAs("social_care_service"))
        .isEqualTo("Long Term Support: Residential Care");
    assertThat((Boolean) p1.getAs("lives_alone")).isTrue();
    assertThat((Boolean) p1.getAs("category1_hazard")).isFalse();
    Map<String, Double> values1 = Map.ofEntries(Map.entry("age_85_plus", 1.0),
        Map.entry("imd_q1", 1.0), Map.entry("efi", 5 / 36.0), Map.entry("hfrs", 10.0),
        Map.entry("ltc_count", 3.0), Map.entry("polypharmacy_count", 5.0),
        Map.entry("emergency_admissions_12m", 1.0), Map.entry("bed_days_12m", 5.0),
        Map.entry("ae_attendances_12m", 2.0), Map.entry("op_dna_12m", 1.0),
        Map.entry("social_care_nursing_residential", 1.0), Map.entry("lives_alone", 1.0),
        Map.entry("age", 86.0), Map.entry("imd_decile", 1.0));
    double risk1 = model.probability(values1);
    assertThat((double) p1.getAs("admission_risk")).isCloseTo(risk1, within(1e-12));
    assertThat((String) p1.getAs("admission_risk_band")).isEqualTo(model.band(risk1));
    assertThat((List<Object>) values(p1).get(p1.fieldIndex("top_factors")))
        .isEqualTo((List<Object>) (List<?>) topFactors(model, values1,
            Map.of("efi", "0.14", "hfrs", "10")))
        .contains("1 emergency admission in last 12 months",
            "Lives in a care home (nursing or residential)");

    Row p2 = s.get("p2");
    assertThat((List<?>) values(p2).get(p2.fieldIndex("efi_deficits"))).isEmpty();
    assertThat((String) p2.getAs("efi_category")).isEqualTo("fit");
    assertThat((double) p2.getAs("hfrs")).isEqualTo(0.0);
    assertThat((String) p2.getAs("hfrs_band")).isEqualTo("low");
    assertThat((int) p2.getAs("ltc_count")).isZero();
    assertThat((int) p2.getAs("emergency_admissions_12m")).isZero();
    assertThat((Object) p2.getAs("social_care_service")).isNull();
    assertThat((Object) p2.getAs("lives_alone")).isNull();
    double risk2 = model.probability(Map.of("sex_male", 1.0, "age", 40.0));
    assertThat((double) p2.getAs("admission_risk")).isCloseTo(risk2, within(1e-12));
    assertThat((String) p2.getAs("admission_risk_band")).isEqualTo("low");
    assertThat((List<?>) values(p2).get(p2.fieldIndex("top_factors"))).isEqualTo(list("Male"));

    Row p3 = s.get("p3");
    Map<String, Double> values3 = Map.of("age", 70.0, "imd_decile", 9.0, "age_65_74", 1.0,
        "ae_attendances_12m", 1.0, "category1_hazard", 1.0);
    assertThat((double) p3.getAs("admission_risk"))
        .isCloseTo(model.probability(values3), within(1e-12));
    assertThat((List<Object>) values(p3).get(p3.fieldIndex("top_factors")))
        .isEqualTo((List<Object>) (List<?>) topFactors(model, values3, Map.of()))
        .containsExactlyInAnyOrder("Aged 65 to 74", "1 A&E attendance in last 12 months",
            "Home has a category 1 housing hazard");
  }

  /**
   * Top factors worked out in plain Java from the model rows (so the test follows coefficient
   * changes in the rule file): positive contributions, largest first, ties by feature name.
   */
  private static List<String> topFactors(
      AdmissionModel model, Map<String, Double> values, Map<String, String> shown) {
    record C(double c, String feature, String label) {}
    List<C> cs = new ArrayList<>();
    for (var t : model.terms()) {
      double v = values.getOrDefault(t.feature(), 0.0);
      double c = t.coefficient() * t.transformed(v);
      String text = shown.getOrDefault(t.feature(), Long.toString(Math.round(v)));
      if (c > 0) {
        cs.add(new C(c, t.feature(), t.explain(text)));
      }
    }
    cs.sort(java.util.Comparator.comparingDouble((C c) -> -c.c()).thenComparing(C::feature));
    return cs.stream().limit(3).map(C::label).toList();
  }

  @Test
  void rowsDatedAfterAsOfChangeNothing() {
    List<List<Object>> without = new ArrayList<>();
    List<List<Object>> with = new ArrayList<>();
    scored().values().forEach(r -> without.add(values(r)));
    byPatient(Scores.compute(pop(), accepted(true), AS_OF, RULES)).values()
        .forEach(r -> with.add(values(r)));
    assertThat(with).isEqualTo(without);
  }

  @Test
  void aMissingExtractIsEmpty() {
    Map<Extract, Dataset<Row>> only = new EnumMap<>(Extract.class);
    only.put(Extract.GP_EVENTS, accepted(false).get(Extract.GP_EVENTS));
    Map<String, Row> s = byPatient(Scores.compute(pop(), only, AS_OF, RULES));
    assertThat((int) s.get("p1").getAs("efi_deficit_count")).isEqualTo(4); // no polypharmacy
    assertThat((int) s.get("p1").getAs("bed_days_12m")).isZero();
  }
}
