package org.openstrat.quality;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.cli.Strat;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/** {@code strat validate} end to end: exit codes, the report and the quarantine on disk. */
@Tag("slow")
class ValidateCommandTest extends SparkTestBase {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    spark(); // the command reuses the test session
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void validFolderWritesReconciledReportAndQuarantine(@TempDir Path tmp) throws IOException {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("out");
    Fixture.full(in);
    // The fixture is tiny, so a single bad row is a large share: relax the reject rate.
    Files.writeString(tmp.resolve("strat.properties"), "quality.max_reject_rate=1\n");
    Run r = run("validate", "--input", in.toString(), "--as-of", "2025-01-01", "--output",
        out.toString(), "--config", tmp.resolve("strat.properties").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    assertThat(r.err()).contains("stage validate.gp_events rows_in=15 rows_out=4 seconds=");
    assertThat(r.err()).contains("stage population rows_in=");
    String json = Files.readString(out.resolve("quality/report.json"));
    assertThat(json)
        .contains("\"gp_events\":{\"files\":[\"gp_events.csv\"],\"rows_read\":15,"
            + "\"rows_accepted\":4,\"rows_rejected\":11,\"reconciled\":true")
        .contains("\"rows_outside_scoring_window\":1")
        .contains("\"spells\":2,\"merged_episodes\":1")
        .contains("\"files_not_an_extract\":[\"README.txt\"]")
        .contains("\"PRACTICE_WITHOUT_PCN\":1")
        .contains("\"practices_without_pcn\":[\"C00003\"]")
        .contains("\"passed\":true")
        // P1 (PCN U00001) is in every linked extract; P2 (U00002) only in social care (their
        // spell, attendance and housing rows were rejected).
        .contains("{\"pcn_code\":\"U00001\",\"population\":1,\"apc_spells_share\":1,"
            + "\"ae_attendances_share\":1,\"op_appointments_share\":1,\"social_care_share\":1,"
            + "\"housing_share\":1}")
        .contains("{\"pcn_code\":\"U00002\",\"population\":1,\"apc_spells_share\":0,"
            + "\"ae_attendances_share\":0,\"op_appointments_share\":0,\"social_care_share\":1,"
            + "\"housing_share\":0}");
    String csv = Files.readString(out.resolve("quality/report.csv"));
    assertThat(csv).contains("rejected,gp_events,UNTERMINATED_QUOTE,1\n");
    List<Row> q = spark().read().parquet(out.resolve("quality/rejected/gp_events").toString())
        .collectAsList();
    assertThat(q).hasSize(11);
    assertThat(spark().read().parquet(out.resolve("quality/rejected/gp_events").toString())
        .columns()).containsExactly("extract", "reason", "source_file", "line", "raw");
    // No NHS number on stdout or stderr.
    assertThat(r.out() + r.err()).doesNotContain("9434765919").doesNotContain(Fixture.nhs(2));
  }

  @Test
  void aPracticeWhoseOnlyRowIsRejectedIsListedWithoutPcn(@TempDir Path tmp) throws IOException {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("out");
    Fixture.full(in);
    // D00004's only row has an impossible start date: rejected, so it has no mapping on the as-of
    // date, and its patient P15 is set aside as PRACTICE_WITHOUT_PCN.
    Fixture.write(in, "practices.csv", Files.readString(in.resolve("practices.csv"))
        + "D00004,Delta,U00001,PCN One,I1,ICC One,Q1,ICP One,2020-13-01,\n");
    Fixture.write(in, "patients.csv", Files.readString(in.resolve("patients.csv"))
        + Fixture.fill("{P15},M,1950-05-01,D00004,2000-01-01,,,,N,N\n"));
    Files.writeString(tmp.resolve("strat.properties"), "quality.max_reject_rate=1\n");
    Run r = run("validate", "--input", in.toString(), "--as-of", "2025-01-01", "--output",
        out.toString(), "--config", tmp.resolve("strat.properties").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    String json = Files.readString(out.resolve("quality/report.json"));
    assertThat(json)
        .contains("\"PRACTICE_WITHOUT_PCN\":2")
        .contains("\"practices_without_pcn\":[\"C00003\",\"D00004\"]");
  }

  @Test
  void badBytesAreRowsRejectedAsInvalidEncodingAndCounted(@TempDir Path tmp) throws IOException {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("out");
    Fixture.full(in);
    // One bad byte in the first row, one some 40 KB into the file, both in free-text-free rows.
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.writeBytes("nhs_number,event_date,snomed_code,numeric_value\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes(Fixture.fill("{P1},2024-06-01,73211009,1\n").replace(",1\n", ",\u00b11\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < 1200; i++) {
      b.writeBytes(Fixture.fill("{P1},2024-06-01,73211009," + i + "\n").getBytes(StandardCharsets.UTF_8));
    }
    b.writeBytes(Fixture.fill("{P2},2024-06-01,73211009,\u00b12\n").getBytes(StandardCharsets.ISO_8859_1));
    Files.write(in.resolve("gp_events.csv"), b.toByteArray());
    Files.writeString(tmp.resolve("strat.properties"), "quality.max_reject_rate=1\n");
    Run r = run("validate", "--input", in.toString(), "--as-of", "2025-01-01", "--output",
        out.toString(), "--config", tmp.resolve("strat.properties").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK);
    String json = Files.readString(out.resolve("quality/report.json"));
    assertThat(json).contains("\"gp_events\":{\"files\":[\"gp_events.csv\"],\"rows_read\":1202,")
        .contains("\"INVALID_ENCODING\":2");
    List<String> lines = spark().read().parquet(out.resolve("quality/rejected/gp_events").toString())
        .where("reason = 'INVALID_ENCODING'").orderBy("line").select("line").collectAsList().stream()
        .map(x -> x.get(0).toString()).toList();
    assertThat(lines).containsExactly("2", "1203");
  }

  @Test
  void aHeaderOnlyExtractFailsItsCompletenessRuleOrWarns(@TempDir Path tmp) throws IOException {
    Path in = tmp.resolve("in");
    Fixture.full(in);
    Fixture.write(in, "apc_spells.csv", "nhs_number,spell_id,provider_code,admission_date,"
        + "discharge_date,admission_method,primary_diagnosis,secondary_diagnoses\n");
    Path config = tmp.resolve("strat.properties");
    Files.writeString(config, "quality.max_reject_rate=1\n");
    Run fail = run("validate", "--input", in.toString(), "--as-of", "2025-01-01", "--output",
        tmp.resolve("out1").toString(), "--config", config.toString());
    assertThat(fail.code()).as(fail.err()).isEqualTo(ExitCode.QUALITY);
    assertThat(fail.err().lines().filter(l -> l.startsWith("strat: ")))
        .containsExactly("strat: Quality threshold breached: quality.min_rows_per_1000_patients.apc_spells:"
            + " apc_spells rows per 1,000 registered patients (0 rows, 7 patients) is 0.0000, below the"
            + " minimum 1.0000 by 1.0000");
    Files.writeString(config, "quality.max_reject_rate=1\nquality.on_incomplete.apc_spells=warn\n");
    Run warn = run("validate", "--input", in.toString(), "--as-of", "2025-01-01", "--output",
        tmp.resolve("out2").toString(), "--config", config.toString());
    assertThat(warn.code()).as(warn.err()).isEqualTo(ExitCode.OK);
    assertThat(warn.err()).contains("strat: warning: quality.min_rows_per_1000_patients.apc_spells: ")
        .contains("(on_incomplete=warn)");
    assertThat(Files.readString(tmp.resolve("out2/quality/report.json"))).contains("\"passed\":true")
        .contains("\"warnings\":[{\"threshold\":\"quality.min_rows_per_1000_patients.apc_spells\"");
  }

  @Test
  void misnamedColumnFailsAtTheHeaderWithExit4(@TempDir Path tmp) throws IOException {
    Path in = tmp.resolve("in");
    Fixture.full(in);
    Fixture.write(in, "gp_events.csv", Fixture.fill("""
        nhs_number,snomed_code,event_dt,numeric_value
        {P1},73211009,2024-06-01,
        """));
    Run r = run("validate", "--input", in.toString(), "--output", tmp.resolve("out").toString());
    assertThat(r.code()).isEqualTo(ExitCode.INPUT);
    assertThat(r.err().strip())
        .startsWith("strat: Cannot read gp_events.csv: header has missing column(s) event_date; "
            + "unknown column(s) event_dt")
        .doesNotContain("\n")
        .doesNotContain("Exception");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void repeatedColumnFailsAtTheHeader(@TempDir Path tmp) {
    Path in = tmp.resolve("in");
    Fixture.full(in);
    Fixture.write(in, "ae_attendances.csv",
        "nhs_number,attendance_id,arrival_date,department_type,arrival_date\n");
    Run r = run("validate", "--input", in.toString(), "--output", tmp.resolve("out").toString());
    assertThat(r.code()).isEqualTo(ExitCode.INPUT);
    assertThat(r.err()).contains("ae_attendances.csv").contains("repeated column(s) arrival_date");
  }

  @Test
  void missingRequiredExtractIsExit4(@TempDir Path tmp) throws IOException {
    Path in = tmp.resolve("in");
    Fixture.full(in);
    Files.delete(in.resolve("housing.csv"));
    Run r = run("validate", "--input", in.toString(), "--output", tmp.resolve("out").toString());
    assertThat(r.code()).isEqualTo(ExitCode.INPUT);
    assertThat(r.err()).contains("required extract housing is missing");
  }

  @Test
  void allBadFileFailsWithExit5AndOnlyTheQualityFolderIsWritten(@TempDir Path tmp)
      throws IOException {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("out");
    Fixture.full(in);
    Fixture.write(in, "op_appointments.csv", Fixture.fill("""
        nhs_number,appointment_id,appointment_date,attendance_status
        {P1},OP1,2024-08-01,1
        {P1},OP2,not a date,5
        {P1},OP3
        """));
    Files.writeString(tmp.resolve("strat.properties"), "quality.max_reject_rate=0.5\n");
    Run r = run("validate", "--input", in.toString(), "--output", out.toString(), "--config",
        tmp.resolve("strat.properties").toString());
    assertThat(r.code()).isEqualTo(ExitCode.QUALITY);
    assertThat(r.err()).contains("strat: Quality threshold breached: quality.max_reject_rate: ");
    String json = Files.readString(out.resolve("quality/report.json"));
    assertThat(json)
        .contains("\"passed\":false")
        .contains("quality.max_reject_rate: op_appointments reject rate is 1.0000, "
            + "above the maximum 0.5000 by 0.5000");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("quality");
    }
  }
}
