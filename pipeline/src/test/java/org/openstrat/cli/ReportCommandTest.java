package org.openstrat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;

/**
 * {@code strat report --output DIR [--as-of DATE]}: rebuilds report/index.html of a publication
 * already on disk from its files (no Spark, so no SparkSession here), and fails clearly for a
 * publication that is not there.
 */
class ReportCommandTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  /** A complete publication as the report reads it: manifest, quality report, summary, _SUCCESS. */
  private static Path publication(Path output, String asOf, long population, boolean complete) throws IOException {
    Path pub = output.resolve(asOf);
    Files.createDirectories(pub.resolve("quality"));
    Files.createDirectories(pub.resolve("summary"));
    Files.createDirectories(pub.resolve("cohort"));
    Files.writeString(pub.resolve("manifest.json"), "{\"run_id\":\"run-" + asOf + "\",\"as_of\":\"" + asOf
        + "\",\"stages\":[{\"name\":\"cohort\",\"rows_in\":5000,\"rows_out\":250,\"seconds\":3.4}]}");
    Files.writeString(pub.resolve("quality/report.json"), "{\"as_of\":\"" + asOf + "\",\"extracts\":{\"patients\":"
        + "{\"rows_read\":5003,\"rows_accepted\":5000,\"rows_rejected\":3,\"rejected_by_reason\":{\"BAD_DATE\":3}}},"
        + "\"population\":{\"population\":" + population + "}}");
    Files.writeString(pub.resolve("summary/summary.csv"), "\uFEFFlevel,code,measure,category,count,suppressed\r\n"
        + "pcn,U00001,admission_risk_band,low,600,false\r\n"
        + "pcn,U00001,admission_risk_band,very high,,true\r\n", StandardCharsets.UTF_8);
    if (complete) {
      Files.createFile(pub.resolve("_SUCCESS"));
    }
    return pub;
  }

  @Test
  void rebuildsTheLatestPublicationsReportWithTheEarlierOnesAsTrends() throws IOException {
    Path out = tmp.resolve("out");
    Path feb = publication(out, "2026-02-28", 4990, true);
    Path mar = publication(out, "2026-03-31", 5000, true);
    publication(out, "2026-04-30", 5010, false); // no _SUCCESS: not a publication yet
    Files.createDirectories(mar.resolve("report"));
    Files.writeString(mar.resolve("report/index.html"), "stale");

    CliRun r = run("report", "--output", out.toString());

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).contains("report: " + mar.resolve("report/index.html"));
    String html = Files.readString(mar.resolve("report/index.html"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("as of 2026-03-31")
        .contains("2026-02-28").doesNotContain("2026-04-30") // trends: earlier complete ones only
        .contains("<span class=\"suppressed\">*</span>"); // 3 rejected rows are suppressed
    assertThat(feb.resolve("report/index.html")).doesNotExist(); // only the one asked for
    assertThat(out.resolve("2026-04-30/report")).doesNotExist();
    try (var s = Files.list(mar.resolve("report"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("index.html"); // no temp left
    }
  }

  @Test
  void asOfPicksAnEarlierPublicationWhoseTrendsStopAtIt() throws IOException {
    Path out = tmp.resolve("out");
    Path feb = publication(out, "2026-02-28", 4990, true);
    publication(out, "2026-03-31", 5000, true);

    CliRun r = run("report", "--output", out.toString(), "--as-of", "2026-02-28");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    String html = Files.readString(feb.resolve("report/index.html"));
    assertThat(html).contains("as of 2026-02-28").doesNotContain("2026-03-31");
    assertThat(out.resolve("2026-03-31/report")).doesNotExist();
  }

  @Test
  void aMissingOrIncompletePublicationIsExitTwoSayingWhat() throws IOException {
    Path out = tmp.resolve("out");
    publication(out, "2026-03-31", 5000, true);
    publication(out, "2026-04-30", 5010, false);

    CliRun notPublished = run("report", "--output", out.toString(), "--as-of", "2026-01-31");
    assertThat(notPublished.code()).isEqualTo(ExitCode.USAGE);
    assertThat(notPublished.err()).contains("No complete publication").contains("2026-01-31")
        .doesNotContain("Exception");
    assertThat(out.resolve("2026-01-31")).doesNotExist();

    CliRun incomplete = run("report", "--output", out.toString(), "--as-of", "2026-04-30");
    assertThat(incomplete.code()).isEqualTo(ExitCode.USAGE);
    assertThat(incomplete.err()).contains("no _SUCCESS");
    assertThat(out.resolve("2026-04-30/report")).doesNotExist();

    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty);
    CliRun none = run("report", "--output", empty.toString());
    assertThat(none.code()).isEqualTo(ExitCode.USAGE);
    assertThat(none.err()).contains("No complete publication in " + empty);

    Path missing = tmp.resolve("no-such-folder");
    CliRun typo = run("report", "--output", missing.toString());
    assertThat(typo.code()).isEqualTo(ExitCode.USAGE);
    assertThat(typo.err()).contains("no such folder");
    assertThat(missing).doesNotExist(); // the lock did not create it

    CliRun badDate = run("report", "--output", out.toString(), "--as-of", "31/03/2026");
    assertThat(badDate.code()).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void helpHasAnExample() {
    CliRun r = run("report", "--help");
    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).contains("--output").contains("--as-of").contains("Example");
  }
}
