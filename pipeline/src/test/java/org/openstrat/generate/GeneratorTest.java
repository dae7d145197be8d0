package org.openstrat.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.cli.Strat;
import org.openstrat.ingest.Extract;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/**
 * The generator: byte-identical output for a seed whatever the threads, a ledger that an
 * independent reading of the files agrees with reason by reason, and a population whose shape,
 * prevalences and volumes fall in the ranges docs/generator.md claims.
 */
@Tag("slow")
class GeneratorTest extends SparkTestBase {
  static final LocalDate EXTRACT = LocalDate.of(2026, 3, 31);
  static final LocalDate WINDOW_START = EXTRACT.minusYears(4);

  @TempDir static Path tmp;
  static Path clean;

  static Path rules() {
    return repoRoot().resolve("rules");
  }

  static Generator.Result generate(Path out, int n, long seed, boolean csv, double bad, int threads) {
    return Generator.run(
        new Generator.Options(n, seed, out, csv, EXTRACT, bad, threads, rules()), new PrintWriter(new StringWriter()));
  }

  @BeforeAll
  static void cleanSystem() {
    clean = tmp.resolve("clean-5000");
    generate(clean, 5000, 1, true, 0, 2);
  }

  @Test
  void sameSeedGivesIdenticalBytesWhateverTheThreadCount() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    StringWriter out = new StringWriter();
    CommandLine cl = Strat.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    int code = cl.execute("generate", "--patients", "5000", "--seed", "1", "--out", a.toString(),
        "--extract-date", "2026-03-31", "--bad-rows", "0.005", "--threads", "1", "--rules", rules().toString());
    assertThat(code).isEqualTo(ExitCode.OK);
    assertThat(out.toString()).contains("extract gp_events").contains("generated patients=5000");
    generate(b, 5000, 1, true, 0.005, 3);
    assertIdenticalFolders(a, b);

    Path c = tmp.resolve("c");
    generate(c, 5000, 2, true, 0.005, 2);
    assertThat(Files.mismatch(a.resolve("gp_events.csv"), c.resolve("gp_events.csv"))).as("another seed").isNotEqualTo(-1L);
  }

  @Test
  void parquetIsByteIdenticalAndReadsAsStringColumns() throws IOException {
    Path a = tmp.resolve("pa");
    Path b = tmp.resolve("pb");
    Generator.Result r = generate(a, 1000, 7, false, 0.01, 1);
    generate(b, 1000, 7, false, 0.01, 2);
    assertIdenticalFolders(a, b);
    Dataset<Row> events = spark().read().parquet(a.resolve("gp_events.parquet").toString());
    assertThat(events.count()).isEqualTo(r.rows().get(Extract.GP_EVENTS));
    assertThat(events.schema().fieldNames()).containsExactlyElementsOf(Extract.GP_EVENTS.columns());
    for (StructField f : events.schema().fields()) {
      assertThat(f.dataType()).isEqualTo(DataTypes.StringType);
    }
    // CSV-structural defects are left out of Parquet, and the ledger says so.
    String ledger = Files.readString(a.resolve(Generator.LEDGER));
    assertThat(ledger).contains("gp_events,short_row_skipped_parquet,0,SHORT_ROW,0");
    assertThat(ledger).doesNotContain(",short_row,").doesNotContain(",unterminated_quote,");
  }

  @Test
  void ledgerMatchesAnIndependentReadingOfTheFiles() throws IOException {
    Path out = tmp.resolve("bad");
    generate(out, 2000, 11, true, 0.02, 2);
    ContractChecker checker = new ContractChecker(out, EXTRACT);
    checker.run();
    Map<String, Map<String, Long>> expected = ContractChecker.ledger(out.resolve(Generator.LEDGER));
    Map<String, Map<String, Long>> found = new TreeMap<>();
    checker.counts.forEach((extract, byReason) -> byReason.forEach((reason, n) -> {
      if (!reason.equals("ACCEPTED")) {
        found.computeIfAbsent(extract, k -> new TreeMap<>()).put(reason, n);
      }
    }));
    assertThat(found).isEqualTo(expected);
    // Enough of each kind to mean something.
    assertThat(expected.get("gp_events")).containsKeys("INVALID_NHS_NUMBER", "SHORT_ROW", "LONG_ROW",
        "UNTERMINATED_QUOTE", "DUPLICATE_ROW", "UNREGISTERED_PATIENT", "INVALID_SNOMED", "DATE_AFTER_EXTRACT");
    assertThat(expected.get("patients")).containsKey("UNKNOWN_PRACTICE");
    assertThat(expected.get("social_care")).containsKey("SUPERSEDED_SUBMISSION");
  }

  @Test
  void cleanSystemHasNoDefectsAndValidQuotedFields() throws IOException {
    ContractChecker checker = new ContractChecker(clean, EXTRACT);
    checker.run();
    checker.counts.forEach((extract, byReason) -> byReason.forEach((reason, n) -> {
      if (!reason.equals("ACCEPTED")) {
        assertThat(reason).as(extract).isEqualTo("SUPERSEDED_SUBMISSION");
      }
    }));
    String practices = Files.readString(clean.resolve("practices.csv"));
    assertThat(practices).contains(", ").contains("\nBranch Surgery\"");
  }

  @Test
  void structureHasTwoIcpsTwoIccsPerIcpTwoPcnsPerIccAndPracticesThatMoved() throws IOException {
    List<CSVRecord> practices = read(clean, "practices");
    Map<String, Set<String>> iccsByIcp = new HashMap<>();
    Map<String, Set<String>> pcnsByIcc = new HashMap<>();
    Map<String, Integer> rowsByPractice = new HashMap<>();
    for (CSVRecord r : practices) {
      iccsByIcp.computeIfAbsent(r.get("icp_code"), k -> new HashSet<>()).add(r.get("icc_code"));
      pcnsByIcc.computeIfAbsent(r.get("icc_code"), k -> new HashSet<>()).add(r.get("pcn_code"));
      rowsByPractice.merge(r.get("practice_code"), 1, Integer::sum);
    }
    assertThat(iccsByIcp).hasSizeGreaterThanOrEqualTo(2);
    iccsByIcp.values().forEach(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(2));
    pcnsByIcc.values().forEach(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(2));
    assertThat(rowsByPractice.values()).contains(2);

    // List sizes: practices of a few hundred to a few thousand at N=5000 (the floor of 16
    // practices), about 7,500 at full scale; no practice holds more than 15% of patients.
    Map<String, Integer> sizes = new HashMap<>();
    for (CSVRecord p : read(clean, "patients")) {
      sizes.merge(p.get("practice_code"), 1, Integer::sum);
    }
    assertThat(sizes).hasSize(rowsByPractice.size());
    assertThat(sizes.values()).allSatisfy(n -> assertThat(n).isBetween(150, 750));
  }

  @Test
  void agePyramidIsEnglandLike() throws IOException {
    List<CSVRecord> patients = read(clean, "patients");
    Map<String, Double> share = new TreeMap<>();
    for (CSVRecord p : patients) {
      int age = age(p.get("date_of_birth"));
      String band = age < 18 ? "0-17" : age < 65 ? "18-64" : age < 85 ? "65-84" : "85+";
      share.merge(band, 1.0 / patients.size(), Double::sum);
    }
    // ONS mid-2022 England: 0-17 21%, 18-64 60%, 65-84 16.5%, 85+ 2.5%.
    assertThat(share.get("0-17")).isBetween(0.18, 0.24);
    assertThat(share.get("18-64")).isBetween(0.56, 0.64);
    assertThat(share.get("65-84")).isBetween(0.14, 0.20);
    assertThat(share.get("85+")).isBetween(0.015, 0.04);
  }

  @Test
  void efiDeficitsRiseWithAgeWithinTheDocumentedRanges() throws IOException {
    Map<String, Set<String>> deficitsByCode = new HashMap<>();
    try (Reader in = Files.newBufferedReader(rules().resolve("efi/efi-snomed.csv"))) {
      for (CSVRecord r : CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true).build().parse(in)) {
        deficitsByCode.computeIfAbsent(r.get("snomed_code"), k -> new HashSet<>()).add(r.get("deficit_key"));
      }
    }
    Map<String, String> band = new HashMap<>();
    Map<String, Integer> bandSize = new HashMap<>();
    for (CSVRecord p : read(clean, "patients")) {
      int age = age(p.get("date_of_birth"));
      String b = age < 65 ? "0-64" : age < 75 ? "65-74" : age < 85 ? "75-84" : "85+";
      band.put(p.get("nhs_number"), b);
      bandSize.merge(b, 1, Integer::sum);
    }
    Map<String, Set<String>> has = new HashMap<>();
    for (CSVRecord r : read(clean, "gp_events")) {
      for (String d : deficitsByCode.getOrDefault(r.get("snomed_code"), Set.of())) {
        has.computeIfAbsent(d, k -> new HashSet<>()).add(r.get("nhs_number"));
      }
    }
    // docs/generator.md "eFI deficit prevalence": percent of patients with the deficit coded ever.
    Object[][] ranges = {
      {"hypertension", "0-64", 2, 9}, {"hypertension", "65-74", 24, 40}, {"hypertension", "75-84", 40, 60}, {"hypertension", "85+", 50, 78},
      {"diabetes", "65-74", 11, 24}, {"diabetes", "75-84", 18, 34},
      {"falls", "0-64", 0, 1}, {"falls", "75-84", 7, 18}, {"falls", "85+", 16, 36},
      {"heart-failure", "65-74", 1, 7}, {"heart-failure", "85+", 10, 27},
      {"hearing-loss", "65-74", 9, 20}, {"hearing-loss", "85+", 38, 62},
      {"cognitive-problems", "75-84", 4, 13}, {"cognitive-problems", "85+", 14, 32},
    };
    for (Object[] r : ranges) {
      String deficit = (String) r[0];
      String b = (String) r[1];
      long n = has.getOrDefault(deficit, Set.of()).stream().filter(x -> b.equals(band.get(x))).count();
      double pct = 100.0 * n / bandSize.get(b);
      assertThat(pct).as(deficit + " " + b).isBetween(((Integer) r[2]).doubleValue(), ((Integer) r[3]).doubleValue());
    }
  }

  @Test
  void volumesPerThousandPerYearAreNearTheTargets() throws IOException {
    double personYears = 0;
    int adults = 0;
    for (CSVRecord p : read(clean, "patients")) {
      LocalDate dob = LocalDate.parse(p.get("date_of_birth"));
      LocalDate start = max(max(WINDOW_START, dob), LocalDate.parse(p.get("registration_start")));
      LocalDate end = p.get("registration_end").isEmpty() ? EXTRACT : LocalDate.parse(p.get("registration_end"));
      personYears += Math.max(0, end.toEpochDay() - start.toEpochDay()) / 365.25;
      if (age(p.get("date_of_birth")) >= 18) {
        adults++;
      }
    }
    double k = 1000 / personYears;
    assertThat(inWindow("gp_events", "event_date") * k).isBetween(10_000.0, 14_000.0);
    assertThat(inWindow("gp_medications", "issue_date") * k).isBetween(12_500.0, 17_500.0);
    assertThat(inWindow("ae_attendances", "arrival_date") * k).isBetween(320.0, 480.0);
    assertThat(inWindow("op_appointments", "appointment_date") * k).isBetween(1_500.0, 2_100.0);
    Map<String, String> methodBySpell = new HashMap<>();
    for (CSVRecord r : read(clean, "apc_spells")) {
      if (inWindow(r.get("admission_date"))) {
        methodBySpell.putIfAbsent(r.get("spell_id"), r.get("admission_method"));
      }
    }
    long elective = methodBySpell.values().stream().filter(m -> m.startsWith("1")).count();
    long emergency = methodBySpell.values().stream().filter(m -> m.startsWith("2")).count();
    assertThat(elective * k).isBetween(75.0, 125.0);
    assertThat(emergency * k).isBetween(100.0, 160.0);
    Set<String> socialCare = new HashSet<>();
    read(clean, "social_care").forEach(r -> socialCare.add(r.get("nhs_number")));
    assertThat(socialCare.size() / (double) adults).isBetween(0.012, 0.03);
    Set<String> housing = new HashSet<>();
    read(clean, "housing").forEach(r -> housing.add(r.get("nhs_number")));
    assertThat(housing.size() / 5000.0).isGreaterThan(1 / 3.0);
  }

  private static long inWindow(String extract, String column) throws IOException {
    return read(clean, extract).stream().filter(r -> inWindow(r.get(column))).count();
  }

  private static boolean inWindow(String iso) {
    LocalDate d = LocalDate.parse(iso);
    return d.isAfter(WINDOW_START) && !d.isAfter(EXTRACT);
  }

  private static LocalDate max(LocalDate a, LocalDate b) {
    return a.isAfter(b) ? a : b;
  }

  private static int age(String dob) {
    return java.time.Period.between(LocalDate.parse(dob), EXTRACT).getYears();
  }

  static List<CSVRecord> read(Path dir, String extract) throws IOException {
    try (Reader in = Files.newBufferedReader(dir.resolve(extract + ".csv"))) {
      return new ArrayList<>(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in).getRecords());
    }
  }

  static void assertIdenticalFolders(Path a, Path b) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(a)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Path other = b.resolve(a.relativize(f).toString());
      assertThat(Files.mismatch(f, other)).as(a.relativize(f).toString()).isEqualTo(-1L);
    }
    try (Stream<Path> s = Files.walk(b)) {
      assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(files.size());
    }
  }
}
