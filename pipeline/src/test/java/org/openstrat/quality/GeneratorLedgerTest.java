package org.openstrat.quality;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.cli.Strat;
import org.openstrat.core.StageLog;
import org.openstrat.pipeline.Extracts;
import org.openstrat.pipeline.NightlyRun;
import org.openstrat.config.Settings;
import org.openstrat.ingest.Extract;
import org.openstrat.testing.SparkTestBase;

/**
 * The quarantine reconciles with {@code strat generate --bad-rows 0.02}'s ledger defect by defect:
 * for every extract and reason, rejected rows == the ledger's expected_rejected_rows, and rows read
 * = accepted + rejected. From CSV read as text, CSV staged as Parquet, and Parquet.
 */
@Tag("nightly")
class GeneratorLedgerTest extends SparkTestBase {

  @ParameterizedTest
  @ValueSource(strings = {"csv", "csv-staged", "parquet"})
  void quarantineMatchesTheLedger(String variant, @TempDir Path tmp) throws IOException {
    String format = variant.startsWith("csv") ? "csv" : variant;
    Path in = tmp.resolve("in");
    spark();
    int code =
        Strat.execute("generate", "--patients", "600", "--seed", "11", "--out", in.toString(),
            "--format", format, "--extract-date", "2025-03-31", "--bad-rows", "0.02",
            "--rules", repoRoot().resolve("rules").toString());
    assertThat(code).isEqualTo(ExitCode.OK);

    Map<String, Long> expected = new TreeMap<>();
    List<String> ledger = Files.readAllLines(in.resolve("generator-ledger.csv"));
    assertThat(ledger.get(0))
        .isEqualTo("extract,defect,rows_injected,expected_reason,expected_rejected_rows");
    for (String line : ledger.subList(1, ledger.size())) {
      String[] f = line.split(",");
      if (Long.parseLong(f[4]) > 0) { // Parquet has no structure: its CSV-only defects list 0
        expected.merge(f[0] + ":" + f[3], Long.parseLong(f[4]), Long::sum);
      }
    }

    StringWriter progress = new StringWriter();
    NightlyRun.Checked r =
        NightlyRun.check(spark(), Extracts.resolve(in, null, null, null), QualityConfig.from(Settings.empty()),
            tmp.resolve("out"), tmp.resolve("work"), variant.equals("csv-staged") ? 0 : Long.MAX_VALUE,
            PreviousRows.NONE, new PrintWriter(progress), StageLog.NONE);
    // csv-staged: every extract converted to Parquet once, then validated from there.
    assertThat(progress.toString().contains("stage stage_csv extracts=10"))
        .isEqualTo(variant.equals("csv-staged"));
    Map<String, Long> actual = new TreeMap<>();
    for (QualityReport.ExtractCounts c : r.report().extracts().values()) {
      assertThat(c.reconciles()).as(c.extract() + " read = accepted + rejected").isTrue();
      assertThat(c.read()).as(c.extract() + " rows read").isPositive();
      c.rejected().forEach((reason, n) -> actual.put(c.extract().fileName() + ":" + reason, n));
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(r.report().extracts()).containsOnlyKeys(Extract.values());
    assertThat(r.report().ignoredFiles()).containsExactly("generator-ledger.csv");
    assertThat(r.report().breaches()).isEmpty();
    assertThat(r.report().population()).isPositive();
  }
}
