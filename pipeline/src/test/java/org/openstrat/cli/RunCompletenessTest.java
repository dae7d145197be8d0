package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.quality.FixtureAccess;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/**
 * strat run reads the previous publication's manifest for the row-drop rule: a shrunken extract is
 * exit 5 naming it, and nothing is published.
 */
@Tag("slow")
class RunCompletenessTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void aShrunkenExtractAgainstThePreviousPublicationIsExit5() throws IOException {
    Path in = tmp.resolve("in");
    FixtureAccess.full(in); // extract date 2025-03-31; gp_events.csv has 15 rows
    Path out = tmp.resolve("out");
    // The previous night's publication: its manifest says gp_events had 100 rows.
    Path prev = Files.createDirectories(out.resolve("2025-03-30/cohort"));
    Files.createFile(prev.resolveSibling("_SUCCESS"));
    Files.writeString(prev.resolveSibling("manifest.json"), """
        {"inputs": [{"file": "extract.properties", "rows": null},
                    {"file": "gp_events.csv", "sha256": "x", "bytes": 1, "rows": 100},
                    {"file": "patients.csv", "sha256": "y", "bytes": 1, "rows": 18}]}
        """);
    Path config = Files.writeString(tmp.resolve("run.properties"), "quality.max_reject_rate=1\n"
        + "quality.min_linkage_rate=0\n");
    spark();
    CommandLine cl = Strat.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("run", "--input", in.toString(), "--output", out.toString(), "--config",
        config.toString());

    assertThat(code).as(err.toString()).isEqualTo(ExitCode.QUALITY);
    assertThat(err.toString().lines().filter(l -> l.startsWith("strat: Quality")))
        .containsExactly("strat: Quality threshold breached: quality.max_row_drop.gp_events: gp_events"
            + " rows' drop against the previous publication 2025-03-30 (15 rows, 100 then) is 0.8500,"
            + " above the maximum 0.5000 by 0.3500");
    assertThat(out.resolve("2025-03-31")).doesNotExist();
    assertThat(Files.list(out.resolve("failed")).count()).isEqualTo(1);
  }
}
