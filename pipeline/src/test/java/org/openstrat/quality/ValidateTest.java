package org.openstrat.quality;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.testing.SparkTestBase;
import org.openstrat.util.CheckDigits;

/** Every reason code, the windows and the dataset rules on one hand-made input folder. */
class ValidateTest extends SparkTestBase {
  static final LocalDate AS_OF = LocalDate.of(2025, 1, 1);
  static final LocalDate EXTRACT_DATE = LocalDate.of(2025, 3, 31);

  @TempDir static Path dir;
  static Validated v;
  /** "extract:line" -> reason, for every rejected row. */
  static Map<String, String> rejected;

  @BeforeAll
  static void validate() {
    Fixture.full(dir);
    RawExtracts raw = Ingest.read(spark(), dir);
    v = Validate.apply(raw, AS_OF, EXTRACT_DATE, QualityConfig.defaults());
    rejected = new TreeMap<>();
    for (Row r : v.rejected().collectAsList()) {
      rejected.put(r.getString(0) + ":" + r.getLong(3), r.getString(1));
    }
  }

  private static Map<String, String> rejectedOf(Extract e) {
    return rejected.entrySet().stream()
        .filter(en -> en.getKey().startsWith(e.fileName() + ":"))
        .collect(Collectors.toMap(en -> en.getKey(), Map.Entry::getValue, (a, b) -> a,
            TreeMap::new));
  }

  @Test
  void fixtureCodesAreWhatTheyClaim() {
    assertThat(CheckDigits.nhsNumberValid("9434765919")).isTrue();
    assertThat(CheckDigits.nhsNumberValid("9434765918")).isFalse();
    assertThat(CheckDigits.snomedConceptIdValid(Fixture.SNOMED_OK)).isTrue();
    assertThat(CheckDigits.snomedConceptIdValid(Fixture.SNOMED_OK2)).isTrue();
    assertThat(CheckDigits.snomedConceptIdValid(Fixture.DMD_OK)).isTrue();
    assertThat(CheckDigits.snomedConceptIdValid(Fixture.SNOMED_BAD)).isFalse();
    assertThat(CheckDigits.snomedConceptIdValid(Fixture.DMD_BAD)).isFalse();
  }

  @Test
  void patientsEveryFieldDuplicateAndReferenceReason() {
    assertThat(rejectedOf(Extract.PATIENTS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("patients:8", "PRACTICE_WITHOUT_PCN"),
                Map.entry("patients:9", "UNKNOWN_PRACTICE"),
                Map.entry("patients:10", "INVALID_NHS_NUMBER"),
                Map.entry("patients:11", "INVALID_NHS_NUMBER"),
                Map.entry("patients:12", "DATE_BEFORE_1900"),
                Map.entry("patients:13", "UNPARSABLE_DATE"),
                Map.entry("patients:14", "INVALID_VALUE"),
                Map.entry("patients:15", "DUPLICATE_ROW"),
                Map.entry("patients:16", "DUPLICATE_KEY"),
                Map.entry("patients:18", "DATE_AFTER_EXTRACT"),
                Map.entry("patients:19", "MISSING_VALUE")));
  }

  @Test
  void gpEventsStructureWindowsAndReferences() {
    assertThat(rejectedOf(Extract.GP_EVENTS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("gp_events:4", "DATE_AFTER_EXTRACT"),
                Map.entry("gp_events:5", "DATE_BEFORE_1900"),
                Map.entry("gp_events:6", "INVALID_SNOMED"),
                Map.entry("gp_events:7", "SHORT_ROW"),
                Map.entry("gp_events:8", "LONG_ROW"),
                Map.entry("gp_events:9", "UNTERMINATED_QUOTE"),
                Map.entry("gp_events:10", "SHORT_ROW"),
                Map.entry("gp_events:11", "SHORT_ROW"),
                Map.entry("gp_events:12", "UNREGISTERED_PATIENT"),
                Map.entry("gp_events:13", "DUPLICATE_ROW"),
                Map.entry("gp_events:14", "INVALID_VALUE")));
    // Accepted: lines 2, 3 (after as-of, on/before extract date), 15, and 16 (a patient whose own
    // row was rejected is still on the patients extract, so not unregistered).
    assertThat(v.accepted().get(Extract.GP_EVENTS).select(Ingest.LINE).as(
            org.apache.spark.sql.Encoders.LONG()).collectAsList())
        .containsExactlyInAnyOrder(2L, 3L, 15L, 16L);
    List<Row> outside =
        v.labels().get(Extract.GP_EVENTS).where(col(Validate.OUTSIDE_WINDOW)).collectAsList();
    assertThat(outside).hasSize(1);
  }

  @Test
  void rejectedRowsKeepTheirRawText() {
    Row r =
        v.rejected(Extract.GP_EVENTS).where(col(Validate.LINE).equalTo(9)).collectAsList().get(0);
    assertThat(r.getString(2)).isEqualTo("gp_events.csv");
    assertThat(r.getString(4)).isEqualTo("9434765919,\"2024-01-01,73211009,1");
  }

  @Test
  void otherExtractsCodesAndValues() {
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("gp_medications:3", "INVALID_SNOMED"),
            Map.entry("apc_spells:4", "DUPLICATE_KEY"),
            Map.entry("apc_spells:5", "INVALID_ADMISSION_METHOD"),
            Map.entry("apc_spells:6", "INVALID_ICD10"),
            Map.entry("apc_spells:7", "INVALID_ICD10"),
            Map.entry("ae_attendances:3", "INVALID_VALUE"),
            Map.entry("ae_attendances:4", "DUPLICATE_KEY"),
            Map.entry("op_appointments:3", "INVALID_ATTENDANCE_STATUS"),
            Map.entry("social_care:2", "SUPERSEDED_SUBMISSION"),
            Map.entry("social_care:5", "INVALID_VALUE"),
            Map.entry("housing:3", "INVALID_VALUE"),
            Map.entry("housing:4", "INVALID_VALUE"),
            Map.entry("lsoa_deprivation:3", "INVALID_VALUE"));
    Map<String, String> actual = new TreeMap<>(rejected);
    actual.keySet().removeIf(k -> k.startsWith("patients:") || k.startsWith("gp_events:"));
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void socialCareSubmissionSentAfterTheAsOfDateDoesNotSupersedeTheOneCurrentThen() {
    // E09000001 submitted on 2024-06-30 (line 2) and 2024-12-31 (line 3). Scored as of
    // 2024-07-31, the later submission was not yet sent: line 2 is current, not superseded.
    Validated back =
        Validate.apply(Ingest.read(spark(), dir), LocalDate.of(2024, 7, 31), EXTRACT_DATE,
            QualityConfig.defaults());
    List<Long> lines = back.accepted().get(Extract.SOCIAL_CARE)
        .where(col("la_code").equalTo("E09000001"))
        .select(Ingest.LINE).as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
    assertThat(lines).containsExactlyInAnyOrder(2L, 3L);
    assertThat(back.rejected().where(col(Validate.EXTRACT).equalTo("social_care")
            .and(col(Validate.REASON).equalTo("SUPERSEDED_SUBMISSION"))).count())
        .isZero();
    // As of the fixture's date (after both), line 2 is superseded as before.
    assertThat(rejected).containsEntry("social_care:2", "SUPERSEDED_SUBMISSION");
  }

  @Test
  void practiceNameWithAQuotedLineBreakIsValidAndMovedPracticeTakesItsAsOfPcn() {
    Map<String, String> pcn = new TreeMap<>();
    for (Row r : v.practicePcn().collectAsList()) {
      pcn.put(r.getAs("practice_code"), r.getAs("pcn_code"));
    }
    // C00003's mapping ended before the as-of date; B00002 moved to U00002 on 2024-06-01.
    assertThat(pcn).containsExactlyInAnyOrderEntriesOf(Map.of("A00001", "U00001", "B00002", "U00002"));
    Row a = v.accepted().get(Extract.PRACTICES).where(col("practice_code").equalTo("A00001"))
        .collectAsList().get(0);
    assertThat(a.<String>getAs("practice_name")).isEqualTo("Alpha\nSurgery");
    assertThat(rejectedOf(Extract.PRACTICES)).isEmpty();
  }

  @Test
  void multiEpisodeSpellIsMergedWithNormalisedDiagnoses() {
    List<Row> spells =
        v.accepted().get(Extract.APC_SPELLS).orderBy("spell_id").collectAsList();
    assertThat(spells).hasSize(2);
    Row s1 = spells.get(0);
    assertThat(s1.<String>getAs("spell_id")).isEqualTo("S1");
    assertThat(s1.<String>getAs("primary_diagnosis")).isEqualTo("I10");
    assertThat(s1.<java.sql.Date>getAs("discharge_date").toString()).isEqualTo("2024-03-09");
    assertThat(s1.<scala.collection.Seq<String>>getAs("secondary_diagnoses"))
        .isNotNull();
    assertThat(scala.jdk.javaapi.CollectionConverters.asJava(
            s1.<scala.collection.immutable.Seq<String>>getAs("secondary_diagnoses")))
        .containsExactly("E119", "J44", "N183", "R69");
    assertThat(spells.get(1).<String>getAs("primary_diagnosis")).isEqualTo("S062");
    assertThat(v.accepted().get(Extract.APC_SPELLS).schema().apply("secondary_diagnoses")
            .dataType())
        .isEqualTo(Extract.APC_SPELLS.typedSchema().apply("secondary_diagnoses").dataType());
  }

  @Test
  void acceptedDatasetsHaveTheTypedSchema() {
    for (Map.Entry<Extract, org.apache.spark.sql.Dataset<Row>> en : v.accepted().entrySet()) {
      org.apache.spark.sql.types.StructType s = en.getValue().schema();
      for (org.apache.spark.sql.types.StructField f : en.getKey().typedSchema().fields()) {
        assertThat(s.apply(f.name()).dataType()).as(en.getKey() + "." + f.name())
            .isEqualTo(f.dataType());
      }
    }
  }

  @Test
  void repeatedHashesAreFoundOnceEachFromSortedRuns() {
    assertThat(repeated()).isEmpty();
    assertThat(repeated(7L)).isEmpty();
    assertThat(repeated(1L, 2L, 3L)).isEmpty();
    assertThat(repeated(1L, 1L)).containsExactly(1L);
    assertThat(repeated(-5L, -5L, -5L, 0L, 2L, 2L, 9L)).containsExactly(-5L, 2L);
    assertThat(repeated(1L, 2L, 2L)).containsExactly(2L);
    // A partition's values in any order, more than the first array holds.
    List<Long> many = new java.util.ArrayList<>();
    for (long i = 3000; i > 0; i--) {
      many.add(i % 1500 == 7 ? 42L : i);
    }
    List<Long> out = new java.util.ArrayList<>();
    Duplicates.repeatedIn(many.iterator()).forEachRemaining(out::add);
    assertThat(out).containsExactly(42L);
    // On Spark: shuffled and sorted by value first, so copies far apart are found.
    List<Row> hashes = java.util.stream.LongStream.of(4, 8, 15, 16, 23, 42, 15, 4, 4)
        .mapToObj(org.apache.spark.sql.RowFactory::create).map(Row.class::cast).toList();
    org.apache.spark.sql.Dataset<Row> d = spark().createDataFrame(hashes,
        new org.apache.spark.sql.types.StructType().add("h", org.apache.spark.sql.types.DataTypes.LongType));
    assertThat(Duplicates.repeatedHashes(d).collectAsList().stream().map(r -> r.getLong(0)).sorted())
        .containsExactly(4L, 15L);
  }

  private static List<Long> repeated(Long... sorted) {
    List<Long> out = new java.util.ArrayList<>();
    Duplicates.repeatedInOrder(List.of(sorted).iterator()).forEachRemaining(out::add);
    return out;
  }
}
