package org.openstrat.cli;

import org.junit.jupiter.api.Tag;
import org.openstrat.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.publish.OutputLock;
import org.openstrat.publish.Publication;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/**
 * Two {@code strat run}s on one OUTPUT: the first (a child JVM) is paused after validation, with
 * its staging folder full; the second must exit 7 at once and touch nothing; the first then goes on
 * and publishes a complete folder.
 */
@Tag("slow")
class RunLockTest {
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

  @Test
  void aSecondRunExitsSevenAndTheFirstPublishesComplete() throws Exception {
    Path input = tmp.resolve("ics");
    Run g = run("generate", "--patients", "200", "--seed", "11", "--out", input.toString(),
        "--extract-date", "2025-03-31");
    assertThat(g.code()).as(g.err()).isZero();
    Path output = tmp.resolve("out");

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognized")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Xmx1g", "-Dstrat.home=" + SparkTestBase.repoRoot(),
        "-D" + Publication.PAUSE_PROPERTY + "=validated",
        "-cp", System.getProperty("java.class.path"), Strat.class.getName(),
        "run", "--input", input.toString(), "--output", output.toString()));
    Process first = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("first.out").toFile()).start();
    StringBuilder firstErr = new StringBuilder();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(first.getErrorStream(), StandardCharsets.UTF_8));
      boolean paused = false;
      for (String line; !paused && (line = r.readLine()) != null; ) {
        firstErr.append(line).append('\n');
        paused = line.contains("test pause at validated");
      }
      assertThat(paused).as("first run paused after validation: %s", firstErr).isTrue();
      Thread drain = new Thread(() -> r.lines().forEach(l -> firstErr.append(l).append('\n')));
      drain.setDaemon(true);
      drain.start();
      List<String> before = tree(output);
      assertThat(before).anyMatch(p -> p.startsWith(".staging-") && p.endsWith("quality/report.json"));

      long t0 = System.nanoTime();
      Run second = run("run", "--input", input.toString(), "--output", output.toString());
      double seconds = (System.nanoTime() - t0) / 1e9;

      assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.LOCKED);
      assertThat(second.err().lines()).hasSize(1);
      assertThat(second.err()).contains("another run holds the lock " + output.resolve(OutputLock.FILE))
          .contains("pid " + first.pid());
      assertThat(seconds).as("refused at once, before Spark or any data").isLessThan(20);
      assertThat(tree(output)).as("the second run touched nothing").isEqualTo(before);

      first.getOutputStream().write('\n');
      first.getOutputStream().flush();
      assertThat(first.waitFor(300, TimeUnit.SECONDS)).as("first run finished").isTrue();
      drain.join(10_000);
      assertThat(first.exitValue()).as(firstErr.toString()).isZero();
    } finally {
      first.destroyForcibly();
    }
    Path pub = output.resolve("2025-03-31");
    for (String part : List.of("_SUCCESS", "manifest.json", "quality/report.json", "quality/report.csv",
        "cohort", "cohort_csv", "summary/summary.csv")) {
      assertThat(pub.resolve(part)).as(part).exists();
    }
    assertThat(tree(output)).noneMatch(p -> p.startsWith(".staging-"));
  }

  /** Every path under {@code dir}, relative, sorted. */
  private static List<String> tree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }
}
