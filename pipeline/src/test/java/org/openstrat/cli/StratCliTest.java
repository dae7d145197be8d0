package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

class StratCliTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpExitsZeroAndShowsAnExample() {
    Run r = run("--help");
    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).contains("Usage: strat").contains("Example");
  }

  @Test
  void versionExitsZero() {
    Run r = run("--version");
    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).startsWith("strat ").contains("Spark 4.1.0");
  }

  @Test
  void unknownOptionIsAUsageErrorWithoutStackTrace() {
    Run r = run("--no-such-option");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("Unknown option").contains("Usage: strat");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void everySubcommandHasHelpWithAnExample() {
    CommandLine cl = Strat.commandLine();
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      String usage = e.getValue().getUsageMessage();
      assertThat(usage).as(e.getKey()).contains("Example");
    }
  }

  private static void oneLine(Run r, int code, String... parts) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("java.");
    for (String p : parts) {
      assertThat(r.err()).contains(p);
    }
  }

  @Test
  void aBadDateSaysSoInOneLineWithoutJavaNames() {
    Path sample = SparkTestBase.repoRoot().resolve("sample-data");
    Run r = run("run", "--input", sample.toString(), "--output", "/tmp/unused", "--as-of", "2025-13-01");
    oneLine(r, ExitCode.USAGE, "strat: Invalid value for option '--as-of': '2025-13-01' is not a date: give yyyy-MM-dd, e.g. 2025-03-31",
        "strat run --help");
    oneLine(run("validate", "--input", sample.toString(), "--output", "/tmp/unused", "--as-of", "31/03/2025"),
        ExitCode.USAGE, "'31/03/2025' is not a date");
  }

  @Test
  void inputAndOutputFoldersThatCannotBeUsedSayWhyBeforeAnyWork(@TempDir Path tmp) throws IOException {
    Path sample = SparkTestBase.repoRoot().resolve("sample-data");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    oneLine(run("run", "--input", tmp.resolve("missing").toString(), "--output", tmp.resolve("o").toString()),
        ExitCode.INPUT, "Cannot read input folder " + tmp.resolve("missing") + ": no such folder; check --input");
    oneLine(run("run", "--input", file.toString(), "--output", tmp.resolve("o").toString()),
        ExitCode.INPUT, "it is a file, not a folder; give --input the folder holding the extracts");
    Path noDate = Files.createDirectories(tmp.resolve("no-date"));
    oneLine(run("run", "--input", noDate.toString(), "--output", tmp.resolve("o").toString()),
        ExitCode.INPUT, "no extract_date=yyyy-MM-dd in it (or no such file); add it, or give --extract-date");
    // An output folder under a file cannot be made: exit 3, nothing else done.
    oneLine(run("run", "--input", sample.toString(), "--output", file.resolve("out").toString()),
        ExitCode.CONFIG, "Cannot write to output folder " + file.resolve("out") + ": ",
        "; give --output a folder this user can create and write");
    oneLine(run("run", "--input", sample.toString(), "--output", tmp.resolve("o").toString(), "--as-of", "2099-01-01"),
        ExitCode.USAGE, "is after the extract date", "give a date on or before it");
    assertThat(tmp.resolve("o")).doesNotExist();
  }

  @Test
  void everyCommandRefusesAnUnknownConfigKeyAndAcceptsTheOtherCommandsKeys(@TempDir Path tmp)
      throws IOException {
    // An input folder that would itself fail (exit 4): the config error must come first.
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path out = tmp.resolve("out");
    Path misspelt = Files.writeString(tmp.resolve("bad.properties"),
        "cohort.top5.top_percent=5\nquality.max_reject_rte=0.05\n");
    for (String command : List.of("validate", "score", "run", "backtest")) {
      Run r = run(command, "--input", in.toString(), "--output", out.toString(),
          "--config", misspelt.toString());
      oneLine(r, ExitCode.CONFIG, "unknown key(s) [quality.max_reject_rte]");
      assertThat(out).as(command).doesNotExist();
    }
    // One file serves every command: run's cohort and workbook keys are not unknown to validate.
    Path shared = Files.writeString(tmp.resolve("good.properties"),
        "cohort.top5.top_percent=5\nworkbook.contact=Care co-ordination hub\nquality.max_reject_rate=0.05\n");
    for (String command : List.of("validate", "backtest")) {
      Run r = run(command, "--input", in.toString(), "--output", out.toString(),
          "--config", shared.toString());
      assertThat(r.code()).as(command + ": " + r.err()).isNotEqualTo(ExitCode.CONFIG);
    }
  }

  @Test
  void aBadCohortFilterFailsBeforeAnyExtractIsRead(@TempDir Path tmp) throws IOException {
    // An input folder that would itself fail (exit 4: no extracts): a config error must come first.
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("extract.properties"), "extract_date=2025-03-31\n");
    Path out = tmp.resolve("out");
    String[][] cases = {
      {"cohort.frail.filter=frailty = severe", "Config cohort.frail.filter: unknown column 'frailty'"},
      {"cohort.frail.filter=age >=", "Config cohort.frail.filter: expected a value for age but the filter ended"},
      {"cohort.frail.filter=age >= old", "'old' is not a valid int for age"},
      {"cohort.frail.filter=efi_category = severe and", "expected a column name but the filter ended"},
      {"quality.max_reject_rate=2", "quality.max_reject_rate"},
      {"cohort.c.top_n=40\ncohort.c.top_percent=5", "cohort c has both top_percent and top_n"},
      {"cohort.c.per=pcn", "cohort c has neither top_percent nor top_n"},
    };
    for (String[] c : cases) {
      Path config = Files.writeString(tmp.resolve("run.properties"), c[0] + "\n");
      Run r = run("run", "--input", in.toString(), "--output", out.toString(), "--config", config.toString());
      oneLine(r, ExitCode.CONFIG, c[1]);
      assertThat(out).as(c[0]).doesNotExist(); // no lock, no staging, no quality/
    }
    // The same folder with a good filter gets as far as the input, and fails there.
    SparkTestBase.spark(); // the run then uses the shared test session, not one of its own
    Path config = Files.writeString(tmp.resolve("run.properties"), "cohort.frail.filter=efi_category = severe and age >= 65\n");
    oneLine(run("run", "--input", in.toString(), "--output", out.toString(), "--config", config.toString()),
        ExitCode.INPUT, "required extract");
  }
}
