package org.openstrat.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openstrat.scores.Fixtures.AS_OF;
import static org.openstrat.scores.Fixtures.column;
import static org.openstrat.scores.Fixtures.d;
import static org.openstrat.scores.Fixtures.day;
import static org.openstrat.scores.Fixtures.list;
import static org.openstrat.scores.Fixtures.row;
import static org.openstrat.scores.Fixtures.table;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.openstrat.ingest.Extract;
import org.openstrat.testing.SparkTestBase;

/** Windows and counts of the per-patient features, as of 2026-03-31 (12-month start 2025-03-31). */
class FeaturesTest extends SparkTestBase {

  private static final Dataset<Row> NO_SPELLS = table(Extract.APC_SPELLS);
  private static final Dataset<Row> NO_AE = table(Extract.AE_ATTENDANCES);
  private static final Dataset<Row> NO_OP = table(Extract.OP_APPOINTMENTS);

  private static Object[] spell(String id, String spellId, Object admitted, Object discharged,
      String method) {
    return row(id, spellId, "RXX", admitted, discharged, method, "I10", null);
  }

  @Test
  void windowStartIsAsOfMinusTwelveMonthsInclusive() {
    assertThat(Windows.start(AS_OF, 12)).isEqualTo(java.time.LocalDate.of(2025, 3, 31));
    // a month-end as-of: 31 May minus 3 months is the last day of February
    assertThat(Windows.start(java.time.LocalDate.of(2026, 5, 31), 3))
        .isEqualTo(java.time.LocalDate.of(2026, 2, 28));
  }

  @Test
  void emergencyAdmissionsCountOnlyEmergencyMethodsInsideTheWindow() {
    Dataset<Row> spells = table(Extract.APC_SPELLS,
        spell("p1", "s1", d("2025-03-31"), d("2025-04-02"), "21"), // first day of window: in
        spell("p1", "s2", d("2025-03-30"), d("2025-03-30"), "2A"), // day before window: out
        spell("p1", "s3", AS_OF_DATE(), AS_OF_DATE(), "28"), // on as-of: in
        spell("p1", "s4", day(1), day(3), "21"), // after as-of (backtest data): out
        spell("p2", "s5", day(-10), day(-9), "11"), // elective: not an emergency
        spell("p2", "s6", day(-20), day(-19), "2D"),
        spell("p3", "s7", day(-20), day(-19), "31")); // maternity
    Map<String, Object> em = column(
        Features.utilisation(spells, NO_AE, NO_OP, AS_OF), Features.EMERGENCY_ADMISSIONS_12M);
    assertThat(em).containsEntry("p1", 2).containsEntry("p2", 1).containsEntry("p3", 0);
  }

  @Test
  void bedDaysAreTheDaysOfEachSpellInsideTheWindow() {
    Dataset<Row> spells = table(Extract.APC_SPELLS,
        spell("p1", "s1", d("2025-03-21"), d("2025-04-05"), "11"), // 5 of its 15 days in window
        spell("p1", "s2", day(-10), day(-6), "21"), // 4 days
        spell("p2", "s3", day(-3), null, "21"), // still in: runs to as-of, 3 days
        spell("p3", "s4", day(-2), day(5), "21"), // discharged after as-of: 2 days to as-of
        spell("p4", "s5", day(-5), day(-5), "21"), // day case: 0
        spell("p5", "s6", day(2), day(9), "21")); // admitted after as-of: nothing
    Map<String, Object> beds =
        column(Features.utilisation(spells, NO_AE, NO_OP, AS_OF), Features.BED_DAYS_12M);
    assertThat(beds).isEqualTo(Map.of("p1", 9, "p2", 3, "p3", 2, "p4", 0));
  }

  @Test
  void aeAttendancesAndOutpatientDnasInTheWindow() {
    Dataset<Row> ae = table(Extract.AE_ATTENDANCES,
        row("p1", "a1", d("2025-03-31"), "01"),
        row("p1", "a2", d("2025-03-30"), "01"),
        row("p1", "a3", AS_OF_DATE(), "03"),
        row("p1", "a4", day(1), "01"),
        row("p2", "a5", day(-100), "02"));
    Dataset<Row> op = table(Extract.OP_APPOINTMENTS,
        row("p1", "o1", day(-5), "3"),
        row("p1", "o2", day(-6), "7"),
        row("p1", "o3", day(-7), "5"), // attended
        row("p1", "o4", day(-8), "2"), // cancelled
        row("p1", "o5", day(4), "3"), // after as-of
        row("p2", "o6", d("2025-03-30"), "3")); // before the window
    Dataset<Row> u = Features.utilisation(NO_SPELLS, ae, op, AS_OF);
    assertThat(column(u, Features.AE_ATTENDANCES_12M)).isEqualTo(Map.of("p1", 2, "p2", 1));
    assertThat(column(u, Features.OP_DNA_12M)).isEqualTo(Map.of("p1", 2, "p2", 0));
  }

  @Test
  void polypharmacyCountsDistinctSubstancesInTwelveMonths() {
    Dataset<Row> meds = table(Extract.GP_MEDICATIONS,
        // p1: substance 0212000B0 twice (two strengths) counts once; 0601022B0 on the first day
        row("p1", day(-1), "1", "0212000B0AAABAB"),
        row("p1", day(-2), "2", "0212000B0AAACAC"),
        row("p1", d("2025-03-31"), "3", "0601022B0AAABAB"),
        row("p1", d("2025-03-30"), "4", "0407010H0AAAMAM"), // day before the window
        row("p1", day(1), "5", "0101010G0AAABAB"), // after as-of
        row("p1", day(-3), "6", null), // no BNF code: not counted
        row("p2", day(-3), "7", "0101010G0AAABAB"));
    Map<String, Object> poly =
        column(Features.polypharmacy(meds, AS_OF), Features.POLYPHARMACY_COUNT);
    assertThat(poly).isEqualTo(Map.of("p1", 2, "p2", 1));
  }

  @Test
  void socialCareServiceOpenOnAsOf() {
    Dataset<Row> sc = table(Extract.SOCIAL_CARE,
        row("p1", "E06000001", "home_care", "PS", d("2025-01-01"), null, d("2026-03-01")),
        row("p2", "E06000001", "home_care", "PS", d("2025-01-01"), AS_OF_DATE(), d("2026-03-01")),
        row("p3", "E06000001", "home_care", "PS", d("2025-01-01"), day(-1), d("2026-03-01")),
        row("p4", "E06000001", "home_care", "PS", AS_OF_DATE(), null, d("2026-03-01")),
        row("p5", "E06000001", "home_care", "PS", day(1), null, d("2026-03-01")),
        row("p6", "E06000001", "day_care", "PS", d("2024-01-01"), null, d("2026-03-01")),
        row("p6", "E06000001", "residential", "PS", d("2025-06-01"), null, d("2026-03-01")),
        // sent after as-of: not known on the as-of date, though the service started before it
        row("p7", "E06000001", "home_care", "PS", d("2025-01-01"), null, day(30)));
    Dataset<Row> open = Features.socialCare(sc, AS_OF);
    assertThat(column(open, Features.SOCIAL_CARE_SERVICE)).isEqualTo(Map.of(
        "p1", "home_care", "p2", "home_care", "p4", "home_care", "p6", "residential"));
    assertThat(column(open, Features.SOCIAL_CARE_SERVICES))
        .containsEntry("p6", list("day_care", "residential"));
  }

  @Test
  void housingFlagsComeFromTheLatestRecordOnOrBeforeAsOf() {
    Dataset<Row> h = table(Extract.HOUSING,
        row("p1", "1", d("2024-01-01"), "owner", true, true, false, false),
        row("p1", "1", d("2025-01-01"), "owner", false, false, false, false),
        row("p1", "1", day(1), "temporary", true, true, true, false), // after as-of: ignored
        row("p2", "2", AS_OF_DATE(), "temporary", true, false, true, false),
        row("p3", "3", day(5), "owner", true, true, true, false)); // only a future record
    Dataset<Row> flags = Features.housing(h, AS_OF);
    assertThat(column(flags, Features.LIVES_ALONE)).isEqualTo(Map.of("p1", false, "p2", true));
    assertThat(column(flags, Features.HOMELESS_OR_TEMPORARY))
        .isEqualTo(Map.of("p1", false, "p2", true));
    assertThat(column(flags, Features.CATEGORY1_HAZARD))
        .isEqualTo(Map.of("p1", false, "p2", false));
  }

  private static java.sql.Date AS_OF_DATE() {
    return day(0);
  }
}
