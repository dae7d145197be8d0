package org.openstrat.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.openstrat.scores.Fixtures.d;
import static org.openstrat.scores.Fixtures.day;
import static org.openstrat.scores.Fixtures.row;
import static org.openstrat.scores.Fixtures.table;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.openstrat.ingest.Extract;
import org.openstrat.scores.Fixtures;
import org.openstrat.testing.SparkTestBase;

/** Each backtest figure on a fixture small enough to work out by hand (worked in the comments). */
class MetricsTest extends SparkTestBase {

  private static final StructType SCORED = new StructType()
      .add(Lists.LEVEL, DataTypes.StringType)
      .add(Lists.CODE, DataTypes.StringType)
      .add("nhs_number", DataTypes.StringType)
      .add("s", DataTypes.DoubleType)
      .add("admission_risk", DataTypes.DoubleType)
      .add("efi", DataTypes.DoubleType)
      .add("hfrs", DataTypes.DoubleType)
      .add("y", DataTypes.IntegerType);

  private static Object[] p(String id, Double score, double efi, int y) {
    return row("all", "ALL", id, score, 0.1, efi, 0.0, y);
  }

  @Test
  void aurocCountsTiesHalfWithDeLongsInterval() {
    // Positives score 2 and 3, negatives 1 and 2. Pairs (pos, neg): (2,1) 1, (2,2) 1/2 (a tie),
    // (3,1) 1, (3,2) 1: AUROC = 3.5 / 4 = 0.875.
    // DeLong placements: positives 0.75 (2 beats 1, ties 2) and 1; negatives 1 (both positives
    // above 1) and 0.75. S10 = S01 = (0.125^2 + 0.125^2) / 1 = 0.03125;
    // var = 0.03125 / 2 + 0.03125 / 2 = 0.03125; se = 0.17678; 95% low = 0.875 - 1.96 x 0.17678.
    Dataset<Row> lists = table(SCORED, p("a", 1.0, 0, 0), p("b", 2.0, 0, 0), p("c", 2.0, 0, 1),
        p("d", 3.0, 0, 1));
    Auroc.Result r = Auroc.compute(lists, List.of("s"), List.of("y")).get(0);
    assertThat(r.patients()).isEqualTo(4);
    assertThat(r.events()).isEqualTo(2);
    assertThat(r.auc()).isCloseTo(0.875, within(1e-12));
    assertThat(r.low()).isCloseTo(0.875 - 1.959964 * Math.sqrt(0.03125), within(1e-9));
    assertThat(r.high()).isEqualTo(1.0); // 0.875 + 0.346 clipped
  }

  @Test
  void aurocRanksAMissingScoreLowestAndIsUndefinedWithOneClass() {
    // e has no score: below everyone. Positives c(2), d(3); negatives a(1), b(2), e(-): pairs
    // (c,a) 1, (c,b) 1/2, (c,e) 1, (d,*) 3 -> 5.5 / 6.
    Dataset<Row> lists = table(SCORED, p("a", 1.0, 0, 0), p("b", 2.0, 0, 0), p("c", 2.0, 0, 1),
        p("d", 3.0, 0, 1), p("e", null, 0, 0));
    assertThat(Auroc.compute(lists, List.of("s"), List.of("y")).get(0).auc())
        .isCloseTo(5.5 / 6, within(1e-12));
    Dataset<Row> allEvents = table(SCORED, p("a", 1.0, 0, 1), p("b", 2.0, 0, 1));
    assertThat(Auroc.compute(allEvents, List.of("s"), List.of("y")).get(0).auc()).isNaN();
  }

  @Test
  void topShareCutsInsideATieAsTheCohortsDo() {
    // 10 patients. Score: a 0.9; b, c, d tied at 0.5; the rest 0.1. Top 10% = ceil(1) = a.
    // Top 30% = 3: a, then two of the tied b, c, d by the cohorts' tie rule: admission risk
    // (equal), then eFI desc: c (0.3), d (0.2), not b (0.1).
    // Events: a, b, d. In the top 30%: a, d -> PPV 2/3, sensitivity 2/3, lift (2/3)/(3/10).
    Dataset<Row> lists = table(SCORED,
        p("a", 0.9, 0, 1), p("b", 0.5, 0.1, 1), p("c", 0.5, 0.3, 0), p("d", 0.5, 0.2, 1),
        p("e", 0.1, 0, 0), p("f", 0.1, 0, 0), p("g", 0.1, 0, 0), p("h", 0.1, 0, 0),
        p("i", 0.1, 0, 0), p("j", 0.1, 0, 0));
    Map<Integer, TopShare.Result> byShare = new TreeMap<>();
    for (TopShare.Result r : TopShare.compute(lists, List.of("s"), List.of("y"), List.of(10, 30), "salt")) {
      byShare.put(r.percent(), r);
    }
    assertThat(byShare.get(10).size()).isEqualTo(1);
    assertThat(byShare.get(10).eventsInTop()).isEqualTo(1);
    TopShare.Result top30 = byShare.get(30);
    assertThat(top30.size()).isEqualTo(3);
    assertThat(top30.eventsInTop()).isEqualTo(2);
    assertThat(top30.ppv()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(top30.sensitivity()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(top30.lift()).isCloseTo((2 / 3.0) / 0.3, within(1e-12));
  }

  private static final StructType CALIBRATION = new StructType()
      .add(Lists.LEVEL, DataTypes.StringType)
      .add(Lists.CODE, DataTypes.StringType)
      .add("nhs_number", DataTypes.StringType)
      .add("p", DataTypes.DoubleType)
      .add("lp", DataTypes.DoubleType)
      .add("y", DataTypes.IntegerType);

  /** Two groups of 10: predicted 0.5 and 0.2, with the given numbers of events. */
  private static Dataset<Row> twoGroups(int eventsAtHalf, int eventsAtFifth) {
    Object[][] rows = new Object[20][];
    double lpFifth = Math.log(0.2 / 0.8);
    for (int i = 0; i < 10; i++) {
      rows[i] = row("all", "ALL", "h" + i, 0.5, 0.0, i < eventsAtHalf ? 1 : 0);
      rows[10 + i] = row("all", "ALL", "f" + i, 0.2, lpFifth, i < eventsAtFifth ? 1 : 0);
    }
    return table(CALIBRATION, rows);
  }

  @Test
  void perfectlyCalibratedGroupsHaveInterceptZeroSlopeOneAndTheBrierScoreByHand() {
    // Observed 5/10 at 0.5 and 2/10 at 0.2. Brier: (10 x 0.25 + 2 x 0.64 + 8 x 0.04) / 20 = 0.205.
    Calibration.Summary s =
        Calibration.summaries(twoGroups(5, 2), "p", "lp", "y").get(0);
    assertThat(s.patients()).isEqualTo(20);
    assertThat(s.events()).isEqualTo(7);
    assertThat(s.meanPredicted()).isCloseTo(0.35, within(1e-12));
    assertThat(s.brier()).isCloseTo(0.205, within(1e-12));
    assertThat(s.intercept()).isCloseTo(0.0, within(1e-6));
    assertThat(s.slope()).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void miscalibratedGroupsGiveTheInterceptAndSlopeWorkedByHand() {
    // Observed 6/10 at lp 0 and 3/10 at lp logit(0.2) = -1.3863. Two points: the slope fit passes
    // through both, b = (logit 0.6 - logit 0.3) / 1.3863 = 0.9037, a' = logit 0.6 = 0.4055.
    // The intercept with lp as offset solves 10 sig(c) + 10 sig(c - 1.3863) = 9 (bisection).
    Calibration.Summary s = Calibration.summaries(twoGroups(6, 3), "p", "lp", "y").get(0);
    double logit6 = Math.log(0.6 / 0.4);
    double logit3 = Math.log(0.3 / 0.7);
    double lpFifth = Math.log(0.2 / 0.8);
    assertThat(s.slope()).isCloseTo((logit6 - logit3) / -lpFifth, within(1e-6));
    double lo = -5;
    double hi = 5;
    for (int i = 0; i < 200; i++) {
      double c = (lo + hi) / 2;
      double expected = 10 / (1 + Math.exp(-c)) + 10 / (1 + Math.exp(-(c + lpFifth)));
      if (expected < 9) {
        lo = c;
      } else {
        hi = c;
      }
    }
    assertThat(s.intercept()).isCloseTo(lo, within(1e-6));
    assertThat(s.intercept()).isPositive(); // the model under-predicts
  }

  @Test
  void decilesSplitByPredictedRisk() {
    // 20 patients, predicted 0.01 .. 0.20; events for the top 4. Two patients a decile: decile 10
    // holds 0.19 and 0.20 (mean 0.195, 2 events), decile 9 0.17 and 0.18 (2 events), decile 1
    // 0.01 and 0.02 (none).
    Object[][] rows = new Object[20][];
    for (int i = 1; i <= 20; i++) {
      double p = i / 100.0;
      rows[i - 1] = row("all", "ALL", String.format("n%02d", i), p, Math.log(p / (1 - p)),
          i > 16 ? 1 : 0);
    }
    List<Calibration.Decile> ds = Calibration.deciles(table(CALIBRATION, rows), "p", "y").stream()
        .sorted(Comparator.comparingInt(Calibration.Decile::decile)).toList();
    assertThat(ds).hasSize(10);
    assertThat(ds.get(0).meanPredicted()).isCloseTo(0.015, within(1e-12));
    assertThat(ds.get(0).events()).isZero();
    assertThat(ds.get(8).events()).isEqualTo(2);
    assertThat(ds.get(9).meanPredicted()).isCloseTo(0.195, within(1e-12));
    assertThat(ds.get(9).events()).isEqualTo(2);
    assertThat(ds.stream().mapToLong(Calibration.Decile::patients).sum()).isEqualTo(20);
  }

  @Test
  void outcomesAreCountedInTheHorizonAndUpToTheEndOfFollowUp() {
    // Horizon (AS_OF, AS_OF + 100 days].
    java.time.LocalDate end = Fixtures.AS_OF.plusDays(100);
    Dataset<Row> population = Fixtures.population(
        Fixtures.patient("p1", 70, "F", 5), Fixtures.patient("p2", 80, "M", 5),
        Fixtures.patient("p3", 60, "F", 5), Fixtures.patient("p4", 50, "M", 5),
        Fixtures.patient("p5", 40, "F", 5), Fixtures.patient("p6", 30, "F", 5));
    Dataset<Row> patients = table(Extract.PATIENTS,
        row("p1", d("1956-01-01"), "F", "A00001", d("2000-01-01"), null, null, null, false, false),
        // died on day 10, after an emergency admission on day 5
        row("p2", d("1946-01-01"), "M", "A00001", d("2000-01-01"), day(10), day(10), null, false, false),
        // left the practice on day 20; admitted on day 30 elsewhere: not counted
        row("p3", d("1966-01-01"), "F", "A00001", d("2000-01-01"), day(20), null, null, false, false),
        row("p4", d("1976-01-01"), "M", "A00001", d("2000-01-01"), null, null, null, false, false),
        row("p5", d("1986-01-01"), "F", "A00001", d("2000-01-01"), null, null, null, false, false),
        row("p6", d("1996-01-01"), "F", "A00001", d("2000-01-01"), null, null, null, false, false));
    Dataset<Row> spells = table(Extract.APC_SPELLS,
        row("p1", "s1", "RXX", day(100), null, "21", "I10", null), // last day of the horizon: in
        row("p2", "s2", "RXX", day(5), day(8), "22", "I10", null), // before death: in
        row("p3", "s3", "RXX", day(30), day(31), "21", "I10", null), // after leaving: out
        row("p4", "s4", "RXX", day(0), day(3), "21", "I10", null), // on the as-of date: out
        row("p4", "s5", "RXX", day(40), day(41), "11", "I10", null), // elective: out
        row("p5", "s6", "RXX", day(101), day(102), "21", "I10", null)); // after the horizon: out
    Dataset<Row> ae = table(Extract.AE_ATTENDANCES,
        row("p4", "a1", day(50), "01"), row("p6", "a2", day(-3), "01"));
    Map<Extract, Dataset<Row>> accepted = Map.of(Extract.PATIENTS, patients,
        Extract.APC_SPELLS, spells, Extract.AE_ATTENDANCES, ae);
    Map<String, Row> out = Fixtures.byPatient(Outcomes.observe(population, accepted, Fixtures.AS_OF, end));
    assertThat(out).hasSize(6); // nobody dropped
    assertThat(flags(out, Outcomes.EMERGENCY_ADMISSION))
        .isEqualTo(Map.of("p1", 1, "p2", 1, "p3", 0, "p4", 0, "p5", 0, "p6", 0));
    assertThat(flags(out, Outcomes.AE_ATTENDANCE))
        .isEqualTo(Map.of("p1", 0, "p2", 0, "p3", 0, "p4", 1, "p5", 0, "p6", 0));
    assertThat(flags(out, Outcomes.EMERGENCY_OR_AE))
        .isEqualTo(Map.of("p1", 1, "p2", 1, "p3", 0, "p4", 1, "p5", 0, "p6", 0));
    assertThat(flags(out, Outcomes.DEATH))
        .isEqualTo(Map.of("p1", 0, "p2", 1, "p3", 0, "p4", 0, "p5", 0, "p6", 0));
    assertThat(flags(out, Outcomes.LEFT))
        .isEqualTo(Map.of("p1", 0, "p2", 0, "p3", 1, "p4", 0, "p5", 0, "p6", 0));
  }

  private static Map<String, Integer> flags(Map<String, Row> rows, String column) {
    Map<String, Integer> m = new TreeMap<>();
    rows.forEach((k, v) -> m.put(k, v.<Integer>getAs(column)));
    return m;
  }
}
