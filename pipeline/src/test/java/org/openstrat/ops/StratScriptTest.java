package org.openstrat.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.testing.SparkTestBase;

/**
 * scripts/strat, the launcher: the heap it chooses, what it says when the JVM is killed, and that
 * it still passes arguments, exit codes and signals through. The script is copied into a folder
 * laid out like the repository, with an empty strat.jar (so it does not build), and {@code java}
 * on the PATH is a stand-in that records its arguments.
 */
class StratScriptTest {
  private static final Path STRAT = SparkTestBase.repoRoot().resolve("scripts/strat");

  @TempDir Path tmp;
  private Path home;
  private Path bin;
  private Path meminfo;

  private record Result(int code, String stderr, String javaArgs) {}

  @BeforeAll
  static void needsBash() {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash");
  }

  @BeforeEach
  void layout() throws IOException {
    home = tmp.resolve("home");
    Files.createDirectories(home.resolve("scripts"));
    Files.copy(STRAT, home.resolve("scripts/strat"));
    Files.createDirectories(home.resolve("pipeline/target/lib"));
    Files.createFile(home.resolve("pipeline/target/strat.jar"));
    bin = Files.createDirectories(tmp.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, """
        #!/usr/bin/env bash
        echo "$*" > "$FAKE_JAVA_ARGS"
        [ -n "${FAKE_JAVA_STARTED:-}" ] && touch "$FAKE_JAVA_STARTED"
        if [ -n "${FAKE_JAVA_WAIT:-}" ]; then
          trap 'echo TERM > "$FAKE_JAVA_WAIT"; exit 143' TERM
          sleep 30 & wait
        fi
        if [ -n "${FAKE_JAVA_SIGNAL:-}" ]; then kill -"$FAKE_JAVA_SIGNAL" $$; fi
        exit "${FAKE_JAVA_EXIT:-0}"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    meminfo = tmp.resolve("meminfo");
    available(16384);
  }

  private void available(long mb) throws IOException {
    Files.writeString(meminfo, "MemTotal:       32000000 kB\nMemAvailable:   " + mb * 1024 + " kB\n");
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(home.resolve("scripts/strat").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("STRAT_") || k.startsWith("FAKE_"));
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("STRAT_MEMINFO", meminfo.toString());
    pb.environment().put("STRAT_CGROUP", tmp.resolve("no-cgroup").toString());
    pb.environment().put("FAKE_JAVA_ARGS", tmp.resolve("java-args").toString());
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    return pb.start();
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    Process p = start(env, args);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Path a = tmp.resolve("java-args");
    return new Result(p.exitValue(), err, Files.exists(a) ? Files.readString(a) : "");
  }

  private static String xmx(Result r) {
    for (String a : r.javaArgs().split(" ")) {
      if (a.startsWith("-Xmx")) {
        return a.substring(4);
      }
    }
    return null;
  }

  private Path input(long bytes) throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in-" + bytes));
    try (RandomAccessFile f = new RandomAccessFile(in.resolve("gp_events.csv").toFile(), "rw")) {
      f.setLength(bytes); // sparse: its size is what counts, not the disk it takes
    }
    return in;
  }

  @Test
  void aSmallInputGetsTwoGigabytesAndSaysSo() throws Exception {
    Result r = run(Map.of(), "run", "--input", input(18L << 20).toString(), "--output", "out");
    assertThat(r.code()).isZero();
    assertThat(xmx(r)).isEqualTo("2g");
    assertThat(r.stderr().lines()).hasSize(1);
    assertThat(r.stderr()).startsWith("strat: heap 2g (input 18 MB is under 100 MB; 16384 MB available;"
        + " set STRAT_HEAP to choose)");
    assertThat(r.javaArgs()).contains("org.openstrat.cli.Strat run --input ").endsWith(" --output out\n");
  }

  @Test
  void aLargeInputGetsHalfTheAvailableMemoryAtMostEight() throws Exception {
    Path big = input(200L << 20);
    assertThat(xmx(run(Map.of(), "run", "--input=" + big, "--output", "out"))).isEqualTo("8g");
    available(6000);
    Result r = run(Map.of(), "run", "--input", big.toString(), "--output", "out");
    assertThat(xmx(r)).isEqualTo("3000m");
    assertThat(r.stderr()).contains("heap 3000m (half the memory available; input 200 MB; 6000 MB available");
    available(1000);
    assertThat(run(Map.of(), "run", "--input", big.toString(), "--output", "out").stderr())
        .contains("heap 1g (the least it runs with").contains("it may be killed");
  }

  @Test
  void aRunOfTheSampleSizeGetsTheQuickCompilerAndTheSerialCollector() throws Exception {
    // The quick compiler alone would reserve 48 MB of code cache, which the sample fills.
    String small = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=240m";
    assertThat(run(Map.of(), "run", "--input", input(18L << 20).toString(), "--output", "o")
        .javaArgs()).contains(small);
    assertThat(run(Map.of("STRAT_HEAP", "4g"), "run", "--input", input(18L << 20).toString(),
        "--output", "o").javaArgs()).contains(small);
    assertThat(run(Map.of(), "run", "--input", input(40L << 20).toString(), "--output", "o")
        .javaArgs()).doesNotContain("TieredStopAtLevel").doesNotContain("UseSerialGC");
    assertThat(run(Map.of(), "--version").javaArgs())
        .doesNotContain("TieredStopAtLevel").doesNotContain("UseSerialGC");
    // Options of the user's own win: a second collector would stop the JVM.
    Result own = run(Map.of("STRAT_JAVA_OPTS", "-XX:+UseG1GC"), "run", "--input",
        input(18L << 20).toString(), "--output", "o");
    assertThat(own.javaArgs()).contains("-XX:TieredStopAtLevel=1").doesNotContain("UseSerialGC");
    assertThat(run(Map.of("STRAT_JAVA_OPTS", "-XX:-TieredCompilation"), "run", "--input",
        input(18L << 20).toString(), "--output", "o").javaArgs())
        .doesNotContain("TieredStopAtLevel").contains("-XX:+UseSerialGC");
    assertThat(run(Map.of("STRAT_JAVA_OPTS", "-XX:ReservedCodeCacheSize=100m"), "run", "--input",
        input(18L << 20).toString(), "--output", "o").javaArgs())
        .contains("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=100m")
        .doesNotContain("240m");
    assertThat(run(Map.of(), "run", "--input", input(40L << 20).toString(), "--output", "o")
        .javaArgs()).doesNotContain("CodeCache");
  }

  @Test
  void aSmallInputOnABusyMachineStillGetsNoMoreThanHalf() throws Exception {
    available(3000);
    assertThat(xmx(run(Map.of(), "validate", "--input", input(1L << 20).toString(), "--output", "o")))
        .isEqualTo("1500m");
  }

  @Test
  void stratHeapIsUsedAsGivenAndNothingIsSaid() throws Exception {
    Result r = run(Map.of("STRAT_HEAP", "5g"), "run", "--input", input(1L << 20).toString(), "--output", "o");
    assertThat(xmx(r)).isEqualTo("5g");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void aJvmKilledBySigkillIsSaidInOneLine() throws Exception {
    Result r = run(Map.of("FAKE_JAVA_SIGNAL", "KILL"), "run", "--input", input(1L << 20).toString(), "--output", "o");
    assertThat(r.code()).isEqualTo(137);
    List<String> lines = r.stderr().lines().toList();
    assertThat(lines).hasSize(2); // the heap line, then the one about the kill
    assertThat(lines.get(1)).startsWith("strat: the JVM was killed (SIGKILL, exit 137), most likely by the kernel"
        + " for want of memory (heap 2g); set STRAT_HEAP lower");
  }

  @Test
  void exitCodesPassThrough() throws Exception {
    assertThat(run(Map.of("FAKE_JAVA_EXIT", "4", "STRAT_HEAP", "1g"), "run").code()).isEqualTo(4);
    assertThat(run(Map.of("FAKE_JAVA_EXIT", "7", "STRAT_HEAP", "1g"), "run").code()).isEqualTo(7);
  }

  @Test
  void sigtermReachesTheJvm() throws Exception {
    Path started = tmp.resolve("started");
    Path got = tmp.resolve("got");
    Process p = start(Map.of("FAKE_JAVA_STARTED", started.toString(), "FAKE_JAVA_WAIT", got.toString(),
        "STRAT_HEAP", "1g"), "run");
    for (int i = 0; i < 200 && !Files.exists(started); i++) {
      Thread.sleep(50);
    }
    assertThat(started).exists();
    p.destroy(); // SIGTERM to the launcher only
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(got).strip()).isEqualTo("TERM");
    assertThat(p.exitValue()).isEqualTo(143);
  }
}
