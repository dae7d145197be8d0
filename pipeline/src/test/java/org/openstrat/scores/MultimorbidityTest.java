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
import java.util.Set;
import org.openstrat.ingest.Extract;
import org.openstrat.rules.LtcCondition;
import org.openstrat.rules.MultimorbidityRules;
import org.openstrat.testing.SparkTestBase;

/** Long-term conditions from codes and medicines, their count and the CMS. As-of 2026-03-31. */
class MultimorbidityTest extends SparkTestBase {

  // Condition rules written as in rules/multimorbidity/ltc-conditions.csv (codes made up).
  private static LtcCondition ltc(String key, double weight, Integer months, Set<String> codes,
      Integer minIssues, List<String> prefixes, String logic) {
    return new LtcCondition(key, key, weight, months, codes, minIssues, prefixes, "", logic);
  }

  private static final MultimorbidityRules RULES = new MultimorbidityRules(List.of(
      ltc("HYP", 0.08, null, Set.of("3001"), null, List.of(), "code"),
      ltc("DIA", 0.75, null, Set.of("3002"), null, List.of(), "code"),
      // code in the last 12 months, or >= 4 antidepressant/anxiolytic issues in 12 months
      ltc("DEP", 0.50, 12, Set.of("3003"), 4, List.of("0403", "040101"), "code_or_rx"),
      // >= 4 laxative issues in 12 months
      ltc("CON", 1.12, null, Set.of(), 4, List.of("0106"), "rx"),
      // lithium in 12 months
      ltc("SCZ", 0.64, null, Set.of("3004"), 1, List.of("0402030K0"), "code_or_rx"),
      // currently treated: code ever and an asthma medicine in 12 months
      ltc("AST", 0.19, null, Set.of("3005"), 1, List.of("0301", "0302"), "code_and_rx")));

  private static final List<CodeRule> CODES = Multimorbidity.codeRules(RULES);
  private static final List<MedicationRule> MEDS = Multimorbidity.medicationRules(RULES);

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
        // p3: lithium once, on the window's first day
        issue("p3", d("2025-03-31"), "0402030K0AAAAAA"),
        // p4: lithium after as-of only
        issue("p4", day(1), "0402030K0AAAAAA"),
        // p5: an antidepressant and an anxiolytic twice each (prefixes 0403 and 040101) = 4
        issue("p5", day(-1), "0403010B0AAAAAA"), issue("p5", day(-2), "0403010B0AAAAAA"),
        issue("p5", day(-3), "0401010T0AAAAAA"), issue("p5", day(-4), "0401010T0AAAAAA"));
    Dataset<Row> flags = Medications.flags(meds, MEDS, AS_OF);
    assertThat(column(flags.where("family = 'ltc_rx'").groupBy("nhs_number").agg(
        org.apache.spark.sql.functions.array_sort(
            org.apache.spark.sql.functions.collect_list("key")).as("keys")), "keys"))
        .isEqualTo(Map.of("p1", list("CON"), "p3", list("SCZ"), "p5", list("DEP")));

    // One summary read by rules of different windows: "ever" counts issues of any date on or
    // before as-of, 12 months only the window's (p2's fifth issue, after as-of, is in neither).
    List<MedicationRule> mixed = List.of(
        new MedicationRule("ltc_rx", "EVER5", "0106020C0", null, 5),
        new MedicationRule("ltc_rx", "EVER4", "0106020C0", null, 4),
        new MedicationRule("ltc_rx", "RECENT3", "0106020C0", 12, 3));
    Dataset<Row> summary =
        Medications.issuesByCode(meds, AS_OF, java.util.Arrays.asList(12, null));
    assertThat(column(Medications.flags(summary, mixed).groupBy("nhs_number").agg(
        org.apache.spark.sql.functions.array_sort(
            org.apache.spark.sql.functions.collect_list("key")).as("keys")), "keys"))
        .isEqualTo(Map.of("p2", list("EVER4", "RECENT3")));
  }

  @Test
  void countAndCmsFromCodesAndMedicines() {
    Dataset<Row> events = table(Extract.GP_EVENTS,
        row("p1", d("2001-01-01"), "3001", null), row("p1", day(-1), "3002", null),
        row("p1", day(-2), "3002", null), // same condition twice: once
        row("p2", d("2025-03-30"), "3003", null), // depression code a day too early
        row("p3", day(-5), "3003", null), row("p3", day(5), "3001", null), // HYP after as-of
        row("p1", day(-9), "3005", null), row("p2", day(-9), "3005", null)); // asthma codes
    Dataset<Row> meds = table(Extract.GP_MEDICATIONS,
        issue("p3", day(-1), "0403010B0AAAAAA"), issue("p3", day(-2), "0403010B0AAAAAA"),
        issue("p3", day(-3), "0403010B0AAAAAA"), issue("p3", day(-4), "0403010B0AAAAAA"),
        issue("p4", day(-4), "0402030K0AAAAAA"),
        issue("p2", day(-4), "0301011R0AAAAAA"), // p2: asthma code and inhaler: treated
        issue("p4", day(-4), "0301011R0AAAAAA")); // p4: inhaler without an asthma code
    Dataset<Row> conditions = CodedEvents.flags(events, POP, CODES, AS_OF)
        .unionByName(Medications.flags(meds, MEDS, AS_OF));
    Dataset<Row> mm = Multimorbidity.score(conditions, RULES);
    // p3's depression is met by code and by medicines: counted once
    assertThat(column(mm, Multimorbidity.LTC_CONDITIONS)).isEqualTo(Map.of(
        "p1", list("DIA", "HYP"), "p2", list("AST"), "p3", list("DEP"), "p4", list("SCZ")));
    assertThat(column(mm, Multimorbidity.LTC_COUNT))
        .isEqualTo(Map.of("p1", 2, "p2", 1, "p3", 1, "p4", 1));
    assertThat(column(mm, Multimorbidity.CMS_SCORE))
        .isEqualTo(Map.of("p1", 0.83, "p2", 0.19, "p3", 0.5, "p4", 0.64));
  }
}
