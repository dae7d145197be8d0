package org.openstrat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.cohort.CohortDefinition;
import org.openstrat.publish.AvroRecords;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.OutputLock;
import org.openstrat.publish.Pseudonymiser;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/**
 * {@code strat run} end to end over sample-data (or, before it exists, a small generated ICS):
 * cohort sizes, files per PCN, opt-outs, manifest against files, and a byte-identical rerun.
 */
@Tag("slow")
class RunEndToEndTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path input;
  static Path output;
  static Path keyFile;
  static Run first;
  static Run second;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void runTwice() throws IOException {
    spark(); // the shared test session; strat run picks it up
    Path sample = repoRoot().resolve("sample-data");
    if (Files.isRegularFile(sample.resolve("extract.properties"))) {
      input = sample;
    } else {
      input = tmp.resolve("ics");
      Run g = run("generate", "--patients", "400", "--seed", "3", "--out", input.toString(),
          "--extract-date", "2025-03-31");
      assertThat(g.code()).as(g.err()).isZero();
    }
    output = tmp.resolve("out");
    keyFile = tmp.resolve("key");
    Files.writeString(keyFile, "an-end-to-end-test-key-of-enough-length-0123456789\n");
    String[] args = {"run", "--input", input.toString(), "--output", output.toString(),
        "--key-file", keyFile.toString()};
    first = run(args);
    assertThat(first.code()).as(first.err()).isZero();
    // Stage timings only (no data values): the figures for the report.
    first.err().lines().filter(l -> l.startsWith("stage ")).forEach(l -> System.out.println("e2e " + l));
    snapshot = hashes();
    second = run(args);
    assertThat(second.code()).as(second.err()).isZero();
  }

  static Map<String, String> snapshot;

  static Path publication() throws IOException {
    try (Stream<Path> s = Files.list(output)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}")).findFirst().orElseThrow();
    }
  }

  static Map<String, String> hashes() throws IOException {
    Path pub = publication();
    Map<String, String> m = new HashMap<>();
    for (String d : new String[] {"cohort", "cohort_csv", "summary"}) {
      m.put(d, Manifest.sha256Tree(pub.resolve(d)));
    }
    return m;
  }

  @Test
  void manifestNamesTheModelAndSaysItWasNotBacktested() throws IOException {
    JsonNode model = new ObjectMapper().readTree(publication().resolve("manifest.json").toFile())
        .get("admission_model");
    assertThat(model.get("version").asText()).startsWith("admission-");
    assertThat(model.get("sha256").asText()).hasSize(64);
    assertThat(model.get("backtest").asText()).isEqualTo("not backtested");
  }

  @Test
  void progressLinesAndOneLineSummary() {
    assertThat(first.err()).contains("stage validate rows_in=").contains("stage scores rows_in=")
        .contains("stage cohort rows_in=").contains("stage summary rows_in=");
    assertThat(first.out()).startsWith("published ");
  }

  @Test
  void rerunIsByteIdentical() throws IOException {
    assertThat(hashes()).isEqualTo(snapshot);
    try (Stream<Path> s = Files.list(output)) {
      // Nothing hidden is left but the lock file (kept: deleting it would let two runs lock two files).
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList())
          .containsExactly(OutputLock.FILE);
    }
  }

  @Test
  void publicationIsClosedToOtherUsers() throws IOException {
    Path pub = publication();
    org.openstrat.publish.PublishFixtures.assertModes(pub);
    try (Stream<Path> s = Files.walk(pub)) {
      List<String> all = s.map(p -> pub.relativize(p).toString()).toList();
      assertThat(all).anyMatch(p -> p.startsWith("scores/") && p.endsWith(".parquet"))
          .anyMatch(p -> p.startsWith("quality/rejected/") && p.endsWith(".parquet"));
    }
  }

  @Test
  void cohortSizesAreCeilOfFivePercentAndReconcileWithThePopulation() throws IOException {
    Path pub = publication();
    JsonNode report = new ObjectMapper().readTree(pub.resolve("quality/report.json").toFile());
    long population = report.at("/population/population").asLong();
    Map<String, Long> rows = new HashMap<>();
    Map<String, Long> eligible = new HashMap<>();
    for (GenericRecord g : records(pub.resolve("cohort"))) {
      String key = g.get("cohort_level") + "/" + g.get("cohort_group");
      rows.merge(key, 1L, Long::sum);
      eligible.put(key, (Long) g.get("eligible"));
    }
    assertThat(rows).isNotEmpty();
    rows.forEach((k, n) -> assertThat(n).as(k).isEqualTo(CohortDefinition.size(eligible.get(k), 5)));
    long pcnEligible = eligible.entrySet().stream().filter(e -> e.getKey().startsWith("pcn/"))
        .mapToLong(Map.Entry::getValue).sum();
    assertThat(pcnEligible).isEqualTo(population);
  }

  @Test
  void noPatientInAnotherPcnsFileAndOptOutsAbsent() throws IOException {
    Path pub = publication();
    LocalDate asOf = LocalDate.parse(new ObjectMapper().readTree(pub.resolve("manifest.json").toFile()).at("/as_of").asText());
    Map<String, String> practicePcn = new HashMap<>();
    for (CSVRecord r : csv(input.resolve("practices.csv"), false)) {
      LocalDate start = LocalDate.parse(r.get("start_date"));
      String end = r.get("end_date");
      if (!start.isAfter(asOf) && (end.isEmpty() || LocalDate.parse(end).isAfter(asOf))) {
        practicePcn.put(r.get("practice_code"), r.get("pcn_code"));
      }
    }
    Set<String> type1 = new HashSet<>();
    Set<String> national = new HashSet<>();
    for (CSVRecord r : csv(input.resolve("patients.csv"), false)) {
      if (r.get("type1_opt_out").equals("Y")) {
        type1.add(r.get("nhs_number"));
      }
      if (r.get("national_opt_out").equals("Y")) {
        national.add(r.get("nhs_number"));
      }
    }
    long csvRows = 0;
    try (Stream<Path> s = Files.list(pub.resolve("cohort_csv"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".csv")).toList()) {
        String pcn = f.getFileName().toString().replace(".csv", "");
        for (CSVRecord r : csv(f, true)) {
          assertThat(practicePcn.get(r.get("Practice code"))).as(f.toString()).isEqualTo(pcn);
          assertThat(r.get("PCN code")).isEqualTo(pcn);
          assertThat(type1).doesNotContain(r.get("NHS number"));
          csvRows++;
        }
      }
    }
    JsonNode man = new ObjectMapper().readTree(pub.resolve("manifest.json").toFile());
    assertThat(man.at("/outputs/cohort_csv/pcn_rows").asLong()).isEqualTo(csvRows);
    assertThat(man.at("/outputs/cohort/rows").asLong()).isEqualTo(records(pub.resolve("cohort")).size());
    // scores/: pseudonymised, national opt-outs left out
    Pseudonymiser key = Pseudonymiser.resolve(keyFile, Map.of()).orElseThrow();
    var scores = spark().read().parquet(pub.resolve("scores").toString());
    assertThat(scores.columns()).doesNotContain("nhs_number");
    assertThat(man.at("/outputs/scores/rows").asLong()).isEqualTo(scores.count());
    Set<String> ids = new HashSet<>(scores.select("person_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertThat(national).isNotEmpty();
    for (String n : national) {
      assertThat(ids).doesNotContain(key.personId(n));
    }
    for (String n : type1) {
      assertThat(ids).doesNotContain(key.personId(n));
    }
    assertThat(man.at("/pseudonymisation/key_id").asText()).isEqualTo(key.keyId());
    assertThat(Files.readString(pub.resolve("manifest.json"))).doesNotContain("end-to-end-test-key");
    assertThat(first.err() + first.out()).doesNotContain("end-to-end-test-key");
    // every input file hashed and counted
    assertThat(man.at("/inputs").size()).isGreaterThanOrEqualTo(10);
    assertThat(man.at("/inputs/1/rows").asLong()).isPositive();
  }

  static java.util.List<GenericRecord> records(Path dir) throws IOException {
    java.util.List<GenericRecord> out = new java.util.ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList()) {
        try (ParquetReader<GenericRecord> r = AvroRecords.reader(f)) {
          for (GenericRecord g = r.read(); g != null; g = r.read()) {
            out.add(g);
          }
        }
      }
    }
    return out;
  }

  static java.util.List<CSVRecord> csv(Path f, boolean bom) throws IOException {
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      if (bom) {
        assertThat(r.read()).isEqualTo('\uFEFF');
      }
      return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
    }
  }
}
