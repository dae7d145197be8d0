package org.openstrat.cohort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.config.Settings;
import org.openstrat.testing.SparkTestBase;

class CohortsTest extends SparkTestBase {
  private static final LocalDate AS_OF = LocalDate.of(2025, 4, 1);

  private static CohortConfig pcnOnly(int pct, String filter) {
    return new CohortConfig(
        List.of(new CohortDefinition("c", "admission_risk", pct, List.of(CohortLevel.PCN), filter)),
        CohortConfig.DEFAULT_TIE_SALT);
  }

  /** n filler patients in a PCN with low, distinct risks below 0.06. */
  private static void fillers(ScoresFixture f, String pcn, int from, int n) {
    for (int i = 0; i < n; i++) {
      f.add(ScoresFixture.nhs(from + i), "A" + pcn.substring(1), pcn, "ICC1", 50,
          0.01 + i * 0.001, 0.05, "fit", 1.0);
    }
  }

  @Test
  void sizeIsTheCeilingInIntegerArithmetic() {
    assertThat(CohortDefinition.size(1000, 5)).isEqualTo(50); // exact multiple: not 51
    assertThat(CohortDefinition.size(1001, 5)).isEqualTo(51);
    assertThat(CohortDefinition.size(20, 5)).isEqualTo(1);
    assertThat(CohortDefinition.size(21, 5)).isEqualTo(2);
    assertThat(CohortDefinition.size(1, 1)).isEqualTo(1);
    assertThat(CohortDefinition.size(0, 5)).isEqualTo(0);
    assertThat(CohortDefinition.size(100, 10)).isEqualTo(10);
    assertThat(CohortDefinition.size(7_000_000_000L / 100, 3)).isEqualTo(2_100_000);
  }

  @Test
  void eachPcnGetsCeilOfItsEligibleListAndTheHighestRisks() {
    ScoresFixture f = new ScoresFixture();
    fillers(f, "U00001", 0, 40); // 5% of 40 = 2 exactly
    fillers(f, "U00002", 100, 41); // 5% of 41 = 2.05 -> 3
    Dataset<Row> out =
        Cohorts.build(f.toDataset(spark()), pcnOnly(5, ""), null).orderBy("cohort_group", "rank");
    List<Row> rows = out.collectAsList();
    Map<String, Long> perPcn = new TreeMap<>();
    rows.forEach(r -> perPcn.merge(r.getAs("cohort_group"), 1L, Long::sum));
    assertThat(perPcn).containsExactly(Map.entry("U00001", 2L), Map.entry("U00002", 3L));
    assertThat(rows.get(0).<Double>getAs("admission_risk")).isCloseTo(0.049, within(1e-12)); // a probability, as in scores
    assertThat(rows.get(1).<Double>getAs("admission_risk")).isCloseTo(0.048, within(1e-12));
    assertThat(out.columns()).doesNotContain("admission_risk_pct");
    assertThat(rows.get(0).<Long>getAs("eligible")).isEqualTo(40L);
    assertThat(rows).allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo("new"));
    assertThat(rows.stream().map(r -> r.<Integer>getAs("rank")).toList())
        .containsExactly(1, 2, 1, 2, 3);
  }

  @Test
  void tiesAreBrokenByEfiThenHfrsThenSaltedHashThenNhsNumber() throws Exception {
    ScoresFixture f = new ScoresFixture();
    // 10 patients: 5 tie on risk, efi and hfrs; one has a higher efi, one a higher hfrs.
    List<String> tied = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String nhs = ScoresFixture.nhs(500 + i);
      tied.add(nhs);
      f.add(nhs, "A00001", "U00001", "ICC1", 70, 0.5, 0.2, "mild", 3.0);
    }
    f.add(ScoresFixture.nhs(600), "A00001", "U00001", "ICC1", 70, 0.5, 0.3, "mild", 0.0);
    f.add(ScoresFixture.nhs(601), "A00001", "U00001", "ICC1", 70, 0.5, 0.2, "mild", 9.0);
    f.add(ScoresFixture.nhs(602), "A00001", "U00001", "ICC1", 70, 0.9, 0.0, "fit", 0.0);
    f.add(ScoresFixture.nhs(603), "A00001", "U00001", "ICC1", 70, 0.1, 0.9, "severe", 0.0);
    f.add(ScoresFixture.nhs(604), "A00001", "U00001", "ICC1", 70, 0.1, 0.9, "severe", 0.0);
    // 10% of 10 = 1: widen to rank everyone by ranking at 10% of a 100-patient list instead:
    for (int i = 0; i < 90; i++) {
      f.add(ScoresFixture.nhs(1000 + i), "A00001", "U00001", "ICC1", 30, 0.001, 0.0, "fit", 0.0);
    }
    List<String> got =
        Cohorts.build(f.toDataset(spark()), pcnOnly(10, ""), null).orderBy("rank").collectAsList()
            .stream().map(r -> r.<String>getAs("nhs_number")).toList();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<String> tiedOrder =
        tied.stream()
            .sorted(Comparator.comparing((String n) -> HexFormat.of().formatHex(
                sha.digest((CohortConfig.DEFAULT_TIE_SALT + n).getBytes(StandardCharsets.UTF_8)))))
            .toList();
    List<String> expected = new ArrayList<>();
    expected.add(ScoresFixture.nhs(602)); // highest risk
    expected.add(ScoresFixture.nhs(600)); // tie on risk, higher efi
    expected.add(ScoresFixture.nhs(601)); // tie on risk and efi, higher hfrs
    expected.addAll(tiedOrder); // full tie: salted hash
    assertThat(got).hasSize(10);
    assertThat(got.subList(0, 8)).containsExactlyElementsOf(expected);
    // The salt matters (the order is not just the NHS-number order) and reruns agree.
    assertThat(tiedOrder).isNotEqualTo(tied.stream().sorted().toList());
    List<String> again =
        Cohorts.build(f.toDataset(spark()).repartition(3), pcnOnly(10, ""), null).orderBy("rank")
            .collectAsList().stream().map(r -> r.<String>getAs("nhs_number")).toList();
    assertThat(again).isEqualTo(got);
  }

  @Test
  void moderateEfiAged65PlusIsExpressibleAndRespectsBoundaries() {
    ScoresFixture f = new ScoresFixture();
    f.add("p64", "A00001", "U00001", "ICC1", 64, 0.9, 0.30, "moderate", 1.0); // too young
    f.add("p65", "A00001", "U00001", "ICC1", 65, 0.2, 0.30, "moderate", 1.0); // boundary: in
    f.add("p80", "A00001", "U00001", "ICC1", 80, 0.8, 0.40, "severe", 1.0); // severe: out
    f.add("p70", "A00001", "U00001", "ICC1", 70, 0.7, 0.20, "mild", 1.0); // mild: out
    f.add("pnull", "A00001", "U00001", "ICC1", 90, 0.9, 0.30, null, 1.0); // malformed: out
    f.add("p66", "A00002", "U00001", null, 66, 0.5, 0.33, "moderate", 1.0); // no ICC
    Settings s =
        Settings.of(
            Map.of(
                "cohort.mb_moderate_65.filter", "efi_category = moderate AND age >= 65",
                "cohort.mb_moderate_65.per", "icc",
                "cohort.mb_moderate_65.top_percent", "10"));
    CohortConfig cfg = CohortConfig.from(s);
    Dataset<Row> out = Cohorts.build(f.toDataset(spark()), cfg, null);
    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).<String>getAs("nhs_number")).isEqualTo("p65");
    // "all": everyone matching the filter, ranked (a filter-only cohort).
    Settings every =
        Settings.of(
            Map.of(
                "cohort.mb.filter", "efi_category = moderate and age >= 65",
                "cohort.mb.per", "pcn",
                "cohort.mb.top_percent", "all"));
    List<String> all =
        Cohorts.build(f.toDataset(spark()), CohortConfig.from(every), null).orderBy("rank")
            .collectAsList().stream().map(r -> r.<String>getAs("nhs_number")).toList();
    assertThat(all).containsExactly("p66", "p65"); // risk 0.5 before 0.2
    assertThat(rows.get(0).<Long>getAs("eligible")).isEqualTo(1L);
    assertThat(rows.get(0).<String>getAs("cohort_level")).isEqualTo("icc");
    // in (...) and <= and quoted values
    StructType schema = ScoresFixture.SCHEMA;
    Dataset<Row> ds = f.toDataset(spark());
    assertThat(ds.filter(FilterParser.parse("efi_category in ('moderate', severe) and age <= 65", schema, "t")).count())
        .isEqualTo(2); // p64, p65
    assertThat(ds.filter(FilterParser.parse("admission_risk_band = 'very high'", schema, "t")).count())
        .isEqualTo(5);
    assertThat(ds.filter(FilterParser.parse("lives_alone = true and hfrs >= 1.0", schema, "t")).count())
        .isEqualTo(6);
  }

  @Test
  void filterTextNeverReachesSqlAndBadFiltersAreConfigErrors() {
    StructType schema = ScoresFixture.SCHEMA;
    for (String bad :
        List.of(
            "age >= 65; drop table x",
            "age >= 65 or 1 = 1",
            "age >= '65'",
            "nhs_number = 1 or true",
            "no_such_column = 1",
            "efi_deficits = x",
            "efi_category >= moderate",
            "age >=",
            "age = 65 and",
            "efi_category in (moderate",
            "efi_category = 'unterminated",
            "age > 65",
            "exists(select 1)",
            "")) {
      if (bad.isEmpty()) {
        assertThat(FilterParser.parse(bad, schema, "t").toString()).isEqualTo("true");
        continue;
      }
      assertThatThrownBy(() -> FilterParser.parse(bad, schema, "cohort.x.filter"))
          .as(bad)
          .isInstanceOfSatisfying(
              StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG))
          .hasMessageStartingWith("Config cohort.x.filter: ");
    }
  }

  @Test
  void configDefaultsAndValidation() {
    CohortConfig d = CohortConfig.from(Settings.empty());
    assertThat(d.definitions()).hasSize(1);
    CohortDefinition def = d.definitions().get(0);
    assertThat(def.name()).isEqualTo("top5_admission_risk");
    assertThat(def.topPercent()).isEqualTo(5);
    assertThat(def.levels()).containsExactly(CohortLevel.PCN, CohortLevel.ICC);
    for (Map<String, String> bad :
        List.of(
            Map.of("cohort.x.top_percent", "11"),
            Map.of("cohort.x.top_percent", "0"),
            Map.of("cohort.x.top_percent", "4.5"),
            Map.of("cohort.x.per", "practice"),
            Map.of("cohort.x.rank_by", "nhs_number"),
            Map.of("cohort.x.colour", "red"),
            Map.of("cohort.X-1.per", "pcn"))) {
      assertThatThrownBy(() -> CohortConfig.from(Settings.of(bad)))
          .as(bad.toString())
          .isInstanceOfSatisfying(
              StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG));
    }
  }

  @Test
  void statusAgainstThePreviousRunAndWhoLeftWhy() {
    // Previous run: P1 has 50 patients, 10% -> 5: A B C D H.
    ScoresFixture before = new ScoresFixture();
    fillers(before, "U00001", 0, 45);
    before.add("A", "A00001", "U00001", "ICC1", 80, 0.90, 0.3, "moderate", 5);
    before.add("B", "A00001", "U00001", "ICC1", 80, 0.80, 0.3, "moderate", 5);
    before.add("C", "A00001", "U00001", "ICC1", 80, 0.70, 0.3, "moderate", 5);
    before.add("D", "A00001", "U00001", "ICC1", 80, 0.60, 0.3, "moderate", 5);
    before.add("H", "A00001", "U00001", "ICC1", 80, 0.55, 0.3, "moderate", 5);
    CohortConfig cfg = pcnOnly(10, "");
    Dataset<Row> previous = Cohorts.build(before.toDataset(spark()), cfg, null);
    assertThat(previous.count()).isEqualTo(5);

    // Now: B died, C deregistered (gone, not dead), D's risk fell, H moved to U00002, E is new.
    ScoresFixture now = new ScoresFixture();
    fillers(now, "U00001", 0, 45);
    fillers(now, "U00002", 200, 20);
    now.add("A", "A00001", "U00001", "ICC1", 80, 0.90, 0.3, "moderate", 5);
    now.add("D", "A00001", "U00001", "ICC1", 80, 0.02, 0.3, "moderate", 5);
    now.add("H", "A00002", "U00002", "ICC1", 80, 0.55, 0.3, "moderate", 5);
    now.add("E", "A00001", "U00001", "ICC1", 80, 0.85, 0.3, "moderate", 5);
    Dataset<Row> scores = now.toDataset(spark());
    Dataset<Row> current = Cohorts.build(scores, cfg, previous);

    Map<String, String> status =
        current.filter("cohort_group = 'U00001'").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("nhs_number"), r -> r.getAs("status")));
    assertThat(status).hasSize(5).containsEntry("A", "continuing").containsEntry("E", "new");
    assertThat(status.values().stream().filter("continuing"::equals).count()).isEqualTo(1);
    assertThat(current.filter("cohort_group = 'U00002'").count()).isEqualTo(3); // ceil(2.1)

    StructType deathSchema =
        new StructType().add("nhs_number", DataTypes.StringType).add("date_of_death", DataTypes.DateType);
    Dataset<Row> deaths =
        spark().createDataFrame(
            List.of(
                RowFactory.create("B", java.sql.Date.valueOf("2025-03-01")),
                RowFactory.create("A", null),
                RowFactory.create("C", java.sql.Date.valueOf("2025-05-01"))), // after as-of
            deathSchema);
    Map<String, String> why =
        Cohorts.leavers(previous, current, scores, deaths, cfg, AS_OF).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("nhs_number"), r -> r.getAs("reason")));
    assertThat(why)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("B", "died", "C", "deregistered", "D", "risk_fell", "H", "moved"));
  }

  @Test
  void leaversWhoNoLongerMatchTheFilterAreSaidSo() {
    ScoresFixture before = new ScoresFixture();
    before.add("A", "A00001", "U00001", "ICC1", 70, 0.9, 0.3, "moderate", 5);
    Settings s = Settings.of(Map.of("cohort.m.filter", "efi_category = moderate", "cohort.m.per", "pcn"));
    CohortConfig cfg = CohortConfig.from(s);
    Dataset<Row> previous = Cohorts.build(before.toDataset(spark()), cfg, null);
    ScoresFixture now = new ScoresFixture();
    now.add("A", "A00001", "U00001", "ICC1", 70, 0.9, 0.5, "severe", 5);
    Dataset<Row> scores = now.toDataset(spark());
    Dataset<Row> current = Cohorts.build(scores, cfg, previous);
    assertThat(current.count()).isZero();
    List<Row> left = Cohorts.leavers(previous, current, scores, null, cfg, AS_OF).collectAsList();
    assertThat(left).hasSize(1);
    assertThat(left.get(0).<String>getAs("reason")).isEqualTo("no_longer_eligible");
    assertThat(left.get(0).<Integer>getAs("previous_rank")).isEqualTo(1);
  }
}
