package org.openstrat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** strat run's input options: one of --input and --sources; --publish-jdbc needs a warehouse. */
class RunInputsTest {
  static String[] run(String... args) {
    CommandLine cl = Strat.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), err.toString()};
  }

  @Test
  void bothOrNeitherIsAUsageError() {
    String[] both = run("run", "--input", "x", "--sources", "y", "--output", "z");
    assertThat(both[0]).isEqualTo("2");
    assertThat(both[1]).startsWith("strat: give one of --input DIR").contains("both were given");
    String[] neither = run("run", "--output", "z");
    assertThat(neither[0]).isEqualTo("2");
    assertThat(neither[1]).contains("neither was given");
  }

  @Test
  void publishJdbcNeedsSourcesAndLogFormatIsChecked() {
    assertThat(run("run", "--input", "x", "--output", "z", "--publish-jdbc")[1])
        .startsWith("strat: --publish-jdbc needs --sources FILE");
    String[] bad = run("run", "--input", "x", "--output", "z", "--log-format", "xml");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[1]).startsWith("strat: --log-format xml is not a log format");
  }
}
