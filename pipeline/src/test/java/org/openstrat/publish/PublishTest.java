package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.ScoresFixture;
import org.openstrat.testing.SparkTestBase;

@Tag("slow")
class PublishTest extends SparkTestBase {
  @TempDir Path tmp;

  private record Published(Publisher.Result result, String err) {}

  private Published publish(Path out, Dataset<Row> scores, LocalDate asOf, Optional<Pseudonymiser> key) {
    return publish(PublishFixtures.request(out, scores, asOf, key));
  }

  private Published publish(Publisher.Request req) {
    StringWriter err = new StringWriter();
    String runId = "test-" + System.nanoTime();
    Manifest m = new Manifest(runId).put("as_of", req.asOf().toString());
    Publication pub = Publication.begin(req.output(), req.asOf(), runId);
    try {
      return new Published(Publisher.publish(req, pub, new Progress(new PrintWriter(err), m)), err.toString());
    } catch (RuntimeException e) {
      pub.abandon();
      throw e;
    }
  }

  // ---- Excel-safe CSV -------------------------------------------------------------------------

  @Test
  void csvCellsThatExcelWouldRunAreNeutralised() throws IOException {
    assertThat(ExcelCsv.text("=cmd|' /C calc'!A0")).isEqualTo("'=cmd|' /C calc'!A0");
    assertThat(ExcelCsv.text("+1")).isEqualTo("'+1");
    assertThat(ExcelCsv.text("-1")).isEqualTo("'-1");
    assertThat(ExcelCsv.text("@SUM(A1:A9)")).isEqualTo("'@SUM(A1:A9)");
    assertThat(ExcelCsv.text("\tx")).isEqualTo("'\tx");
    assertThat(ExcelCsv.text("\rx")).isEqualTo("'\rx");
    assertThat(ExcelCsv.text("Frailty = high")).isEqualTo("Frailty = high"); // only a leading char
    assertThat(ExcelCsv.text(null)).isEmpty();
    assertThat(ExcelCsv.number(-1)).isEqualTo("-1"); // a number stays a number
    assertThat(ExcelCsv.number(12.50)).isEqualTo("12.5");
    Path f = tmp.resolve("x.csv");
    try (ExcelCsv w = ExcelCsv.create(f, List.of("Name", "Note"))) {
      w.row(List.of(ExcelCsv.text("a,b"), ExcelCsv.text("say \"hi\"\nthere")));
      w.row(List.of(ExcelCsv.text("=1+1"), ExcelCsv.text("\r=2")));
    }
    byte[] b = Files.readAllBytes(f);
    assertThat(b[0] & 0xff).isEqualTo(0xEF);
    assertThat(b[1] & 0xff).isEqualTo(0xBB);
    assertThat(b[2] & 0xff).isEqualTo(0xBF);
    assertThat(new String(b, StandardCharsets.UTF_8))
        .isEqualTo("\uFEFFName,Note\r\n\"a,b\",\"say \"\"hi\"\"\nthere\"\r\n'=1+1,\"'\r=2\"\r\n");
  }

  @Test
  void disclosureSuppressesOneToSevenAndRoundsTheRestToFive() {
    assertThat(Disclosure.count(0)).isEqualTo("0");
    for (int i = 1; i <= 7; i++) {
      assertThat(Disclosure.count(i)).as("%d", i).isEqualTo("*");
    }
    assertThat(Disclosure.count(8)).isEqualTo("10");
    assertThat(Disclosure.count(12)).isEqualTo("10");
    assertThat(Disclosure.count(13)).isEqualTo("15");
    assertThat(Disclosure.count(100)).isEqualTo("100");
    assertThat(Disclosure.count(1002)).isEqualTo("1000");
    assertThatThrownBy(() -> Disclosure.count(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void codesHoldingPathSeparatorsCannotNameAFile() {
    Path dir = tmp.resolve("cohort_csv");
    for (String bad : List.of("../U00001", "U00001/../../x", "/etc/passwd", "U0000", "u00001",
        "U00001\u0000", "..", "U00001.csv", "")) {
      assertThatThrownBy(() -> SafeNames.child(dir, SafeNames.PCN, "PCN", bad, ".csv"))
          .as(bad)
          .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.PUBLISH));
    }
    for (String bad : List.of("../ICC1", "a/b", ".hidden", "x\\y")) {
      assertThatThrownBy(() -> SafeNames.child(dir, SafeNames.ICC, "ICC", bad, ".csv")).as(bad)
          .isInstanceOf(StratException.class);
    }
    assertThat(SafeNames.child(dir, SafeNames.PCN, "PCN", "U12345", ".csv")).isEqualTo(dir.resolve("U12345.csv"));
  }

  @Test
  void aTraversingPcnCodeFailsThePublicationAndWritesNothingOutside() throws IOException {
    ScoresFixture f = new ScoresFixture();
    f.add(ScoresFixture.nhs(1), "A00001", "../../evil", "ICC01", 70, 0.5, 0.3, "moderate", 2.0);
    f.add(ScoresFixture.nhs(2), "A00001", "U00001", "../icc", 70, 0.5, 0.3, "moderate", 2.0);
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> publish(out, f.toDataset(spark()), PublishFixtures.AS_OF, Optional.empty()))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.PUBLISH))
        .hasMessageContaining("does not match");
    try (Stream<Path> s = Files.walk(tmp)) {
      assertThat(s.map(p -> tmp.relativize(p).toString()).toList())
          .noneMatch(p -> p.contains("evil") || p.contains("icc.csv"));
    }
    assertThat(out.resolve(PublishFixtures.AS_OF.toString())).doesNotExist();
    // A PCN *name* with ../ is only ever data.
    ScoresFixture g = new ScoresFixture();
    g.add(ScoresFixture.nhs(1), "A00001", "U00001", "ICC01", 70, 0.5, 0.3, "moderate", 2.0);
    Dataset<Row> ds = g.toDataset(spark()).withColumn("pcn_name", org.apache.spark.sql.functions.lit("../../x/"));
    publish(out, ds, PublishFixtures.AS_OF, Optional.empty());
    assertThat(out.resolve("2025-04-01/cohort_csv/U00001.csv")).exists();
  }

  // ---- Whole publication ----------------------------------------------------------------------

  @Test
  void publicationIsReadableWithoutSparkAndMatchesItsManifest() throws Exception {
    Path out = tmp.resolve("out");
    Published p = publish(out, PublishFixtures.scores(spark(), 0), PublishFixtures.AS_OF, Optional.empty());
    Path pub = out.resolve("2025-04-01");
    assertThat(pub.resolve("_SUCCESS")).exists();
    assertThat(pub.resolve("manifest.json")).exists();
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(x -> x.getFileName().toString()).toList()).containsExactlyInAnyOrder("2025-04-01", OutputLock.FILE);
    }
    // No key: scores/ skipped with a message, recorded in the manifest.
    assertThat(pub.resolve("scores")).doesNotExist();
    assertThat(p.err()).contains("no pseudonymisation key").contains("scores/ not written");
    JsonNode man = new ObjectMapper().readTree(pub.resolve("manifest.json").toFile());
    assertThat(man.at("/pseudonymisation/scores_output").asText()).startsWith("skipped");
    assertThat(man.at("/outcome").asText()).isEqualTo("published");

    // Parquet read back with parquet-avro only, against the published schema.
    Schema docs = new Schema.Parser().parse(SparkTestBase.repoRoot().resolve("docs/cohort-record.avsc").toFile());
    assertThat(docs).isEqualTo(AvroRecords.COHORT);
    Map<String, Long> perFile = new HashMap<>();
    List<GenericRecord> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(pub.resolve("cohort"))) {
      for (Path f : s.filter(x -> x.toString().endsWith(".parquet")).sorted().toList()) {
        try (ParquetReader<GenericRecord> r = AvroRecords.reader(f)) {
          for (GenericRecord g = r.read(); g != null; g = r.read()) {
            assertThat(g.getSchema().getFields().stream().map(Schema.Field::name).toList())
                .isEqualTo(docs.getFields().stream().map(Schema.Field::name).toList());
            assertThat(f.getParent().getFileName().toString()).isEqualTo("pcn_code=" + g.get("pcn_code"));
            perFile.merge(f.getParent().getFileName().toString(), 1L, Long::sum);
            all.add(g);
          }
        }
      }
    }
    // ceil(5% of 30) = 2 and ceil(5% of 21) = 2 per PCN; per ICC the same lists.
    assertThat(perFile).containsOnlyKeys("pcn_code=U00001", "pcn_code=U00002");
    assertThat(all).hasSize(8);
    assertThat(man.at("/outputs/cohort/rows").asLong()).isEqualTo(all.size());
    assertThat(man.at("/outputs/cohort_csv/pcn_rows").asLong()).isEqualTo(4);
    assertThat(man.at("/outputs/cohort_csv/icc_rows").asLong()).isEqualTo(4);
    assertThat(all.get(0).get("as_of")).isEqualTo(PublishFixtures.AS_OF); // date logical type
    // One unit per measure: the Parquet risk is a probability (as in scores/), the CSV a percentage.
    assertThat(docs.getField("admission_risk_pct")).isNull();
    assertThat(all).allSatisfy(g -> assertThat((Double) g.get("admission_risk")).isBetween(0.0, 1.0));

    // Spark reads the partitioned folder too (pcn_code is both in the files and the folder name).
    assertThat(spark().read().parquet(pub.resolve("cohort").toString()).count()).isEqualTo(8);

    // CSV: one per PCN, sorted by rank, injection neutralised in the factor columns.
    List<String> lines = Files.readAllLines(pub.resolve("cohort_csv/U00001.csv"));
    assertThat(lines.get(0)).startsWith("\uFEFFRank,Status,NHS number,Date of birth");
    String csv = Files.readString(pub.resolve("cohort_csv/U00001.csv"));
    assertThat(csv).contains(",'=cmd|' /C calc'!A0,'-1 admissions,'@SUM(A1),").doesNotContain(",=cmd");
    assertThat(csv.split("\r\n")).hasSize(3);
    assertThat(csv.split("\r\n")[1]).startsWith("1,new,");
    assertThat(csv.split("\r\n")[2]).startsWith("2,new,");
    String csv2 = Files.readString(pub.resolve("cohort_csv/U00002.csv"));
    assertThat(csv2).contains("\"Lives alone, \"\"no carer\"\"\"").contains("\"'+1 line\r\nbreak\"");
    assertThat(pub.resolve("cohort_csv/icc/ICC01.csv")).exists();
    assertThat(pub.resolve("cohort_csv/icc/ICC02.csv")).exists();
    // dates as dates
    assertThat(lines.get(1)).matches("1,new,\\d{10},\\d{4}-\\d{2}-\\d{2},.*");

    // Summary: suppressed; no raw count 1-7 anywhere.
    List<String> summary = Files.readAllLines(pub.resolve("summary/summary.csv"));
    assertThat(summary.get(0)).isEqualTo("\uFEFFlevel,code,measure,category,count,suppressed");
    // A planning output: U00001's 6 national opt-outs are left out (30 - 6 = 24 -> 25).
    // A suppressed count is an empty count flagged suppressed: the count column stays numeric.
    assertThat(summary).contains("pcn,U00001,patients,all,25,false", "pcn,U00002,patients,all,20,false",
        "practice,A00001,patients,all,10,false", "pcn,U00001,cohort:top5_admission_risk:pcn,new,,true");
    for (String l : summary.subList(1, summary.size())) {
      assertThat(l).as(l).matches(".*,(0|[0-9]*[05]),false|.*,,true").doesNotContain("*");
    }
    // The report reads the flag back as a suppressed count.
    assertThat(RunReport.Facts.read(pub, PublishFixtures.AS_OF).summary())
        .anySatisfy(r -> assertThat(r).containsExactly("pcn", "U00001", "cohort:top5_admission_risk:pcn", "new", "*"))
        .anySatisfy(r -> assertThat(r).containsExactly("pcn", "U00001", "patients", "all", "25"));
  }

  @Test
  void rerunForTheSameDateIsByteIdenticalAndReplacesTheOldOne() throws Exception {
    Path out = tmp.resolve("out");
    publish(out, PublishFixtures.scores(spark(), 0), PublishFixtures.AS_OF, Optional.empty());
    Path pub = out.resolve("2025-04-01");
    String cohort1 = Manifest.sha256Tree(pub.resolve("cohort"));
    String csv1 = Manifest.sha256Tree(pub.resolve("cohort_csv"));
    String sum1 = Manifest.sha256Tree(pub.resolve("summary"));
    String run1 = new ObjectMapper().readTree(pub.resolve("manifest.json").toFile()).at("/run_id").asText();
    publish(out, PublishFixtures.scores(spark(), 0).repartition(3), PublishFixtures.AS_OF, Optional.empty());
    assertThat(Manifest.sha256Tree(pub.resolve("cohort"))).isEqualTo(cohort1);
    assertThat(Manifest.sha256Tree(pub.resolve("cohort_csv"))).isEqualTo(csv1);
    assertThat(Manifest.sha256Tree(pub.resolve("summary"))).isEqualTo(sum1);
    assertThat(new ObjectMapper().readTree(pub.resolve("manifest.json").toFile()).at("/run_id").asText())
        .isNotEqualTo(run1);
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(x -> x.getFileName().toString()).toList()).containsExactlyInAnyOrder("2025-04-01", OutputLock.FILE);
    }
  }

  @Test
  void nextDaysRunMarksContinuingAndListsLeavers() throws Exception {
    Path out = tmp.resolve("out");
    publish(out, PublishFixtures.scores(spark(), 0), PublishFixtures.AS_OF, Optional.empty());
    // Next day: patient 29 (top of U00001) is gone; everyone else keeps their scores.
    Dataset<Row> next = PublishFixtures.scores(spark(), 0).filter("nhs_number <> '" + ScoresFixture.nhs(29) + "'");
    publish(out, next, PublishFixtures.AS_OF.plusDays(1), Optional.empty());
    Path pub = out.resolve("2025-04-02");
    JsonNode man = new ObjectMapper().readTree(pub.resolve("manifest.json").toFile());
    assertThat(man.at("/previous_publication").asText()).isEqualTo("2025-04-01");
    String csv = Files.readString(pub.resolve("cohort_csv/U00001.csv"));
    assertThat(csv.split("\r\n")[1]).startsWith("1,continuing,");
    assertThat(csv.split("\r\n")[2]).startsWith("2,new,");
    String left = Files.readString(pub.resolve("cohort_csv/left/U00001.csv"));
    assertThat(left.split("\r\n")).hasSize(2);
    assertThat(left).contains(ScoresFixture.nhs(29)).contains("No longer registered");
    assertThat(man.at("/outputs/cohort_left/rows").asLong()).isEqualTo(2); // pcn and icc lists
    // cohort_left/ carries the run's date, like every Parquet output.
    try (Stream<Path> s = Files.walk(pub.resolve("cohort_left"))) {
      for (Path f : s.filter(x -> x.toString().endsWith(".parquet")).toList()) {
        try (ParquetReader<GenericRecord> r = AvroRecords.reader(f)) {
          GenericRecord g = r.read();
          assertThat(g.get("as_of")).isEqualTo(PublishFixtures.AS_OF.plusDays(1));
        }
      }
    }
  }

  @Test
  void aPreviousPublicationWithThePercentRecordReadsAsAProbability() throws Exception {
    // Publications before the record carried admission_risk had admission_risk_pct (percent).
    Path old = tmp.resolve("2025-03-31");
    spark().sql("select 'c' as cohort, 'pcn' as cohort_level, 'U00001' as cohort_group, 1 as rank,"
            + " '9434765919' as nhs_number, 61.3d as admission_risk_pct")
        .write().parquet(old.resolve("cohort/pcn_code=U00001").toString());
    Dataset<Row> prev = Previous.cohort(spark(), old);
    assertThat(prev.columns()).contains("admission_risk").doesNotContain("admission_risk_pct");
    assertThat(prev.first().<Double>getAs("admission_risk")).isCloseTo(0.613, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void withAKeyScoresArePseudonymisedAndNationalOptOutsExcluded() throws Exception {
    Path out = tmp.resolve("out");
    Pseudonymiser key = PublishFixtures.key();
    publish(out, PublishFixtures.scores(spark(), 0), PublishFixtures.AS_OF, Optional.of(key));
    Path scores = out.resolve("2025-04-01/scores");
    Dataset<Row> s = spark().read().parquet(scores.toString());
    assertThat(s.columns()).contains("person_id").doesNotContain("nhs_number", "date_of_birth", "national_opt_out");
    // as_of in every row, a date: several nights read together keep their dates.
    assertThat(s.schema().apply("as_of").dataType()).isEqualTo(org.apache.spark.sql.types.DataTypes.DateType);
    assertThat(s.select("as_of").distinct().as(org.apache.spark.sql.Encoders.DATE()).collectAsList())
        .containsExactly(java.sql.Date.valueOf(PublishFixtures.AS_OF));
    assertThat(s.count()).isEqualTo(51 - 6); // i % 5 == 0 for i < 30 are opted out
    List<String> ids = s.select("person_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(ids).contains(key.personId(ScoresFixture.nhs(1))).doesNotContain(key.personId(ScoresFixture.nhs(0)));
    assertThat(ids).allSatisfy(id -> assertThat(id).matches("[0-9a-f]{64}"));
    try (Stream<Path> f = Files.list(scores)) {
      assertThat(f.map(x -> x.getFileName().toString()).toList())
          .allMatch(n -> n.matches("part-\\d{5}\\.snappy\\.parquet"));
    }
    JsonNode man = new ObjectMapper().readTree(out.resolve("2025-04-01/manifest.json").toFile());
    assertThat(man.at("/pseudonymisation/key_id").asText()).isEqualTo(key.keyId()).hasSize(8);
    assertThat(man.at("/outputs/scores/rows").asLong()).isEqualTo(45);
    assertThat(Files.readString(out.resolve("2025-04-01/manifest.json"))).doesNotContain("test-key");
  }

  @Test
  void keyResolution() throws IOException {
    assertThat(Pseudonymiser.resolve(null, Map.of())).isEmpty();
    Path kf = tmp.resolve("key");
    Files.writeString(kf, "k".repeat(40) + "\n");
    Pseudonymiser fromFile = Pseudonymiser.resolve(kf, Map.of()).orElseThrow();
    Pseudonymiser fromEnvFile = Pseudonymiser.resolve(null, Map.of("STRAT_PSEUDO_KEY_FILE", kf.toString())).orElseThrow();
    Pseudonymiser fromEnv = Pseudonymiser.resolve(null, Map.of("STRAT_PSEUDO_KEY", "k".repeat(40))).orElseThrow();
    assertThat(fromFile.keyId()).isEqualTo(fromEnv.keyId()).isEqualTo(fromEnvFile.keyId());
    // RFC 4231-style known answer: HMAC-SHA256 is what we claim.
    assertThat(fromEnv.personId("9434765919")).hasSize(64).isNotEqualTo(fromEnv.personId("9434765870"));
    assertThatThrownBy(() -> Pseudonymiser.resolve(null, Map.of("STRAT_PSEUDO_KEY", "short")))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG))
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> Pseudonymiser.resolve(tmp.resolve("nope"), Map.of()))
        .isInstanceOf(StratException.class);
  }

  @Test
  void aPracticeInTheWrongPcnFailsTheCheckAndNothingIsPublished() throws IOException {
    Path out = tmp.resolve("out");
    Map<String, String> wrong = new HashMap<>(PublishFixtures.PRACTICE_TO_PCN);
    wrong.put("A00002", "U00002"); // the as-of mapping disagrees with the scores table
    Publisher.Request req =
        new Publisher.Request(out, PublishFixtures.AS_OF, PublishFixtures.scores(spark(), 0), null,
            CohortConfig.defaults(), wrong, Optional.empty(), List.of());
    assertThatThrownBy(() -> publish(req))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.PUBLISH))
        .hasMessageContaining("not in that PCN on the as-of date");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(x -> x.getFileName().toString()).toList()).containsExactly(OutputLock.FILE);
    }
  }

  @Test
  void theRunsScratchFolderIsNeverPublishedAndIsDeletedWhateverTheOutcome() throws IOException {
    Path out = tmp.resolve("scratch");
    LocalDate d = PublishFixtures.AS_OF;
    Publication committed = Publication.begin(out, d, "r1");
    Files.createDirectories(committed.work().resolve("gp_events"));
    assertThat(committed.work().getFileName().toString()).startsWith(".staging-r1");
    committed.commit();
    assertThat(committed.work()).doesNotExist();
    assertThat(committed.target().resolve(committed.work().getFileName())).doesNotExist();

    Publication failed = Publication.begin(out, d, "r2");
    Files.createDirectories(failed.work().resolve("gp_events"));
    failed.abandon();
    assertThat(failed.work()).doesNotExist();

    // A killed run leaves its staging and scratch folders (and its lock is gone with it): the next
    // run's start deletes them.
    Path killed = out.resolve(".staging-r3.work");
    Files.createDirectories(killed.resolve("gp_events"));
    Files.createDirectories(out.resolve(".staging-r3"));
    Publication.begin(out, d, "r4").abandon();
    assertThat(killed).doesNotExist();
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(d.toString(), OutputLock.FILE);
    }
  }

  @Test
  void publicationsAreClosedToOtherUsersWhateverTheUmask() throws IOException {
    // This JVM's umask (022 here) leaves what Java writes world-readable; Hadoop's umask is set to
    // 000 for the run so that Spark's files are world-writable too: the worst case.
    Path control = Files.createFile(tmp.resolve("control"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.getPosixFilePermissions(control).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
        "a umask that leaves files world-readable (022)");
    org.apache.hadoop.conf.Configuration hc = spark().sparkContext().hadoopConfiguration();
    String was = hc.get("fs.permissions.umask-mode");
    hc.set("fs.permissions.umask-mode", "000");
    Path out = tmp.resolve("modes");
    try {
      publish(out, PublishFixtures.scores(spark(), 0), PublishFixtures.AS_OF, Optional.of(PublishFixtures.key()));
    } finally {
      if (was == null) {
        hc.unset("fs.permissions.umask-mode");
      } else {
        hc.set("fs.permissions.umask-mode", was);
      }
    }
    PublishFixtures.assertModes(out.resolve("2025-04-01"));
  }

  @Test
  void recoveryTouchesOnlyRealFoldersARunMade() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("planted"));
    LocalDate d = PublishFixtures.AS_OF;
    // Outside OUTPUT: a folder that looks like a publication, and one that looks like staging.
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createFile(elsewhere.resolve("_SUCCESS"));
    Files.writeString(elsewhere.resolve("secret.csv"), "not strat's\n");
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("keep.txt"), "keep\n");
    Path replacedLink = out.resolve(".replaced-" + d + "-20250101T000000Z-abcdef");
    Files.createSymbolicLink(replacedLink, elsewhere);
    Path stagingLink = out.resolve(".staging-20250101T000000Z-abcdef");
    Files.createSymbolicLink(stagingLink, other);
    // A real aside folder of another date without _SUCCESS: not a publication to put back.
    Path notAPublication = Files.createDirectories(out.resolve(".replaced-2025-03-01-r0"));
    // A real one that is: put back as before.
    Path aside = Files.createDirectories(out.resolve(".replaced-2025-02-01-r0"));
    Files.createFile(aside.resolve("_SUCCESS"));
    Files.createDirectories(aside.resolve("cohort"));

    Publication pub = Publication.begin(out, d, "r1");
    pub.abandon();

    assertThat(out.resolve(d.toString())).as("no date folder made from a link").doesNotExist();
    assertThat(Files.isSymbolicLink(replacedLink)).isTrue();
    assertThat(Files.isSymbolicLink(stagingLink)).isTrue();
    assertThat(elsewhere.resolve("secret.csv")).exists();
    assertThat(other.resolve("keep.txt")).exists();
    assertThat(notAPublication).exists();
    assertThat(out.resolve("2025-02-01/_SUCCESS")).exists();
    assertThat(pub.leftAlone()).hasSize(3)
        .anyMatch(n -> n.startsWith(replacedLink.getFileName() + " (a symbolic link"))
        .anyMatch(n -> n.startsWith(stagingLink.getFileName() + " (a symbolic link"))
        .anyMatch(n -> n.startsWith(".replaced-2025-03-01-r0 (no _SUCCESS"));
    // Nor is a date-named link taken for the previous publication.
    Files.createSymbolicLink(out.resolve("2025-03-31"), elsewhere);
    Files.createDirectories(elsewhere.resolve("cohort"));
    assertThat(Previous.find(out, d)).contains(out.resolve("2025-02-01"));
  }

  @Test
  void anOutputFolderThisUserCannotWriteSaysWhyAndWhatToDo() {
    // Root writes anywhere, so the permission case is built from the exception Java raises.
    StratException e = OutputLock.cannotWrite(Path.of("/data/out"),
        new java.nio.file.AccessDeniedException("/data/out"));
    assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(e.getMessage()).isEqualTo("Cannot write to output folder /data/out: permission denied (user "
        + System.getProperty("user.name") + "); give --output a folder this user can create and write");
  }

  @Test
  void aLiveRunsStagingIsNeverTouchedByASecondRun() throws IOException {
    Path out = tmp.resolve("two");
    LocalDate d = PublishFixtures.AS_OF;
    Publication live = Publication.begin(out, d, "live");
    Files.writeString(live.staging().resolve("part"), "x");
    assertThatThrownBy(() -> Publication.begin(out, d, "second"))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.LOCKED))
        .hasMessageContaining("another run holds the lock " + out.resolve(OutputLock.FILE))
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
    assertThat(live.staging().resolve("part")).exists();
    assertThat(out.resolve(".staging-second")).doesNotExist();
    live.abandon();
    Publication.begin(out, d, "third").abandon(); // free again
  }

  @Test
  void aPublicationMissingAPartFailsBeforeSuccess() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("staged"));
    Files.createDirectories(root.resolve("cohort"));
    Files.writeString(root.resolve("manifest.json"), "{}");
    Files.createFile(root.resolve("report.json")); // empty
    assertThatThrownBy(() -> PublishCheck.complete(root, List.of("cohort", "manifest.json", "report.json", "summary")))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.PUBLISH))
        .hasMessageContaining("lacks report.json, summary");
    PublishCheck.complete(root, List.of("cohort", "manifest.json"));
  }
}
