package org.openstrat.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.cli.Strat;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/** strat rules check|lock through the real command line. */
class RulesCommandTest {
  static final Path RULES = SparkTestBase.repoRoot().resolve("rules");

  @TempDir Path tmp;

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

  private Path copy() throws IOException {
    Path dst = tmp.resolve("rules");
    try (Stream<Path> s = Files.walk(RULES)) {
      for (Path p : s.sorted().toList()) {
        Path t = dst.resolve(RULES.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return dst;
  }

  @Test
  void checkPrintsASummary() {
    Run r = run("rules", "check", "--rules", RULES.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    assertThat(r.out())
        .contains("efi: 36 deficits")
        .contains("hfrs: 109 ICD-10 groups, total 173.2 points, 2-year look-back")
        .contains("multimorbidity: 20 conditions")
        .contains("bands [low>=0.0, moderate>=0.1, high>=0.25, very high>=0.5]");
  }

  @Test
  void checkFailsWithExit3AndOneLineOnATamperedFile() throws IOException {
    Path d = copy();
    Path f = d.resolve("admission-risk/bands.csv");
    Files.writeString(f, Files.readString(f).replace("very high,0.5,", "very high,0.6,"));
    Run r = run("rules", "check", "--rules", d.toString());
    assertThat(r.code()).isEqualTo(ExitCode.CONFIG);
    assertThat(r.err().strip()).startsWith("strat: Rule file admission-risk/bands.csv").doesNotContain("\n");
  }

  @Test
  void lockRepinsAValidEditAndRefusesAnInvalidOne() throws IOException {
    Path d = copy();
    Path f = d.resolve("admission-risk/bands.csv");
    Files.writeString(f, Files.readString(f).replace("very high,0.5,", "very high,0.6,"));
    Run lock = run("rules", "lock", "--rules", d.toString());
    assertThat(lock.code()).as(lock.err()).isEqualTo(ExitCode.OK);
    assertThat(lock.out()).contains("admission-risk/bands.csv").contains("rules.lock written: 10 files");
    assertThat(run("rules", "check", "--rules", d.toString()).code()).isEqualTo(ExitCode.OK);

    Files.writeString(f, Files.readString(f).replace("very high,0.6,", "very high,1.6,"));
    String before = Files.readString(d.resolve("rules.lock"));
    Run bad = run("rules", "lock", "--rules", d.toString());
    assertThat(bad.code()).isEqualTo(ExitCode.CONFIG);
    assertThat(bad.err()).contains("min_probability '1.6'");
    assertThat(Files.readString(d.resolve("rules.lock"))).as("lock untouched").isEqualTo(before);
  }

  @Test
  void helpHasAnExample() {
    Run r = run("rules", "--help");
    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).contains("Example:").contains("check").contains("lock");
  }

  @Test
  void defaultDirHonoursTheSystemProperty() {
    String old = System.getProperty("strat.rules");
    try {
      System.setProperty("strat.rules", RULES.toString());
      assertThat(RuleSet.defaultDir()).isEqualTo(RULES);
    } finally {
      if (old == null) {
        System.clearProperty("strat.rules");
      } else {
        System.setProperty("strat.rules", old);
      }
    }
  }
}
