package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.cli.Strat;
import org.openstrat.testing.PgServer;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/**
 * Extracts read from a real PostgreSQL ({@link PgServer}): the raw shape the file readers give,
 * partitioned reads, and each kind of bad source failing {@code strat run} with one line naming
 * the extract, exit 4, nothing published and no credential printed.
 */
@Tag("slow")
class JdbcIngestTest extends SparkTestBase {
  @TempDir static Path tmp;
  static PgServer pg;

  @BeforeAll
  static void tables() throws SQLException {
    pg = PgServer.get();
    pg.sql(
        "DROP SCHEMA IF EXISTS t13 CASCADE",
        "CREATE SCHEMA t13",
        "CREATE TABLE t13.practices (practice_code text, practice_name text, pcn_code text,"
            + " pcn_name text, icc_code text, icc_name text, icp_code text, icp_name text,"
            + " start_date date, end_date date)",
        "INSERT INTO t13.practices VALUES ('A81001','One','U00001','PCN','I1','ICC','P1','ICP',"
            + " '2020-01-01', NULL)",
        "CREATE TABLE t13.patients (nhs_number text, date_of_birth text, sex text,"
            + " practice_code text, registration_start text, registration_end text,"
            + " date_of_death text, lsoa_code text, type1_opt_out text, national_opt_out text)",
        "INSERT INTO t13.patients VALUES ('9434765919','1940-05-01','F','A81001','2000-01-01',"
            + " '','','E01000001','N','N')",
        "CREATE TABLE t13.gp_events (row_id bigint, nhs_number text, event_date date,"
            + " snomed_code text, numeric_value double precision)",
        "INSERT INTO t13.gp_events SELECT g, '9434765919', DATE '2025-01-01' + g, '22298006',"
            + " CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 8) g",
        "CREATE TABLE t13.gp_events_nocol (nhs_number text, event_date date, numeric_value text)",
        "CREATE TABLE t13.gp_events_bytes (nhs_number text, event_date date,"
            + " snomed_code bytea, numeric_value text)");
    // Every other extract an empty table of text columns: all are required by default.
    for (Extract e : Extract.values()) {
      if (!Set.of(Extract.PRACTICES, Extract.PATIENTS, Extract.GP_EVENTS).contains(e)) {
        pg.sql("CREATE TABLE t13." + e.fileName() + " ("
            + String.join(" text, ", e.columns()) + " text)");
      }
    }
  }

  static Path sources(String name, String... lines) throws IOException {
    return sourcesAt(name, pg.url, pg.password, lines);
  }

  static Path sourcesAt(String name, String url, String password, String... lines) throws IOException {
    Path creds = tmp.resolve(name + ".credentials");
    Files.writeString(creds, "user=" + pg.user + "\npassword=" + password + "\n");
    StringBuilder b = new StringBuilder("url=" + url + "\nextract_date=2025-03-31\n"
        + "credentials.file=" + creds.getFileName() + "\nretries=1\nretry_wait_seconds=0\n"
        + "practices.table=t13.practices\npatients.table=t13.patients\n");
    for (String l : lines) {
      b.append(l).append('\n');
    }
    for (Extract e : Extract.values()) {
      if (!Set.of(Extract.PRACTICES, Extract.PATIENTS, Extract.GP_EVENTS).contains(e)) {
        b.append(e.fileName()).append(".table=t13.").append(e.fileName()).append('\n');
      }
    }
    Path f = tmp.resolve(name + ".properties");
    Files.writeString(f, b.toString());
    return f;
  }

  @Test
  void gpEventsIsReadBySeveralTasks() throws IOException {
    JdbcSources src = JdbcSources.load(sources("partitioned", "gp_events.table=t13.gp_events",
        "gp_events.row_id=row_id", "gp_events.partition.column=row_id",
        "gp_events.partition.lower=1", "gp_events.partition.upper=9",
        "gp_events.partition.count=4"), Map.of());
    Dataset<Row> frame = JdbcIngest.frame(spark(), src, src.sources().get(Extract.GP_EVENTS));
    assertThat(frame.rdd().getNumPartitions()).isEqualTo(4);
    assertThat(frame.queryExecution().executedPlan().toString())
        .contains("JDBCRelation(t13.gp_events) [numPartitions=4]");
    assertThat(frame.count()).isEqualTo(8);
  }

  @Test
  void rowsComeAsTheFileReadersGiveThem() throws IOException {
    JdbcSources src = JdbcSources.load(sources("shape", "gp_events.table=t13.gp_events",
        "gp_events.row_id=row_id"), Map.of());
    StringWriter progress = new StringWriter();
    RawExtracts raw = JdbcIngest.read(spark(), src, Set.of(Extract.PRACTICES, Extract.PATIENTS),
        tmp.resolve("work"), new PrintWriter(progress));
    Dataset<Row> ev = raw.raw().get(Extract.GP_EVENTS);
    assertThat(ev.schema().toDDL()).isEqualTo(Ingest.rawSchemaWithMeta(Extract.GP_EVENTS).toDDL()
        .replace(" NOT NULL", ""));
    List<Row> rows = ev.orderBy(Ingest.LINE).collectAsList();
    assertThat(rows).hasSize(8);
    // text as a file carries it: dates yyyy-MM-dd, a null number null, the row id as the line
    assertThat(rows.get(0).mkString("|")).isEqualTo("9434765919|2025-01-02|22298006|null|t13.gp_events|1|null|null");
    assertThat(rows.get(1).getString(3)).isEqualTo("2.0");
    Row patient = raw.raw().get(Extract.PATIENTS).first();
    assertThat(patient.isNullAt(patient.fieldIndex("registration_end"))).as("'' is null, as in a file").isTrue();
    assertThat(raw.isColumnar(Extract.GP_EVENTS)).isTrue();
    assertThat(progress.toString()).contains("stage ingest.gp_events source=jdbc rows=8 tasks=1");
  }

  record Run(int code, String out, String err) {}

  static Run run(Path sources, Path output) {
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("run", "--sources", sources.toString(), "--output", output.toString());
    return new Run(code, out.toString(), err.toString());
  }

  void failsWithOneLine(Path sources, String expectedStart) throws IOException {
    Path output = tmp.resolve("out-" + sources.getFileName());
    Run r = run(sources, output);
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    List<String> lines = r.err().lines().filter(l -> l.startsWith("strat: ")).toList();
    assertThat(lines).as(r.err()).hasSize(1);
    assertThat(lines.get(0)).startsWith(expectedStart);
    assertThat(r.err() + r.out()).doesNotContain(pg.password).doesNotContain("Exception");
    try (Stream<Path> s = Files.list(output)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("nothing published").noneMatch(n -> n.matches("\\d{4}-\\d{2}-\\d{2}"));
    }
  }

  @Test
  void missingTable() throws IOException {
    failsWithOneLine(sources("notable", "gp_events.table=t13.nope"),
        "strat: Cannot read gp_events from " + pg.url + " (table t13.nope): no such table or view");
  }

  @Test
  void missingColumn() throws IOException {
    failsWithOneLine(sources("nocol", "gp_events.table=t13.gp_events_nocol"),
        "strat: Cannot read gp_events from " + pg.url
            + " (table t13.gp_events_nocol): missing column(s) snomed_code");
  }

  @Test
  void columnNotReadableAsText() throws IOException {
    failsWithOneLine(sources("bytes", "gp_events.table=t13.gp_events_bytes"),
        "strat: Cannot read gp_events from " + pg.url
            + " (table t13.gp_events_bytes): column snomed_code has type binary");
  }

  @Test
  void wrongPassword() throws IOException {
    failsWithOneLine(sourcesAt("badpw", pg.url, "not-the-password-" + pg.password.substring(0, 4),
            "gp_events.table=t13.gp_events"),
        "strat: Cannot read practices from " + pg.url + " (table t13.practices): authentication failed");
  }

  @Test
  void unreachableHost() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    failsWithOneLine(sourcesAt("down", url, pg.password, "gp_events.table=t13.gp_events"),
        "strat: Cannot read practices from " + url
            + " (table t13.practices): cannot connect to the database after 2 attempt(s)");
  }
}
