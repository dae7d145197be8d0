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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.CodedEvents.CodeRule;
import org.openstrat.features.Features;
import org.openstrat.ingest.Extract;
import org.openstrat.testing.SparkTestBase;

/** eFI deficits, value rules, polypharmacy and categories on hand-made rules and fixtures. */
class EfiTest extends SparkTestBase {

  // Codes are made up for the fixture; the rule-file test uses the real lists.
  private static final List<CodeRule> RULES = List.of(
      CodeRule.code("1001", "efi", "arthritis", null),
      CodeRule.code("1002", "efi", "falls", null),
      CodeRule.code("1003", "efi", "windowed", 12),
      // Barthel <= 18
      new CodeRule("2001", "efi", "activity-limitation", null, "<=", 18.0, null),
      // haemoglobin below range: male < 130 g/L, female < 115 g/L
      new CodeRule("2002", "efi", "anaemia", null, "<", 130.0, "M"),
      new CodeRule("2002", "efi", "anaemia", null, "<", 115.0, "F"),
      // TSH outside 0.36-5.5
      new CodeRule("2003", "efi", "thyroid-disorders", null, "<", 0.36, null),
      new CodeRule("2003", "efi", "thyroid-disorders", null, ">", 5.5, null),
      // AF score: any value
      new CodeRule("2004", "efi", "atrial-fibrillation", null, "any", null, null),
      CodeRule.code("1001", "ltc", "other-family", null));

  private static Dataset<Row> flags(Dataset<Row> pop, Object[]... events) {
    return CodedEvents.flags(table(Extract.GP_EVENTS, events), pop, RULES, AS_OF);
  }

  private static Map<String, Object> deficits(Dataset<Row> pop, Object[]... events) {
    Dataset<Row> noMeds = Features.polypharmacy(table(Extract.GP_MEDICATIONS), AS_OF);
    return column(Efi.deficits(flags(pop, events), noMeds), Efi.EFI_DEFICITS);
  }

  private static final Dataset<Row> POP = population(
      patient("p1", 80, "F", 3), patient("p2", 80, "M", 3), patient("p3", 75, "F", null),
      patient("p4", 90, "M", 5));

  @Test
  void aCodeOnOrBeforeAsOfCountsACodeAfterAsOfOrUnlistedDoesNot() {
    Map<String, Object> got = deficits(POP,
        row("p1", d("1990-01-01"), "1001", null), // ever: decades ago counts
        row("p2", AS_OF_DATE(), "1002", null), // on as-of: counts
        row("p3", day(1), "1001", null), // after as-of: does not count
        row("p4", day(-1), "9999", null), // code on no list
        row("p9", day(-1), "1001", null)); // not in the population
    assertThat(got).isEqualTo(Map.of("p1", list("arthritis"), "p2", list("falls")));
  }

  @Test
  void aWindowedDeficitCountsFromTheFirstDayOfItsWindow() {
    Map<String, Object> got = deficits(POP,
        row("p1", d("2025-03-31"), "1003", null), // first day of the 12-month window
        row("p2", d("2025-03-30"), "1003", null), // the day before
        row("p3", day(2), "1003", null));
    assertThat(got).isEqualTo(Map.of("p1", list("windowed")));
  }

  @Test
  void barthelAtOrBelow18() {
    Map<String, Object> got = deficits(POP,
        row("p1", day(-1), "2001", 18.0), row("p2", day(-1), "2001", 18.5),
        row("p3", day(-1), "2001", null), row("p4", day(3), "2001", 5.0));
    assertThat(got).isEqualTo(Map.of("p1", list("activity-limitation")));
  }

  @Test
  void haemoglobinBelowTheRangeForTheSex() {
    Map<String, Object> got = deficits(POP,
        row("p1", day(-1), "2002", 114.9), // female below 115
        row("p2", day(-1), "2002", 129.9), // male below 130
        row("p3", day(-1), "2002", 115.0), // female on the edge: not below
        row("p4", day(-1), "2002", 130.0)); // male on the edge
    assertThat(got).isEqualTo(Map.of("p1", list("anaemia"), "p2", list("anaemia")));
    // 120 g/L is anaemia for a man only
    Map<String, Object> mid = deficits(POP,
        row("p3", day(-1), "2002", 120.0), row("p4", day(-1), "2002", 120.0));
    assertThat(mid).isEqualTo(Map.of("p4", list("anaemia")));
  }

  @Test
  void tshOutsideTheRangeBothEnds() {
    Map<String, Object> got = deficits(POP,
        row("p1", day(-1), "2003", 0.35), row("p2", day(-1), "2003", 0.36),
        row("p3", day(-1), "2003", 5.5), row("p4", day(-1), "2003", 5.51));
    assertThat(got).isEqualTo(Map.of("p1", list("thyroid-disorders"),
        "p4", list("thyroid-disorders")));
  }

  @Test
  void anyValueRuleNeedsAValue() {
    Map<String, Object> got = deficits(POP,
        row("p1", day(-1), "2004", 0.0), row("p2", day(-1), "2004", null));
    assertThat(got).isEqualTo(Map.of("p1", list("atrial-fibrillation")));
  }

  @Test
  void polypharmacyIsFiveDistinctSubstancesNotFour() {
    Dataset<Row> meds = table(Extract.GP_MEDICATIONS,
        row("p1", day(-1), "1", "0101010A0AAAAAA"), row("p1", day(-1), "1", "0101010B0AAAAAA"),
        row("p1", day(-1), "1", "0101010C0AAAAAA"), row("p1", day(-1), "1", "0101010D0AAAAAA"),
        row("p1", day(-1), "1", "0101010D0AAABAB"), // 4th substance again: still 4
        row("p2", day(-1), "1", "0101010A0AAAAAA"), row("p2", day(-1), "1", "0101010B0AAAAAA"),
        row("p2", day(-1), "1", "0101010C0AAAAAA"), row("p2", day(-1), "1", "0101010D0AAAAAA"),
        row("p2", d("2025-03-31"), "1", "0101010E0AAAAAA"), // 5th on the window's first day
        row("p3", day(-1), "1", "0101010A0AAAAAA"), row("p3", day(-1), "1", "0101010B0AAAAAA"),
        row("p3", day(-1), "1", "0101010C0AAAAAA"), row("p3", day(-1), "1", "0101010D0AAAAAA"),
        row("p3", d("2025-03-30"), "1", "0101010E0AAAAAA")); // 5th a day too early
    Dataset<Row> noFlags = flags(POP);
    Map<String, Object> got =
        column(Efi.deficits(noFlags, Features.polypharmacy(meds, AS_OF)), Efi.EFI_DEFICITS);
    assertThat(got).isEqualTo(Map.of("p2", list("polypharmacy")));
  }

  @Test
  void deficitsAreSortedAndCountedOnce() {
    Map<String, Object> got = deficits(POP,
        row("p1", day(-1), "1002", null), row("p1", day(-2), "1002", null),
        row("p1", day(-3), "1001", null), row("p1", day(-1), "2003", 9.0));
    assertThat(got).isEqualTo(Map.of("p1", list("arthritis", "falls", "thyroid-disorders")));
  }

  @Test
  void categoryEdgesByDeficitCount() {
    StructType schema = new StructType().add("nhs_number", DataTypes.StringType)
        .add(Efi.EFI_DEFICITS, DataTypes.createArrayType(DataTypes.StringType));
    int[] counts = {0, 4, 5, 8, 9, 12, 13, 36};
    List<Object[]> rows = new ArrayList<>();
    for (int n : counts) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        keys.add("d" + i);
      }
      rows.add(row("n" + n, scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq()));
    }
    rows.add(row("none", null));
    Dataset<Row> scored = Efi.score(table(schema, rows.toArray(Object[][]::new)));
    assertThat(column(scored, Efi.EFI_CATEGORY)).isEqualTo(Map.of(
        "n0", "fit", "n4", "fit", "n5", "mild", "n8", "mild", "n9", "moderate",
        "n12", "moderate", "n13", "severe", "n36", "severe", "none", "fit"));
    assertThat(column(scored, Efi.EFI_DEFICIT_COUNT)).containsEntry("n13", 13)
        .containsEntry("none", 0);
    assertThat((Double) column(scored, Efi.EFI).get("n9")).isEqualTo(9 / 36.0);
    assertThat((Double) column(scored, Efi.EFI).get("n36")).isEqualTo(1.0);
  }

  private static java.sql.Date AS_OF_DATE() {
    return day(0);
  }
}
