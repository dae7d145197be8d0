package org.openstrat.scores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openstrat.scores.Fixtures.AS_OF;
import static org.openstrat.scores.Fixtures.column;
import static org.openstrat.scores.Fixtures.d;
import static org.openstrat.scores.Fixtures.day;
import static org.openstrat.scores.Fixtures.list;
import static org.openstrat.scores.Fixtures.patient;
import static org.openstrat.scores.Fixtures.population;
import static org.openstrat.scores.Fixtures.row;
import static org.openstrat.scores.Fixtures.table;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.CodedEvents.CodeRule;
import org.openstrat.features.Medications;
import org.openstrat.features.Medications.MedicationRule;
import org.openstrat.ingest.Extract;
import org.openstrat.testing.SparkTestBase;

/** Long-term conditions from codes and medicines, their count and the CMS. As-of 2026-03-31. */
class MultimorbidityTest extends SparkTestBase {

  private static final List<CodeRule> CODES = List.of(
      CodeRule.code("3001", "ltc", "HYP", null),
      CodeRule.code("3002", "ltc", "DIA", null),
      CodeRule.code("3003", "ltc", "DEP", 12), // code in the last 12 months
      CodeRule.code("3001", "efi", "hypertension", null)); // another family: not a condition

  // constipation: >= 4 laxative issues (BNF 0106) in 12 months; depression: >= 4 antidepressants
  private static final List<MedicationRule> MEDS = List.of(
      new MedicationRule("ltc", "CON", "0106", 12, 4),
      new MedicationRule("ltc", "DEP", "0403", 12, 4),
      new MedicationRule("ltc", "SCZ", "0402030K0", null, 1)); // lithium ever

  private static final Map<String, Double> CMS =
      Map.of("HYP", 0.08, "DIA", 0.75, "DEP", 0.50, "CON", 1.12, "SCZ", 0.64);

  private static final Dataset<Row> POP = population(
      patient("p1", 70, "F", 1), patient("p2", 70, "M", 1), patient("p3", 70, "F", 1),
      patient("p4", 70, "M", 1));

  private static Object[] issue(String id, Object date, String bnf) {
    return row(id, date, "1", bnf);
  }

  @Test
  void medicationRulesNeedTheirIssueCountInsideTheWindow() {
    Dataset<Row> meds = table(Extract.GP_MEDICATIONS,
        // p1: 4 laxative issues, one on the window's first day, over two substances
        issue("p1", d("2025-03-31"), "0106020C0AAAAAA"), issue("p1", day(-30), "0106020C0AAAAAA"),
        issue("p1", day(-60), "0106040M0AAAAAA"), issue("p1", day(-90), "0106040M0AAAAAA"),
        // p2: 3 in the window, 1 the day before it, 1 after as-of
        issue("p2", d("2025-03-30"), "0106020C0AAAAAA"), issue("p2", day(-30), "0106020C0AAAAAA"),
        issue("p2", day(-60), "0106020C0AAAAAA"), issue("p2", day(-90), "0106020C0AAAAAA"),
        issue("p2", day(3), "0106020C0AAAAAA"),
        // p3: lithium once, years ago (an "ever" rule)
        issue("p3", d("2010-05-01"), "0402030K0AAAAAA"),
        // p4: lithium after as-of only
        issue("p4", day(1), "0402030K0AAAAAA"));
    Dataset<Row> flags = Medications.flags(meds, MEDS, AS_OF);
    assertThat(column(flags.groupBy("nhs_number").agg(
        org.apache.spark.sql.functions.array_sort(
            org.apache.spark.sql.functions.collect_list("key")).as("keys")), "keys"))
        .isEqualTo(Map.of("p1", list("CON"), "p3", list("SCZ")));
  }

  @Test
  void countAndCmsFromCodesAndMedicines() {
    Dataset<Row> events = table(Extract.GP_EVENTS,
        row("p1", d("2001-01-01"), "3001", null), row("p1", day(-1), "3002", null),
        row("p1", day(-2), "3002", null), // same condition twice: once
        row("p2", d("2025-03-30"), "3003", null), // depression code a day too early
        row("p3", day(-5), "3003", null), row("p3", day(5), "3001", null)); // HYP after as-of
    Dataset<Row> meds = table(Extract.GP_MEDICATIONS,
        issue("p3", day(-1), "0403010B0AAAAAA"), issue("p3", day(-2), "0403010B0AAAAAA"),
        issue("p3", day(-3), "0403010B0AAAAAA"), issue("p3", day(-4), "0403010B0AAAAAA"),
        issue("p4", day(-4), "0402030K0AAAAAA"));
    Dataset<Row> conditions = CodedEvents.flags(events, POP, CODES, AS_OF)
        .unionByName(Medications.flags(meds, MEDS, AS_OF));
    Dataset<Row> mm = Multimorbidity.score(conditions, CMS);
    // p3's depression is met by code and by medicines: counted once
    assertThat(column(mm, Multimorbidity.LTC_CONDITIONS)).isEqualTo(Map.of(
        "p1", list("DIA", "HYP"), "p3", list("DEP"), "p4", list("SCZ")));
    assertThat(column(mm, Multimorbidity.LTC_COUNT)).isEqualTo(Map.of("p1", 2, "p3", 1, "p4", 1));
    assertThat(column(mm, Multimorbidity.CMS_SCORE))
        .isEqualTo(Map.of("p1", 0.83, "p3", 0.5, "p4", 0.64));
  }
}
