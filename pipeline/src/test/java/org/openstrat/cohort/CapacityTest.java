package org.openstrat.cohort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.openstrat.config.Settings;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.testing.SparkTestBase;

/** Lists sized to a team's caseload: {@code cohort.NAME.top_n} and per-list overrides. */
class CapacityTest extends SparkTestBase {

  private static CohortConfig config(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return CohortConfig.from(Settings.of(m));
  }

  /** nhs_number per list, in rank order. */
  private static Map<String, List<String>> lists(Dataset<Row> cohort) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : cohort.orderBy("cohort_level", "cohort_group", "rank").collectAsList()) {
      out.computeIfAbsent(r.<String>getAs("cohort_level") + ":" + r.<String>getAs("cohort_group"),
          k -> new java.util.ArrayList<>()).add(r.getAs("nhs_number"));
    }
    return out;
  }

  @Test
  void topNListsExactlyNAndSettlesATieAtTheCutByTheSaltedHash() throws Exception {
    ScoresFixture f = new ScoresFixture();
    f.add("hi", "A00001", "U00001", "ICC1", 80, 0.90, 0.3, "moderate", 5);
    f.add("mid", "A00001", "U00001", "ICC1", 80, 0.80, 0.3, "moderate", 5);
    // Places 3 and 4 tie on every score: only the salted hash decides who is at the cut.
    f.add("tieA", "A00001", "U00001", "ICC1", 80, 0.70, 0.3, "moderate", 5);
    f.add("tieB", "A00001", "U00001", "ICC1", 80, 0.70, 0.3, "moderate", 5);
    f.add("low", "A00001", "U00001", "ICC1", 80, 0.10, 0.3, "moderate", 5);
    CohortConfig cfg = config("cohort.cap.top_n", "3", "cohort.cap.per", "pcn");
    assertThat(cfg.definitions().get(0).topN()).isEqualTo(3);

    Dataset<Row> out = Cohorts.build(f.toDataset(spark()), cfg, null);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    String first =
        List.of("tieA", "tieB").stream()
            .min(Comparator.comparing((String n) -> HexFormat.of().formatHex(
                sha.digest((CohortConfig.DEFAULT_TIE_SALT + n).getBytes(StandardCharsets.UTF_8)))))
            .orElseThrow();
    assertThat(lists(out)).containsExactly(Map.entry("pcn:U00001", List.of("hi", "mid", first)));
    assertThat(out.first().<Long>getAs("eligible")).isEqualTo(5L);
    assertThat(out.first().<String>getAs("status")).isEqualTo("new");
    // Same answer however the data is partitioned.
    assertThat(lists(Cohorts.build(f.toDataset(spark()).repartition(3), cfg, null))).isEqualTo(lists(out));
  }

  @Test
  void eachListMayHaveItsOwnCapacityAndAShortListIsListedWhole() {
    ScoresFixture f = new ScoresFixture();
    for (String pcn : List.of("U00001", "U00002", "U00003")) {
      for (int i = 0; i < 4; i++) {
        f.add(pcn + "-" + i, "A" + pcn.substring(1), pcn, "ICC1", 70, 0.5 - i * 0.1, 0.2, "mild", 1);
      }
    }
    CohortConfig cfg =
        config(
            "cohort.cap.top_n", "2",
            "cohort.cap.top_n.U00002", "3",
            "cohort.cap.top_n.U00003", "0", // a team with no capacity this month
            "cohort.cap.top_n.ICC1", "10"); // ICC1's list holds all 12 patients
    Map<String, List<String>> got = lists(Cohorts.build(f.toDataset(spark()), cfg, null));
    assertThat(got.get("pcn:U00001")).containsExactly("U00001-0", "U00001-1");
    assertThat(got.get("pcn:U00002")).containsExactly("U00002-0", "U00002-1", "U00002-2");
    assertThat(got).doesNotContainKey("pcn:U00003");
    assertThat(got.get("icc:ICC1")).hasSize(10);

    // A capacity above the list's size lists everyone eligible.
    CohortConfig big = config("cohort.cap.top_n", "50", "cohort.cap.per", "pcn");
    assertThat(lists(Cohorts.build(f.toDataset(spark()), big, null)).get("pcn:U00001")).hasSize(4);
  }

  @Test
  void leaversOfACapacityListAreSaidSo() {
    ScoresFixture before = new ScoresFixture();
    before.add("A", "A00001", "U00001", "ICC1", 80, 0.9, 0.3, "moderate", 5);
    before.add("B", "A00001", "U00001", "ICC1", 80, 0.8, 0.3, "moderate", 5);
    before.add("C", "A00001", "U00001", "ICC1", 80, 0.1, 0.3, "moderate", 5);
    CohortConfig cfg = config("cohort.cap.top_n", "2", "cohort.cap.per", "pcn");
    Dataset<Row> previous = Cohorts.build(before.toDataset(spark()), cfg, null);
    ScoresFixture now = new ScoresFixture();
    now.add("A", "A00001", "U00001", "ICC1", 80, 0.9, 0.3, "moderate", 5);
    now.add("B", "A00001", "U00001", "ICC1", 80, 0.2, 0.3, "moderate", 5);
    now.add("C", "A00001", "U00001", "ICC1", 80, 0.7, 0.3, "moderate", 5);
    Dataset<Row> scores = now.toDataset(spark());
    Dataset<Row> current = Cohorts.build(scores, cfg, previous);
    Map<String, String> status = new TreeMap<>();
    current.collectAsList().forEach(r -> status.put(r.getAs("nhs_number"), r.getAs("status")));
    assertThat(status).containsExactly(Map.entry("A", "continuing"), Map.entry("C", "new"));
    List<Row> left = Cohorts.leavers(previous, current, scores, null, cfg, java.time.LocalDate.of(2025, 4, 1)).collectAsList();
    assertThat(left).singleElement().satisfies(r -> {
      assertThat(r.<String>getAs("nhs_number")).isEqualTo("B");
      assertThat(r.<String>getAs("reason")).isEqualTo("risk_fell");
    });
  }

  @Test
  void exactlyOneOfTopNAndTopPercentElseExit3() {
    Map<Map<String, String>, String> bad = new LinkedHashMap<>();
    bad.put(Map.of("cohort.c.top_n", "40", "cohort.c.top_percent", "5"), "has both top_percent and top_n");
    bad.put(Map.of("cohort.c.top_n.U00001", "40", "cohort.c.top_percent", "5"), "has both top_percent and top_n");
    bad.put(Map.of("cohort.c.per", "pcn"), "has neither top_percent nor top_n");
    bad.put(Map.of("cohort.c.top_n.U00001", "40"), "no cohort.c.top_n, the capacity of every other list");
    bad.put(Map.of("cohort.c.top_n", "0"), "cohort.c.top_n=0 is not a whole number from 1 to 100000");
    bad.put(Map.of("cohort.c.top_n", "ten"), "cohort.c.top_n=ten is not a whole number");
    bad.put(Map.of("cohort.c.top_n", "5", "cohort.c.top_n.U00001", "-1"), "cohort.c.top_n.U00001=-1");
    bad.put(Map.of("cohort.c.top_n", "5", "cohort.c.top_n.U1/x", "1"), "does not name a PCN or ICC code");
    bad.put(Map.of("cohort.c.top_n", "5", "cohort.c.top_n.", "1"), "does not name a PCN or ICC code");
    bad.put(Map.of("cohort.c.top_n", "5", "cohort.risk_rise_days", "0"), "cohort.risk_rise_days=0");
    bad.forEach((kv, message) ->
        assertThatThrownBy(() -> CohortConfig.from(Settings.of(kv)))
            .as(kv.toString())
            .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG))
            .hasMessageContaining(message));

    // Neither, with a filter: a filter-only cohort, everyone eligible.
    CohortDefinition filterOnly = config("cohort.f.filter", "age >= 65").definitions().get(0);
    assertThat(filterOnly.topPercent()).isEqualTo(CohortConfig.ALL);
    assertThat(filterOnly.byCapacity()).isFalse();
    // A capacity with overrides.
    CohortDefinition cap = config("cohort.c.top_n", "40", "cohort.c.top_n.U12345", "25").definitions().get(0);
    assertThat(cap.topN()).isEqualTo(40);
    assertThat(cap.topNByGroup()).containsExactly(Map.entry("U12345", 25));
  }
}
