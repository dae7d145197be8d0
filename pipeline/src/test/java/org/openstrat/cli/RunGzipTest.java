package org.openstrat.cli;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.publish.Manifest;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/** A gzipped extract ({@code NAME.csv.gz}) gives the same publication as the plain file. */
@Tag("slow")
class RunGzipTest extends SparkTestBase {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    spark();
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void gzippedExtractsPublishTheSameFiles() throws IOException {
    Path plain = tmp.resolve("plain");
    Run g = run("generate", "--patients", "300", "--seed", "7", "--out", plain.toString(),
        "--extract-date", "2025-03-31");
    assertThat(g.code()).as(g.err()).isZero();
    Path gz = tmp.resolve("gz");
    Files.createDirectories(gz);
    try (Stream<Path> s = Files.list(plain)) {
      for (Path f : s.toList()) {
        String n = f.getFileName().toString();
        if (List.of("patients.csv", "gp_events.csv", "apc_spells.csv").contains(n)) {
          try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz.resolve(n + ".gz")))) {
            Files.copy(f, out);
          }
        } else {
          Files.copy(f, gz.resolve(n));
        }
      }
    }
    Run a = run("run", "--input", plain.toString(), "--output", tmp.resolve("out-plain").toString());
    assertThat(a.code()).as(a.err()).isZero();
    Run b = run("run", "--input", gz.toString(), "--output", tmp.resolve("out-gz").toString());
    assertThat(b.code()).as(b.err()).isZero();
    for (String d : List.of("cohort", "cohort_csv", "summary")) {
      assertThat(Manifest.sha256Tree(tmp.resolve("out-gz/2025-03-31/" + d))).as(d)
          .isEqualTo(Manifest.sha256Tree(tmp.resolve("out-plain/2025-03-31/" + d)));
    }
    String report = Files.readString(tmp.resolve("out-gz/2025-03-31/quality/report.json"));
    assertThat(report).contains("\"files\":[\"gp_events.csv.gz\"]");
    assertThat(report.replace(".csv.gz\"", ".csv\""))
        .isEqualTo(Files.readString(tmp.resolve("out-plain/2025-03-31/quality/report.json")));
  }
}
