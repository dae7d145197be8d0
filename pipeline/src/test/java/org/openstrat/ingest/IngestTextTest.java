package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.time.LocalDate;
import org.openstrat.quality.Checks;
import org.openstrat.quality.FixtureAccess;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.Validate;
import org.openstrat.quality.Validated;
import org.openstrat.testing.SparkTestBase;

/** What ingest makes of the text of a CSV extract: blank lines, encodings, compression, sizes. */
class IngestTextTest extends SparkTestBase {
  static final String PRACTICES_HEADER =
      "practice_code,practice_name,pcn_code,pcn_name,icc_code,icc_name,icp_code,icp_name,start_date,end_date\n";

  static String practice(int i) {
    return String.format("P%05d,Practice %d,U00001,PCN One,I1,ICC One,Q1,ICP One,2020-01-01,%n", i, i);
  }

  /** The raw practices rows as "line:structure error or practice code". */
  static List<String> practices(Path dir) {
    RawExtracts raw = Ingest.read(spark(), dir);
    return raw.raw().get(Extract.PRACTICES).orderBy(Ingest.LINE).collectAsList().stream()
        .map(r -> r.getLong(r.fieldIndex(Ingest.LINE)) + ":"
            + (r.isNullAt(r.fieldIndex(Ingest.STRUCTURE_ERROR))
                ? r.getString(r.fieldIndex("practice_code"))
                : r.getString(r.fieldIndex(Ingest.STRUCTURE_ERROR))))
        .toList();
  }

  @Test
  void aTrailingBlankLineIsNotARow(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    StringBuilder csv = new StringBuilder(PRACTICES_HEADER);
    for (int i = 1; i <= 18; i++) {
      csv.append(practice(i));
    }
    csv.append("\n"); // the blank line that once made 1 reject in 19 rows, above 5%
    Files.writeString(dir.resolve("practices.csv"), csv, StandardCharsets.UTF_8);
    List<String> rows = practices(dir);
    assertThat(rows).hasSize(18).allMatch(r -> r.matches("\\d+:P\\d{5}"));
  }

  @Test
  void blankAndWhitespaceLinesBetweenRowsAreSkippedWithPhysicalLineNumbers(@TempDir Path dir)
      throws IOException {
    FixtureAccess.full(dir);
    Files.writeString(dir.resolve("practices.csv"),
        PRACTICES_HEADER + practice(1) + "\n  \t\n" + practice(2) + "\r\n" + practice(3),
        StandardCharsets.UTF_8);
    assertThat(practices(dir)).containsExactly("2:P00001", "5:P00002", "7:P00003");
  }

  private static void write(Path f, byte[]... parts) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    Files.write(f, b.toByteArray());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBadByteNearTheStartOrDeepInTheFileGivesTheSameRowReason(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    StringBuilder many = new StringBuilder();
    for (int i = 3; i < 1000; i++) { // some 80 KB: the second bad byte is far past the first 8 KB
      many.append(practice(i));
    }
    byte[] latin1 = "P00002,Caf\u00e9 Surgery,U00001,PCN One,I1,ICC One,Q1,ICP One,2020-01-01,\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    write(dir.resolve("practices.csv"), utf8(PRACTICES_HEADER), latin1, utf8(practice(1)),
        utf8(many.toString()), latin1, utf8(practice(1000)));
    List<String> rows = practices(dir);
    assertThat(rows).hasSize(1001).contains("2:INVALID_ENCODING", "1001:INVALID_ENCODING", "3:P00001",
        "1002:P01000");
    assertThat(rows.stream().filter(r -> r.endsWith("INVALID_ENCODING"))).hasSize(2);
  }

  @Test
  void aHeaderThatIsNotUtf8IsExit4(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    write(dir.resolve("practices.csv"), PRACTICES_HEADER.replace("practice_name", "pr\u00e4ctice_name")
        .getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Ingest.read(spark(), dir))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
        .hasMessage("Cannot read practices.csv: the header line is not valid UTF-8 text; re-export the file as UTF-8");
  }

  @Test
  void aFileThatIsNotTextIsExit4SayingWhatItLooksLike(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    Path f = dir.resolve("practices.csv");
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(utf8(PRACTICES_HEADER + practice(1)));
    }
    Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
    cases.put("it looks like a gzip file", gz.toByteArray());
    cases.put("it looks like a zip archive", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0});
    byte[] nul = new byte[4096];
    System.arraycopy(utf8("practice_code"), 0, nul, 0, 13);
    cases.put("it looks like binary data, not CSV text (4083 of its first 4096 bytes", nul);
    cases.put("it looks like UTF-16 text", PRACTICES_HEADER.getBytes(StandardCharsets.UTF_16));
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Files.write(f, c.getValue());
      assertThatThrownBy(() -> Ingest.read(spark(), dir)).as(c.getKey())
          .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
          .hasMessageStartingWith("Cannot read practices.csv: " + c.getKey())
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void aGzippedCsvReadsAsThePlainFile(@TempDir Path plain, @TempDir Path gz) throws IOException {
    FixtureAccess.full(plain);
    FixtureAccess.full(gz);
    for (String name : List.of("practices", "gp_events")) {
      Path f = gz.resolve(name + ".csv");
      try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz.resolve(name + ".csv.gz")))) {
        out.write(Files.readAllBytes(f));
      }
      Files.delete(f);
    }
    RawExtracts a = Ingest.read(spark(), plain);
    RawExtracts b = Ingest.read(spark(), gz);
    assertThat(b.raw().keySet()).isEqualTo(a.raw().keySet());
    assertThat(b.isCsv(Extract.GP_EVENTS)).isTrue();
    for (Extract e : List.of(Extract.PRACTICES, Extract.GP_EVENTS)) {
      assertThat(rows(b, e)).as(e.fileName()).isNotEmpty()
          .containsExactlyElementsOf(rows(a, e).stream().map(r -> r.replace(".csv,", ".csv.gz,")).toList());
    }
  }

  @Test
  void aTruncatedGzipIsExit4(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    StringBuilder csv = new StringBuilder(PRACTICES_HEADER);
    for (int i = 1; i < 3000; i++) {
      csv.append(practice(i));
    }
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(utf8(csv.toString()));
    }
    byte[] all = gz.toByteArray();
    Files.delete(dir.resolve("practices.csv"));
    Files.write(dir.resolve("practices.csv.gz"), java.util.Arrays.copyOf(all, all.length / 2));
    RawExtracts raw = Ingest.read(spark(), dir);
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> raw.raw().get(Extract.PRACTICES).count());
    StratException se = null;
    for (Throwable c = t; c != null && se == null; c = c.getCause()) {
      se = c instanceof StratException x ? x : null;
    }
    assertThat(se).as("a StratException in %s", t).isNotNull();
    assertThat(se.exitCode()).isEqualTo(ExitCode.INPUT);
    assertThat(se.getMessage()).startsWith("Cannot read practices.csv.gz after line ");
  }

  @Test
  void aFieldOverTheMaximumLengthRejectsItsRow(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    String name1000 = "N".repeat(Checks.MAX_FIELD_CHARS);
    Files.writeString(dir.resolve("practices.csv"), PRACTICES_HEADER
        + practice(1).replace("Practice 1", name1000) // line 2: at the maximum, accepted
        + practice(2).replace("Practice 2", name1000 + "N") // line 3: one over
        + practice(3).replace("Practice 3", "\"" + "N".repeat(1_000_000) + "\"") // line 4: 1 MB
        + practice(4).replace("Practice 4", "N".repeat(2 * Utf8Lines.MAX_LINE_BYTES)) // 5: cut
        + practice(5)
        // line 7: at the maximum in characters, over it in bytes: accepted
        + practice(6).replace("Practice 6", "\u00e9".repeat(Checks.MAX_FIELD_CHARS)),
        StandardCharsets.UTF_8);
    RawExtracts raw = Ingest.read(spark(), dir);
    Validated v = Validate.apply(raw, LocalDate.of(2025, 1, 1), LocalDate.of(2025, 3, 31),
        QualityConfig.defaults());
    Map<Long, String> reasons = new java.util.TreeMap<>();
    for (Row r : v.rejected().where("extract = 'practices'").collectAsList()) {
      reasons.put(r.getLong(3), r.getString(1));
    }
    assertThat(reasons).containsExactly(Map.entry(3L, "FIELD_TOO_LONG"), Map.entry(4L, "FIELD_TOO_LONG"),
        Map.entry(5L, "FIELD_TOO_LONG"));
    assertThat(v.accepted().get(Extract.PRACTICES).count()).isEqualTo(3);
  }

  @Test
  void aFileThatCannotBeOpenedSaysWhyNotJustItsPath(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    Files.delete(dir.resolve("practices.csv"));
    Files.createSymbolicLink(dir.resolve("practices.csv"), dir.resolve("gone.csv")); // dangling
    assertThatThrownBy(() -> Ingest.read(spark(), dir))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT))
        .hasMessage("Cannot read practices.csv: no such file or folder");
  }

  /** Every raw row of an extract as text, sorted by line. */
  private static List<String> rows(RawExtracts raw, Extract e) {
    return raw.raw().get(e).orderBy(Ingest.LINE).collectAsList().stream().map(Row::toString).toList();
  }
}
