package org.openstrat.cli;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.publish.AvroRecords;
import org.openstrat.publish.Pseudonymiser;
import org.openstrat.testing.SparkTestBase;

/**
 * Case-finding over two publications of the sample data a month apart: rising risk ranked from the
 * earlier publication's scores, capacity-sized lists, and the admission register of every PCN and
 * ICC, byte-identical on rerun. (Three sample-data runs: about two minutes.)
 */
@Tag("slow")
class CaseFindingSampleTest extends SparkTestBase {
  static final String KEY = "a-case-finding-test-key-of-enough-length-0123456789";
  static final LocalDate EARLIER = LocalDate.of(2026, 2, 28);
  static final LocalDate LATER = LocalDate.of(2026, 3, 31); // the sample's extract date
  static final int CAPACITY = 20;

  @TempDir static Path tmp;
  static Path output;
  static RunEndToEndTest.Run first;
  static RunEndToEndTest.Run second;
  static Map<Path, byte[]> registerBytes;
  static Map<Path, byte[]> registerBytesRerun;

  @BeforeAll
  static void publishAMonthApartThenRerun() throws IOException {
    spark();
    Path input = repoRoot().resolve("sample-data");
    output = tmp.resolve("out");
    Path key = Files.writeString(tmp.resolve("key"), KEY + "\n");
    Path config =
        Files.writeString(
            tmp.resolve("run.properties"),
            String.join("\n",
                "cohort.top5_admission_risk.top_percent=5",
                "cohort.rising.rank_by=risk_rise",
                "cohort.rising.top_n=" + CAPACITY,
                "cohort.rising.per=pcn,icc",
                "cohort.risk_rise_days=28",
                "register.window_days=30", ""));
    String[] common = {"run", "--input", input.toString(), "--output", output.toString(),
        "--key-file", key.toString(), "--config", config.toString(), "--as-of"};
    first = RunEndToEndTest.run(concat(common, EARLIER.toString()));
    assertThat(first.code()).as(first.err()).isZero();
    second = RunEndToEndTest.run(concat(common, LATER.toString()));
    assertThat(second.code()).as(second.err()).isZero();
    registerBytes = bytes(pub(LATER));
    RunEndToEndTest.Run again = RunEndToEndTest.run(concat(common, LATER.toString()));
    assertThat(again.code()).as(again.err()).isZero();
    registerBytesRerun = bytes(pub(LATER));
  }

  @Test
  void risingRiskListsFollowTheRiseSinceThePublicationAMonthBefore() throws IOException {
    // The first run has nothing 28 days older: its rising lists are empty, and it says why.
    assertThat(manifest(EARLIER).at("/risk_rise/why_none").asText()).contains("no complete publication");
    assertThat(cohortRows(EARLIER, "rising")).isEmpty();
    assertThat(first.err()).contains("risk_rise:");

    JsonNode rise = manifest(LATER).path("risk_rise");
    assertThat(rise.path("comparison_publication").asText()).isEqualTo(EARLIER.toString());
    assertThat(rise.path("days_apart").asLong()).isEqualTo(31);

    // The rise worked out independently, from the two pseudonymised scores/ outputs.
    Map<String, Double> then = risks(EARLIER);
    Map<String, Double> now = risks(LATER);
    Pseudonymiser p = Pseudonymiser.ofKey(KEY.getBytes(StandardCharsets.UTF_8));
    List<GenericRecord> rising = cohortRows(LATER, "rising");
    List<GenericRecord> top5 = cohortRows(LATER, "top5_admission_risk");
    Map<String, List<GenericRecord>> lists = new TreeMap<>();
    rising.forEach(r -> lists.computeIfAbsent(r.get("cohort_level") + ":" + r.get("cohort_group"), k -> new ArrayList<>()).add(r));
    Map<String, Long> population = new TreeMap<>();
    top5.forEach(r -> population.put(r.get("cohort_level") + ":" + r.get("cohort_group"), (Long) r.get("eligible")));
    assertThat(lists.keySet()).isEqualTo(population.keySet()); // a rising list for every list

    JsonNode notRanked = rise.path("not_ranked_without_earlier_score");
    long notRankedTotal = 0;
    for (Map.Entry<String, List<GenericRecord>> e : lists.entrySet()) {
      List<GenericRecord> list = e.getValue();
      list.sort((a, b) -> Integer.compare((Integer) a.get("rank"), (Integer) b.get("rank")));
      assertThat(list).as(e.getKey()).hasSize(CAPACITY);
      double previous = Double.POSITIVE_INFINITY;
      Set<String> members = new TreeSet<>();
      for (GenericRecord r : list) {
        String id = p.personId(r.get("nhs_number").toString());
        members.add(id);
        assertThat(then).as("ranked only with an earlier score").containsKey(id);
        double actual = now.get(id) - then.get(id);
        assertThat(actual).as(e.getKey() + " rank " + r.get("rank")).isLessThanOrEqualTo(previous);
        assertThat((Double) r.get("risk_rise_pct")).isCloseTo(actual * 100, org.assertj.core.data.Offset.offset(0.051));
        previous = actual;
      }
      // Nobody left off the list rose more than the last one on it.
      String[] lg = e.getKey().split(":");
      double cut = previous;
      Map<String, String> group = groupOf(LATER, lg[0].equals("pcn") ? "pcn_code" : "icc_code");
      now.forEach((id, risk) -> {
        if (lg[1].equals(group.get(id)) && then.containsKey(id) && !members.contains(id)) {
          assertThat(risk - then.get(id)).as(e.getKey() + " " + id).isLessThanOrEqualTo(cut);
        }
      });
      // Everyone in the list is ranked by rise or counted as having no earlier score.
      long without = notRanked.path("rising:" + e.getKey()).asLong(0);
      assertThat((Long) list.get(0).get("eligible") + without).as(e.getKey()).isEqualTo(population.get(e.getKey()));
      notRankedTotal += without;
    }
    // New patients (registered or turned 18 since) and national opt-outs (absent from scores/).
    assertThat(notRankedTotal).isPositive().isEqualTo(rise.path("not_ranked_without_earlier_score_total").asLong());
  }

  @Test
  void everyPcnAndIccGetsARegisterOfItsOwnPatientsInTheWindow() throws IOException {
    Set<String> pcns = new TreeSet<>();
    Set<String> iccs = new TreeSet<>();
    try (var rd = Files.newBufferedReader(repoRoot().resolve("sample-data/practices.csv"))) {
      for (CSVRecord r : CSVFormat.RFC4180.builder().setHeader().get().parse(rd)) {
        pcns.add(r.get("pcn_code"));
        iccs.add(r.get("icc_code"));
      }
    }
    for (LocalDate d : List.of(EARLIER, LATER)) {
      Path pub = pub(d);
      assertThat(names(pub.resolve("register_csv"))).as(d.toString()).isEqualTo(suffixed(pcns));
      assertThat(names(pub.resolve("register_csv/icc"))).as(d.toString()).isEqualTo(suffixed(iccs));
      assertThat(names(pub.resolve("register"))).hasSize(pcns.size());
    }
    JsonNode later = manifest(LATER).at("/outputs/register");
    assertThat(later.path("window_start").asText()).isEqualTo("2026-03-01"); // day after the previous
    assertThat(manifest(EARLIER).at("/outputs/register/window_start").asText()).isEqualTo("2026-01-30"); // last 30 days
    assertThat(later.path("rows").asLong()).isPositive();

    Map<String, String> pcnOf = groupOf(LATER, "pcn_code");
    Pseudonymiser p = Pseudonymiser.ofKey(KEY.getBytes(StandardCharsets.UTF_8));
    Set<String> events = new TreeSet<>();
    long rows = 0;
    try (Stream<Path> s = Files.walk(pub(LATER).resolve("register"))) {
      for (Path f : s.filter(x -> x.toString().endsWith(".parquet")).toList()) {
        String folderPcn = f.getParent().getFileName().toString().substring("pcn_code=".length());
        try (ParquetReader<GenericRecord> r = AvroRecords.reader(f)) {
          for (GenericRecord g = r.read(); g != null; g = r.read()) {
            rows++;
            events.add(g.get("event").toString());
            assertThat(g.get("pcn_code").toString()).isEqualTo(folderPcn);
            Object d = g.get("event_date"); // parquet-avro may convert the date logical type
            LocalDate when = d instanceof LocalDate ld ? ld : LocalDate.ofEpochDay((Integer) d);
            assertThat(when).isBetween(LocalDate.of(2026, 3, 1), LATER);
            if (g.get("register_level").toString().equals("pcn")) {
              assertThat(g.get("register_group").toString()).isEqualTo(folderPcn);
            }
            // A patient of the population, in the PCN it says (national opt-outs are in the
            // population but not in scores/, so only check those scores/ holds).
            String pcnNow = pcnOf.get(p.personId(g.get("nhs_number").toString()));
            if (pcnNow != null) {
              assertThat(pcnNow).isEqualTo(folderPcn);
            }
          }
        }
      }
    }
    assertThat(rows).isEqualTo(later.path("rows").asLong());
    assertThat(events).contains("emergency_admission", "ae_attendance");
    // Byte-identical on rerun.
    assertThat(registerBytesRerun.keySet()).isEqualTo(registerBytes.keySet());
    registerBytes.forEach((f, b) -> assertThat(registerBytesRerun.get(f)).as(f.toString()).isEqualTo(b));
  }

  // ---- helpers

  static String[] concat(String[] a, String b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }

  static Path pub(LocalDate d) {
    return output.resolve(d.toString());
  }

  static JsonNode manifest(LocalDate d) throws IOException {
    return new ObjectMapper().readTree(pub(d).resolve("manifest.json").toFile());
  }

  static Set<String> suffixed(Set<String> codes) {
    Set<String> out = new TreeSet<>();
    codes.forEach(c -> out.add(c + ".csv"));
    return out;
  }

  static Set<String> names(Path dir) throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(f -> !Files.isDirectory(f) || f.getFileName().toString().startsWith("pcn_code="))
          .forEach(f -> out.add(f.getFileName().toString()));
    }
    return out;
  }

  static Map<Path, byte[]> bytes(Path pub) throws IOException {
    Map<Path, byte[]> out = new TreeMap<>();
    for (String part : List.of("register", "register_csv", "cohort", "cohort_csv")) {
      try (Stream<Path> s = Files.walk(pub.resolve(part))) {
        for (Path f : s.filter(Files::isRegularFile).toList()) {
          out.put(pub.relativize(f), Files.readAllBytes(f));
        }
      }
    }
    return out;
  }

  static List<GenericRecord> cohortRows(LocalDate d, String cohort) throws IOException {
    List<GenericRecord> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(pub(d).resolve("cohort"))) {
      for (Path f : s.filter(x -> x.toString().endsWith(".parquet")).toList()) {
        try (ParquetReader<GenericRecord> r = AvroRecords.reader(f)) {
          for (GenericRecord g = r.read(); g != null; g = r.read()) {
            if (g.get("cohort").toString().equals(cohort)) {
              out.add(g);
            }
          }
        }
      }
    }
    return out;
  }

  /** person_id -> admission_risk from a publication's scores/. */
  static Map<String, Double> risks(LocalDate d) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : spark().read().parquet(pub(d).resolve("scores").toString())
        .select("person_id", "admission_risk").collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }

  /** person_id -> the patient's PCN or ICC code, from a publication's scores/. */
  static Map<String, String> groupOf(LocalDate d, String column) {
    Map<String, String> out = new HashMap<>();
    for (Row r : spark().read().parquet(pub(d).resolve("scores").toString())
        .select("person_id", column).collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }
}
