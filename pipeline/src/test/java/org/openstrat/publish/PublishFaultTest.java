package org.openstrat.publish;

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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.testing.SparkTestBase;

/**
 * kill -9 during publication: a child JVM ({@link PublishHarness}) stops at a named stage
 * ({@code strat.test.pause_at}) and is destroyed forcibly there. The previous publication must be
 * intact and readable, nothing half-written visible, and the next run's recovery must clean up.
 */
@Tag("slow")
class PublishFaultTest extends SparkTestBase {
  private static final LocalDate DAY1 = PublishFixtures.AS_OF;
  private static final LocalDate DAY2 = DAY1.plusDays(1);

  @TempDir Path tmp;

  private record Case(String mode, String stage, LocalDate asOf) {}

  @Test
  void killedAtAnyStageLeavesThePreviousPublicationIntact() throws Exception {
    // The previous publication (day 1), made in this JVM, copied into one OUTPUT per case.
    Path template = tmp.resolve("template");
    Publication pub = Publication.begin(template, DAY1, "first");
    Publisher.publish(
        PublishFixtures.request(template, PublishFixtures.scores(spark(), 0), DAY1, Optional.of(PublishFixtures.key())),
        pub, new Progress(new PrintWriter(new StringWriter()), new Manifest("first")));
    String before = Manifest.sha256Tree(template.resolve(DAY1.toString()));

    List<Case> cases =
        List.of(
            new Case("spark", "scores-written", DAY2), // the real publisher, mid-write
            new Case("files", "cohort-written", DAY2), // mid-write of a new date
            new Case("files", "manifest-written", DAY2), // all staged, not yet committed
            new Case("files", "replaced-aside", DAY1), // rerun of day 1, between the two renames
            new Case("files", "swapped", DAY1)); // rerun of day 1, new one in, old not yet deleted
    ExecutorService pool = Executors.newFixedThreadPool(cases.size());
    List<CompletableFuture<Path>> runs = new ArrayList<>();
    for (Case c : cases) {
      Path out = tmp.resolve(c.mode() + "-" + c.stage());
      copyTree(template, out);
      Path from = template.resolve(DAY1.toString());
      runs.add(CompletableFuture.supplyAsync(() -> killAt(c, out, from), pool));
    }
    pool.shutdown();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Path out = runs.get(i).get(300, TimeUnit.SECONDS);
      Path day1 = out.resolve(DAY1.toString());
      switch (c.stage()) {
        case "scores-written", "cohort-written", "manifest-written" -> {
          assertThat(visible(out)).as(c.stage()).containsExactly(DAY1.toString());
          assertThat(Manifest.sha256Tree(day1)).as(c.stage()).isEqualTo(before);
        }
        case "replaced-aside" ->
            // The only moment day 1 is not visible; it is complete under its aside name.
            assertThat(visible(out)).as(c.stage()).isEmpty();
        case "swapped" -> {
          assertThat(visible(out)).as(c.stage()).containsExactly(DAY1.toString());
          assertThat(day1.resolve("_SUCCESS")).exists();
          // Same input, same date: the new publication's cohort files equal the old ones.
          assertThat(Manifest.sha256Tree(day1.resolve("cohort")))
              .isEqualTo(Manifest.sha256Tree(template.resolve(DAY1 + "/cohort")));
        }
        default -> throw new AssertionError(c.stage());
      }
      // The next run starts with recovery: stale staging removed, an aside publication restored.
      try (OutputLock lock = OutputLock.acquire(out)) {
        Publication.recover(lock);
      }
      try (Stream<Path> s = Files.list(out)) {
        assertThat(s.map(p -> p.getFileName().toString()).toList()).as(c.stage())
            .containsExactlyInAnyOrder(DAY1.toString(), OutputLock.FILE);
      }
      if (!c.stage().equals("swapped")) {
        assertThat(Manifest.sha256Tree(day1)).as(c.stage()).isEqualTo(before);
      }
      assertThat(readableRows(day1)).as(c.stage()).isEqualTo(8);
    }
  }

  // ---- the pause hook never outlives its test ------------------------------------------------

  /** A template publication for the "files" harness: a cohort folder and a manifest. */
  private Path tinyTemplate() throws IOException {
    Path t = Files.createDirectories(tmp.resolve("tiny/cohort"));
    Files.writeString(t.resolve("part"), "x");
    Files.writeString(tmp.resolve("tiny/manifest.json"), "{}");
    return tmp.resolve("tiny");
  }

  /** Reads the child's stderr until the pause line; returns everything read. */
  private static String awaitPause(Process p, String stage) throws IOException {
    StringBuilder seen = new StringBuilder();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      seen.append(line).append('\n');
      if (line.contains("test pause at " + stage)) {
        return seen.toString();
      }
    }
    throw new AssertionError("child never paused at " + stage + ": " + tail(seen.toString()));
  }

  @Test
  void aPausedChildGoesOnAfterALineOnStdin() throws Exception {
    Path out = tmp.resolve("resume");
    Process p = new ProcessBuilder(harness("files", "cohort-written", out, DAY2, tinyTemplate()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    awaitPause(p, "cohort-written");
    p.getOutputStream().write('\n');
    p.getOutputStream().flush();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out.resolve(DAY2 + "/_SUCCESS")).exists();
  }

  @Test
  void aPausedChildEndsWhenItsParentClosesStdin() throws Exception {
    // What a dying parent does to the pipe: its end is closed, the child reads end of file.
    Path out = tmp.resolve("eof");
    Process p = new ProcessBuilder(harness("files", "cohort-written", out, DAY2, tinyTemplate()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    awaitPause(p, "cohort-written");
    p.getOutputStream().close();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child ended after stdin closed").isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(out.resolve(DAY2.toString())).doesNotExist();
  }

  @Test
  void aPausedChildEndsWhenItsParentIsKilled() throws Exception {
    // The child's parent is a shell; its stdin is this test's pipe (fd 3: a background job's stdin
    // would be /dev/null), which stays open, so only the parent check can end the pause.
    Path out = tmp.resolve("orphan");
    List<String> cmd = harness("files", "cohort-written", out, DAY2, tinyTemplate());
    StringBuilder quoted = new StringBuilder();
    for (String a : cmd) {
      quoted.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    Process shell = new ProcessBuilder("/bin/sh", "-c", "exec 3<&0;" + quoted + " <&3 3<&- & wait")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    awaitPause(shell, "cohort-written");
    ProcessHandle child = shell.toHandle().children().findFirst().orElseThrow();
    shell.destroyForcibly();
    shell.waitFor(30, TimeUnit.SECONDS);
    assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("orphaned child ended").isFalse();
    assertThat(out.resolve(DAY2.toString())).doesNotExist();
    shell.getOutputStream().close();
  }

  /** Names in OUTPUT a reader would take for a publication (not hidden). */
  private static List<String> visible(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  private static long readableRows(Path publication) throws IOException {
    long n = 0;
    try (Stream<Path> s = Files.walk(publication.resolve("cohort"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        try (ParquetReader<GenericRecord> r = AvroRecords.reader(f)) {
          while (r.read() != null) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /** The java command line of a {@link PublishHarness} child paused at {@code stage}. */
  static List<String> harness(String mode, String stage, Path out, LocalDate asOf, Path template) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognized")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.add(mode.equals("spark") ? "-Xmx1g" : "-Xmx128m");
    cmd.add("-D" + Publication.PAUSE_PROPERTY + "=" + stage);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PublishHarness.class.getName());
    cmd.add(mode);
    cmd.add(out.toString());
    cmd.add(asOf.toString());
    cmd.add(template.toString());
    return cmd;
  }

  private static Path killAt(Case c, Path out, Path template) {
    try {
      List<String> cmd = harness(c.mode(), c.stage(), out, c.asOf(), template);
      Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      StringBuilder seen = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          seen.append(line).append('\n');
          if (line.contains("test pause at " + c.stage())) {
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
          }
        }
      }
      p.waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("child never paused at " + c.stage() + "; exit " + p.exitValue()
          + "; stderr tail: " + tail(seen.toString()));
    } catch (IOException | InterruptedException e) {
      throw new RuntimeException(e);
    }
  }

  private static String tail(String s) {
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
