package org.openstrat.cli;

import org.junit.jupiter.api.Tag;
import org.openstrat.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.testing.SparkTestBase;

/**
 * {@code strat backtest} on a small generated system: what it writes, its suppression, the date
 * and data checks that stop it (exit 2 and 5, nothing published), and --fit's fallback to
 * cross-validation when the history is short.
 */
@Tag("slow")
class BacktestCommandTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path input;
  static Path output;
  static RunEndToEndTest.Run first;

  static final LocalDate EXTRACT = LocalDate.of(2026, 3, 31);
  static final LocalDate AS_OF = LocalDate.of(2025, 3, 31);

  /** The column that dates a row, per extract file (rows after a date are "dated after" it). */
  static final Map<String, String> DATED = Map.of(
      "patients.csv", "registration_start",
      "gp_events.csv", "event_date",
      "gp_medications.csv", "issue_date",
      "apc_spells.csv", "admission_date",
      "ae_attendances.csv", "arrival_date",
      "op_appointments.csv", "appointment_date",
      "social_care.csv", "submission_date",
      "housing.csv", "record_date");

  @BeforeAll
  static void generateAndBacktest() {
    spark();
    input = tmp.resolve("ics");
    RunEndToEndTest.Run g = RunEndToEndTest.run("generate", "--patients", "1500", "--seed", "7",
        "--out", input.toString(), "--extract-date", EXTRACT.toString(), "--rules",
        repoRoot().resolve("rules").toString());
    assertThat(g.code()).as(g.err()).isZero();
    output = tmp.resolve("out");
    first = RunEndToEndTest.run("backtest", "--input", input.toString(), "--output",
        output.toString());
    assertThat(first.code()).as(first.err()).isZero();
  }

  @Test
  void writesTheReportAndItsTablesForTheDefaultAsOf() throws IOException {
    Path dir = output.resolve("backtest").resolve(AS_OF.toString());
    for (String f : List.of("report.json", "discrimination.csv", "top_share.csv",
        "calibration.csv", "calibration_deciles.csv", "manifest.json")) {
      assertThat(dir.resolve(f)).isRegularFile();
    }
    JsonNode r = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    assertThat(r.get("as_of").asText()).isEqualTo("2025-03-31");
    assertThat(r.get("outcomes_to").asText()).isEqualTo("2026-03-31");
    assertThat(r.at("/model/version").asText()).startsWith("admission-");
    assertThat(r.at("/headline/status").asText()).isEqualTo("ok");
    assertThat(r.at("/headline/auroc").asDouble()).isBetween(0.55, 0.95);
    Set<String> levels = new HashSet<>();
    r.get("lists").forEach(l -> levels.add(l.get("level").asText()));
    assertThat(levels).containsExactlyInAnyOrder("all", "pcn", "icc");
    assertThat(first.out()).contains("backtest as of 2025-03-31 (outcomes to 2026-03-31)");
    assertThat(first.err()).contains("stage scores_and_outcomes rows_in=");
  }

  @Test
  void everyPublishedCountIsSuppressedOrRoundedAndSmallListsAreTooFewToJudge() throws IOException {
    Path dir = output.resolve("backtest").resolve(AS_OF.toString());
    JsonNode r = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    List<JsonNode> counts = new ArrayList<>();
    collect(r.get("lists"), counts);
    assertThat(counts).isNotEmpty();
    for (JsonNode c : counts) {
      if (c.isNumber()) {
        assertThat(c.asLong() == 0 || (c.asLong() > 7 && c.asLong() % 5 == 0)).as(c.toString()).isTrue();
      } else {
        assertThat(c.asText()).isEqualTo("*");
      }
    }
    // 1,500 patients in 4 PCNs: some list has fewer than 20 deaths, reported as such.
    assertThat(Files.readString(dir.resolve("discrimination.csv"))).contains("too few events");
    // No NHS number of the input in any table or the report.
    Set<String> numbers = new HashSet<>();
    try (Reader in = Files.newBufferedReader(input.resolve("patients.csv"))) {
      for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
        numbers.add(rec.get("nhs_number"));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f);
        assertThat(numbers.stream().filter(text::contains).toList()).as(f.toString()).isEmpty();
      }
    }
  }

  /** Every "patients" and "events" value under a node. */
  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> {
        if (e.getKey().equals("patients") || e.getKey().equals("events")) {
          out.add(e.getValue());
        } else {
          collect(e.getValue(), out);
        }
      });
    } else if (n.isArray()) {
      n.forEach(x -> collect(x, out));
    }
  }

  @Test
  void aRunQuotesTheLatestBacktestOfItsModelInTheManifest() throws IOException {
    RunEndToEndTest.Run r = RunEndToEndTest.run("run", "--input", input.toString(), "--output",
        output.toString());
    assertThat(r.code()).as(r.err()).isZero();
    ObjectMapper json = new ObjectMapper();
    JsonNode model = json.readTree(output.resolve("2026-03-31/manifest.json").toFile())
        .get("admission_model");
    JsonNode report = json.readTree(output.resolve("backtest/2025-03-31/report.json").toFile());
    assertThat(model.get("version").asText()).isEqualTo(report.at("/model/version").asText());
    assertThat(model.get("sha256").asText()).isEqualTo(report.at("/model/sha256").asText());
    assertThat(model.at("/backtest/as_of").asText()).isEqualTo("2025-03-31");
    assertThat(model.at("/backtest/headline")).isEqualTo(report.get("headline"));
  }

  @Test
  void aHorizonPastTheExtractDateIsAUsageErrorNamingTheDates() {
    Path out = tmp.resolve("out-horizon");
    RunEndToEndTest.Run r = RunEndToEndTest.run("backtest", "--input", input.toString(),
        "--output", out.toString(), "--as-of", "2025-06-30");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err().strip()).isEqualTo("strat: --horizon 12 from as-of 2025-06-30 runs to "
        + "2026-06-30, past the extract date 2026-03-31: outcomes after it are not in the data "
        + "(use an as-of on or before 2025-03-31)");
    assertThat(out).doesNotExist();
  }

  @Test
  void anAsOfWithoutTheScoresLookBackIsAUsageErrorAndPublishesNothing() throws IOException {
    // History starts 2022-03-31; HFRS needs 24 months before 2023-01-31.
    Path out = tmp.resolve("out-early");
    RunEndToEndTest.Run r = RunEndToEndTest.run("backtest", "--input", input.toString(),
        "--output", out.toString(), "--as-of", "2023-01-31");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("strat: as-of 2023-01-31 is too early: the scores look back 24 "
        + "months (HFRS), to 2021-01-31, but the hospital data start on 2022-0");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(published(out)).isEmpty();
  }

  @Test
  void anExtractWithNoOutcomesInTheHorizonIsExitFiveAndPublishesNothing() throws IOException {
    Path cut = tmp.resolve("no-outcomes");
    copyDatedUpTo(input, cut, AS_OF, Set.of("apc_spells.csv", "ae_attendances.csv"));
    Path out = tmp.resolve("out-none");
    RunEndToEndTest.Run r = RunEndToEndTest.run("backtest", "--input", cut.toString(),
        "--output", out.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.QUALITY);
    assertThat(r.err()).contains("strat: No emergency admission or A&E attendance between "
        + "2025-03-31 and 2026-03-31");
    assertThat(published(out)).isEmpty();
  }

  @Test
  void fitWithUnderTwoHorizonsOfHistoryCrossValidatesByPatientAndWritesACandidate()
      throws IOException {
    // As of 2024-09-30 the training year would start 2023-09-30, needing hospital data from
    // 2021-09-30: the history (from 2022-03-31) is too short, so folds by patient.
    Path out = tmp.resolve("out-cv");
    RunEndToEndTest.Run r = RunEndToEndTest.run("backtest", "--input", input.toString(),
        "--output", out.toString(), "--as-of", "2024-09-30", "--fit");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("cross-validation by patient, not out of time");
    Path dir = out.resolve("backtest").resolve("2024-09-30");
    JsonNode fit = new ObjectMapper().readTree(dir.resolve("report.json").toFile()).get("fit");
    assertThat(fit.get("validation").asText()).startsWith("cross-validation by patient, 5 folds");
    assertThat(fit.at("/local/status").asText()).isEqualTo("ok");
    List<String> lines = Files.readAllLines(dir.resolve("candidate-model.csv"), StandardCharsets.UTF_8);
    assertThat(lines).anyMatch(l -> l.startsWith("# source: strat backtest --fit on the extract of 2026-03-31"));
    assertThat(lines).contains("feature,transform,coefficient,label,source");
    List<String> rows = lines.subList(lines.indexOf("feature,transform,coefficient,label,source") + 1, lines.size());
    assertThat(rows).hasSize(20).first().asString().startsWith("intercept,identity,");
    // 1,500 patients: too few with a care-home service to estimate; kept and flagged.
    assertThat(rows).anyMatch(l -> l.startsWith("social_care_nursing_residential,indicator,0.5000,")
        && l.contains("KEPT PUBLISHED"));
  }

  /** Backtest folders published under OUT/backtest (none, after a failure), staging included. */
  static List<String> published(Path out) throws IOException {
    Path root = out.resolve("backtest");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /**
   * Copies an extract folder keeping only rows dated on or before {@code asOf} (by {@link #DATED})
   * in {@code files}, or in every dated file when {@code files} is empty.
   */
  static void copyDatedUpTo(Path from, Path to, LocalDate asOf, Set<String> files) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) {
        String name = f.getFileName().toString();
        String column = DATED.get(name);
        if (column == null || !(files.isEmpty() || files.contains(name))) {
          Files.copy(f, to.resolve(name));
          continue;
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
        try (Reader in = Files.newBufferedReader(f);
            Writer w = Files.newBufferedWriter(to.resolve(name))) {
          var parser = format.parse(in);
          CSVPrinter out = CSVFormat.DEFAULT.builder().setRecordSeparator("\n")
              .setHeader(parser.getHeaderNames().toArray(String[]::new)).build().print(w);
          for (CSVRecord rec : parser) {
            String d = rec.get(column);
            if (d.isEmpty() || LocalDate.parse(d).isAfter(asOf)) {
              continue;
            }
            out.printRecord(rec.toList());
          }
          out.flush();
        }
      }
    }
  }
}
