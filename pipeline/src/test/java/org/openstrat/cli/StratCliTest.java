package org.openstrat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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
}
