package org.openstrat.cli;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.publish.Manifest;
import org.openstrat.testing.SparkTestBase;

/**
 * The look-ahead guard a backtest rests on: scoring as of a date a year before the extract gives
 * the same scores and cohorts whether or not the extracts hold the rows dated after that date
 * (GP events, medicines, spells, A&E, outpatients, social care submissions, housing records and
 * registrations), on a generated system that has a year of them.
 */
@Tag("slow")
class LookAheadGuardTest extends SparkTestBase {
  @TempDir static Path tmp;

  @Test
  void rowsDatedAfterTheAsOfDateChangeNoScoreAndNoCohort() throws Exception {
    spark();
    Path full = tmp.resolve("full");
    RunEndToEndTest.Run g = RunEndToEndTest.run("generate", "--patients", "1500", "--seed", "11",
        "--out", full.toString(), "--extract-date", "2026-03-31", "--rules",
        repoRoot().resolve("rules").toString());
    assertThat(g.code()).as(g.err()).isZero();
    LocalDate asOf = LocalDate.of(2025, 3, 31);
    Path cut = tmp.resolve("cut");
    BacktestCommandTest.copyDatedUpTo(full, cut, asOf, Set.of());
    assertThat(Files.size(cut.resolve("gp_events.csv"))).isLessThan(Files.size(full.resolve("gp_events.csv")));

    Path key = tmp.resolve("key");
    Files.writeString(key, "a-look-ahead-test-key-of-enough-length-0123456789\n");
    Path[] pubs = new Path[2];
    Path[] inputs = {full, cut};
    for (int i = 0; i < 2; i++) {
      Path out = tmp.resolve("out" + i);
      RunEndToEndTest.Run r = RunEndToEndTest.run("run", "--input", inputs[i].toString(),
          "--output", out.toString(), "--as-of", asOf.toString(), "--key-file", key.toString());
      assertThat(r.code()).as(r.err()).isZero();
      pubs[i] = out.resolve(asOf.toString());
    }
    for (String d : List.of("cohort", "cohort_csv")) {
      assertThat(Manifest.sha256Tree(pubs[1].resolve(d))).as(d)
          .isEqualTo(Manifest.sha256Tree(pubs[0].resolve(d)));
    }
    List<Row> a = scores(pubs[0]);
    List<Row> b = scores(pubs[1]);
    assertThat(a).hasSizeGreaterThan(500);
    assertThat(b).isEqualTo(a);
  }

  private static List<Row> scores(Path pub) {
    return spark().read().parquet(pub.resolve("scores").toString())
        .orderBy("person_id").collectAsList();
  }
}
