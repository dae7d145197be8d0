package org.openstrat.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.publish.OutputLock;
import org.openstrat.testing.SparkTestBase;

/**
 * scripts/nightly against scripts/test/fake-strat (a stand-in for {@code strat run} that publishes
 * OUTPUT/AS_OF/_SUCCESS without Spark), so each case takes well under a second.
 */
class NightlyScriptTest {
  private static final Path NIGHTLY = SparkTestBase.repoRoot().resolve("scripts/nightly");
  private static final Path FAKE = SparkTestBase.repoRoot().resolve("scripts/test/fake-strat");

  @TempDir Path tmp;
  private Path input;
  private Path output;

  private record Result(int code, String stdout, String stderr) {}

  @BeforeAll
  static void needsBashAndFlock() {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash");
    assumeTrue(
        Stream.of("/usr/bin/flock", "/bin/flock").anyMatch(p -> Files.isExecutable(Path.of(p))),
        "flock (util-linux)");
  }

  @BeforeEach
  void folders() throws IOException {
    input = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(input.resolve("extract.properties"), "extract_date=2026-11-20\n");
    output = tmp.resolve("out");
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(NIGHTLY.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("STRAT_") || k.startsWith("FAKE_"));
    pb.environment().put("STRAT_OUTPUT", output.toString());
    pb.environment().put("STRAT_CMD", FAKE.toString());
    pb.environment().putAll(env);
    pb.redirectOutput(tmp.resolve("stdout-" + System.nanoTime()).toFile());
    return pb.redirectError(ProcessBuilder.Redirect.PIPE).start();
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    Process p = start(env, args);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("nightly finished").isTrue();
    return new Result(p.exitValue(), "", err);
  }

  private void publication(String date) throws IOException {
    Path d = Files.createDirectories(output.resolve(date));
    Files.writeString(d.resolve("manifest.json"), "{}");
    Files.createFile(d.resolve("_SUCCESS"));
  }

  /** Names in a folder, sorted, without dotfiles (.lock). */
  private List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  private List<Path> logs() throws IOException {
    try (Stream<Path> s = Files.list(output.resolve("logs"))) {
      return s.filter(p -> p.getFileName().toString().matches("strat-\\d{8}T\\d{6}(-\\d+)?\\.log"))
          .toList();
    }
  }

  @Test
  void secondRunWhileTheFirstHoldsTheLockExitsSevenWithOneLine() throws Exception {
    Path started = tmp.resolve("started");
    Path release = tmp.resolve("release");
    Process first =
        start(Map.of("FAKE_STARTED", started.toString(), "FAKE_RELEASE", release.toString()),
            input.toString());
    for (int i = 0; i < 300 && !Files.exists(started); i++) {
      Thread.sleep(50);
    }
    assertThat(started).as("first run started").exists();

    Result second = run(Map.of(), input.toString());

    Files.createFile(release);
    first.getErrorStream().readAllBytes();
    assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.code()).isEqualTo(ExitCode.LOCKED);
    assertThat(second.stderr().lines()).hasSize(1);
    assertThat(second.stderr()).contains("holds the lock").contains(".nightly.lock").contains("pid ");
    assertThat(first.exitValue()).isEqualTo(ExitCode.OK);
    assertThat(logs()).as("the refused run writes no log").hasSize(1);
    assertThat(output.resolve("2026-11-20/_SUCCESS")).exists();
  }

  @Test
  void theNightlysLockIsNotTheRunsLock() throws Exception {
    // strat run, started by the nightly, locks OUTPUT/.lock itself: the nightly must not hold it.
    Path started = tmp.resolve("started");
    Path release = tmp.resolve("release");
    Process nightly =
        start(Map.of("FAKE_STARTED", started.toString(), "FAKE_RELEASE", release.toString()),
            input.toString());
    for (int i = 0; i < 300 && !Files.exists(started); i++) {
      Thread.sleep(50);
    }
    assertThat(started).as("nightly's run started").exists();
    try (OutputLock runs = OutputLock.acquire(output)) {
      assertThat(runs.isHeld()).isTrue();
    } finally {
      Files.createFile(release);
      nightly.getErrorStream().readAllBytes();
      assertThat(nightly.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(nightly.exitValue()).isEqualTo(ExitCode.OK);
  }

  @Test
  void aRunRefusedByAnotherRunsLockIsExitSevenAndDeletesNothing() throws Exception {
    for (String d : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
      publication(d);
    }

    Result r = run(Map.of("STRAT_KEEP", "1", "FAKE_LOCKED", "1"), input.toString());

    assertThat(r.code()).isEqualTo(ExitCode.LOCKED);
    assertThat(entries(output)).containsExactly("2026-11-01", "2026-11-02", "2026-11-03", "logs");
    assertThat(Files.readString(output.resolve("logs/latest.log")))
        .contains("finished exit=7 (another run holds the lock)");
  }

  @Test
  void lockIsFreeAgainAfterARun() throws Exception {
    assertThat(run(Map.of(), input.toString()).code()).isEqualTo(ExitCode.OK);
    assertThat(run(Map.of(), input.toString()).code()).isEqualTo(ExitCode.OK);
  }

  @Test
  void retentionKeepsTheNewestKAndTheOneJustPublished() throws Exception {
    for (String d : List.of("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05")) {
      publication(d);
    }
    Files.createDirectories(output.resolve("2026-10-01")); // no _SUCCESS: not a publication
    Files.createDirectories(output.resolve("exports"));

    // A rerun for an old date: it is published, so it stays although it is not among the newest 2.
    Result r = run(Map.of("STRAT_KEEP", "2"), input.toString(), "2026-11-02");

    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(entries(output))
        .containsExactly("2026-10-01", "2026-11-02", "2026-11-04", "2026-11-05", "exports", "logs");
    assertThat(r.stderr()).contains("deleted=2 (2026-11-03 2026-11-01)");
  }

  @Test
  void retentionTouchesOnlyRealPublicationFolders() throws Exception {
    // Planted links named like a publication and like the failed reports' folder, pointing outside.
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createFile(elsewhere.resolve("_SUCCESS"));
    Files.writeString(elsewhere.resolve("keep.csv"), "not ours\n");
    Path reports = Files.createDirectories(tmp.resolve("reports/20200101T000000Z-aaaaaa"));
    Files.createDirectories(tmp.resolve("reports/20200102T000000Z-bbbbbb"));
    publication("2026-11-01");
    publication("2026-11-02");
    Files.createSymbolicLink(output.resolve("2026-10-01"), elsewhere);
    Files.createSymbolicLink(output.resolve("failed"), reports.getParent());

    Result r = run(Map.of("STRAT_KEEP", "1"), input.toString());

    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(elsewhere.resolve("keep.csv")).exists();
    assertThat(reports).exists();
    assertThat(tmp.resolve("reports/20200102T000000Z-bbbbbb")).exists();
    assertThat(Files.isSymbolicLink(output.resolve("2026-10-01"))).isTrue();
    assertThat(entries(output)).containsExactly("2026-10-01", "2026-11-20", "failed", "logs");
    assertThat(r.stderr()).contains("deleted=2 (2026-11-02 2026-11-01)");
  }

  @Test
  void retentionKeepsSevenByDefault() throws Exception {
    for (int day = 1; day <= 9; day++) {
      publication(String.format("2026-11-%02d", day));
    }

    Result r = run(Map.of(), input.toString()); // publishes 2026-11-20, the extract date

    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(entries(output))
        .containsExactly(
            "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07", "2026-11-08", "2026-11-09",
            "2026-11-20", "logs");
  }

  @Test
  void failedRunPassesItsExitCodeThroughAndDeletesNothing() throws Exception {
    for (String d : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
      publication(d);
    }

    Result r = run(Map.of("STRAT_KEEP", "1", "FAKE_EXIT", "5"), input.toString());

    assertThat(r.code()).isEqualTo(ExitCode.QUALITY);
    assertThat(entries(output))
        .containsExactly("2026-11-01", "2026-11-02", "2026-11-03", "failed", "logs");
    assertThat(Files.readString(output.resolve("logs/latest.log")))
        .contains("strat: fake failure with exit code 5")
        .contains("finished exit=5 (data-quality threshold breached");
  }

  @Test
  void everyExitCodeOfTheRunIsPassedThrough() throws Exception {
    for (int code : new int[] {ExitCode.INTERNAL, ExitCode.CONFIG, ExitCode.INPUT, ExitCode.PUBLISH}) {
      assertThat(run(Map.of("FAKE_EXIT", Integer.toString(code)), input.toString()).code())
          .isEqualTo(code);
    }
  }

  @Test
  void logIsWrittenWithALatestLinkAndTheArgumentsReachTheRun() throws Exception {
    Path config = Files.writeString(tmp.resolve("run.properties"), "cohort.size=0.05\n");
    Path key = Files.writeString(tmp.resolve("key"), "S3CRET-KEY-MATERIAL\n");
    Path argsFile = tmp.resolve("args");
    Map<String, String> env = new HashMap<>();
    env.put("STRAT_CONFIG", config.toString());
    env.put("STRAT_PSEUDO_KEY_FILE", key.toString());
    env.put("FAKE_ARGS_FILE", argsFile.toString());
    env.put("STRAT_JAVA_OPTS", "-Xss4m");

    Result r = run(env, input.toString(), "2026-11-19");

    assertThat(r.code()).isEqualTo(ExitCode.OK);
    assertThat(Files.readString(argsFile).strip())
        .isEqualTo(
            "input=" + input + " output=" + output + " as_of=2026-11-19 config=" + config
                + " key_file=" + key
                + " java_opts=-Xss4m -Dspark.hadoop.fs.permissions.umask-mode=027");
    List<Path> logs = logs();
    assertThat(logs).hasSize(1);
    Path latest = output.resolve("logs/latest.log");
    assertThat(Files.isSymbolicLink(latest)).isTrue();
    assertThat(Files.readSymbolicLink(latest)).isEqualTo(logs.get(0).getFileName());
    String log = Files.readString(latest);
    assertThat(log)
        .contains("nightly: start ")
        .contains("stage ingest rows_in=6 rows_out=6")
        .contains("published " + output.resolve("2026-11-19"))
        .contains("nightly: finished exit=0 (success)")
        .contains("key=file");
    assertThat(log + r.stderr()).doesNotContain("S3CRET").doesNotContain(key.toString());
    assertThat(Files.getPosixFilePermissions(output.resolve("2026-11-19/manifest.json")))
        .as("umask 027: publications are not world-readable")
        .doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE);
    assertThat(r.stderr()).contains("stage ingest").contains("nightly: finished exit=0");
  }

  @Test
  void quietModePrintsNothingOnSuccessAndOneLineOnFailure() throws Exception {
    Result ok = run(Map.of("STRAT_QUIET", "1"), input.toString());
    Result bad = run(Map.of("STRAT_QUIET", "1", "FAKE_EXIT", "4"), input.toString());

    assertThat(ok.stderr()).isEmpty();
    assertThat(bad.code()).isEqualTo(ExitCode.INPUT);
    assertThat(bad.stderr().lines()).hasSize(1);
    assertThat(bad.stderr()).contains("exit=4").contains("strat: fake failure");
    assertThat(logs()).hasSize(2);
  }

  @Test
  void aReaderThatStopsReadingStderrDoesNotStopTheRun() throws Exception {
    Process p = start(Map.of(), input.toString());
    p.getErrorStream().close();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(ExitCode.OK);
    assertThat(output.resolve("2026-11-20/_SUCCESS")).exists();
    assertThat(Files.readString(output.resolve("logs/latest.log"))).contains("finished exit=0");
  }

  @Test
  void statusFileKeepsTheLastSuccessAcrossAFailure() throws Exception {
    assertThat(run(Map.of(), input.toString(), "2026-11-19").code()).isZero();
    String afterSuccess = Files.readString(output.resolve("logs/status.properties"));
    assertThat(run(Map.of("FAKE_EXIT", "6"), input.toString()).code()).isEqualTo(ExitCode.PUBLISH);
    String afterFailure = Files.readString(output.resolve("logs/status.properties"));

    assertThat(afterSuccess).contains("last_run_exit=0\n").contains("last_published=2026-11-19\n");
    assertThat(afterFailure)
        .contains("last_run_exit=6\n")
        .contains("last_published=2026-11-19\n")
        .contains(line(afterSuccess, "last_success="));
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow() + "\n";
  }

  @Test
  void failedRunsQualityReportsAreKeptToTheNewestK() throws Exception {
    for (String id : List.of("20261101T023000Z-aaaaaa", "20261102T023000Z-bbbbbb", "20261103T023000Z-cccccc")) {
      Files.createDirectories(output.resolve("failed").resolve(id).resolve("quality"));
    }

    Result r = run(Map.of("STRAT_KEEP", "2", "FAKE_EXIT", "5"), input.toString());

    assertThat(r.code()).isEqualTo(ExitCode.QUALITY);
    List<String> failed = entries(output.resolve("failed"));
    assertThat(failed).hasSize(2).contains("20261103T023000Z-cccccc");
    assertThat(failed.get(1)).as("this run's report").startsWith("2026").isNotEqualTo("20261103T023000Z-cccccc");
  }

  @Test
  void oldLogsBeyondTheLimitAreDeleted() throws Exception {
    Files.createDirectories(output.resolve("logs"));
    Files.writeString(output.resolve("logs/strat-20200101T000000.log"), "old\n");
    Files.writeString(output.resolve("logs/strat-20200102T000000.log"), "old\n");

    assertThat(run(Map.of("STRAT_KEEP_LOGS", "2"), input.toString()).code()).isZero();

    assertThat(entries(output.resolve("logs"))).hasSize(4).contains("strat-20200102T000000.log")
        .doesNotContain("strat-20200101T000000.log").contains("latest.log");
  }

  @Test
  void badCommandLinesAreUsageErrors() throws Exception {
    assertThat(run(Map.of()).code()).isEqualTo(ExitCode.USAGE);
    assertThat(run(Map.of(), input.toString(), "2026-02-30").stderr())
        .contains("AS_OF 2026-02-30 is not a date");
    assertThat(run(Map.of("STRAT_KEEP", "0"), input.toString()).code()).isEqualTo(ExitCode.USAGE);
    assertThat(run(Map.of("STRAT_OUTPUT", ""), input.toString()).stderr())
        .contains("STRAT_OUTPUT is not set");
    assertThat(run(Map.of("STRAT_PSEUDO_KEY_FILE", tmp.resolve("missing").toString()), input.toString())
            .code())
        .isEqualTo(ExitCode.CONFIG);
    assertThat(output.resolve("2026-11-20")).doesNotExist();
  }
}
