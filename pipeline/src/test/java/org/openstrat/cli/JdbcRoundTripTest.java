package org.openstrat.cli;

import org.junit.jupiter.api.Tag;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.WarehousePublisher;
import org.openstrat.testing.PgServer;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

/**
 * sample-data loaded into a real PostgreSQL (its defective rows too; a CSV record too malformed
 * to split into fields cannot be a table row, so those few are left out) and run from there
 * with {@code --sources}, partitioned reads for the GP extracts, {@code --publish-jdbc} and JSON
 * logs: cohort/ and cohort_csv/ are byte-identical to the run over the files.
 */
@Tag("slow")
class JdbcRoundTripTest extends SparkTestBase {
  @TempDir static Path tmp;
  static PgServer pg;
  static Run files;
  static Run db;
  static Path sources;

  record Run(int code, String out, String err, Path output) {}

  static Run run(Path output, String... args) {
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> a = new ArrayList<>(List.of("run", "--output", output.toString()));
    a.addAll(List.of(args));
    int code = cl.execute(a.toArray(new String[0]));
    return new Run(code, out.toString(), err.toString(), output);
  }

  @BeforeAll
  static void loadAndRunBoth() throws Exception {
    pg = PgServer.get();
    Path sample = repoRoot().resolve("sample-data");
    pg.sql("DROP SCHEMA IF EXISTS rt CASCADE", "CREATE SCHEMA rt");
    RawExtracts raw = Ingest.read(spark(), sample, EnumSet.allOf(Extract.class));
    StringBuilder src = new StringBuilder("url=" + pg.url + "\nextract_date="
        + raw.extractDate() + "\ncredentials.file=warehouse.credentials\n"
        + "publish.table_prefix=rt.strat_\n");
    for (Extract e : Extract.values()) {
      List<Column> cols = new ArrayList<>();
      e.columns().forEach(c -> cols.add(col(c)));
      cols.add(col(Ingest.LINE).as("row_id"));
      // The file's line as the row id: the earlier of two duplicates stays the earlier.
      raw.raw().get(e).where(col(Ingest.STRUCTURE_ERROR).isNull())
          .select(cols.toArray(new Column[0]))
          .write().format("jdbc").mode("overwrite")
          .option("url", pg.url).option("user", pg.user).option("password", pg.password)
          .option("dbtable", "rt." + e.fileName()).save();
      src.append(e.fileName()).append(".table=rt.").append(e.fileName()).append('\n')
          .append(e.fileName()).append(".row_id=row_id\n");
    }
    for (Extract e : List.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS)) {
      long max = raw.raw().get(e).agg(org.apache.spark.sql.functions.max(Ingest.LINE)).first().getLong(0);
      src.append(e.fileName()).append(".partition.column=row_id\n")
          .append(e.fileName()).append(".partition.lower=1\n")
          .append(e.fileName()).append(".partition.upper=").append(max + 1).append('\n')
          .append(e.fileName()).append(".partition.count=4\n");
    }
    Files.writeString(tmp.resolve("warehouse.credentials"),
        "user=" + pg.user + "\npassword=" + pg.password + "\n");
    sources = tmp.resolve("warehouse.properties");
    Files.writeString(sources, src.toString());

    files = run(tmp.resolve("out-files"), "--input", sample.toString());
    assertThat(files.code()).as(files.err()).isZero();
    db = run(tmp.resolve("out-db"), "--sources", sources.toString(), "--publish-jdbc",
        "--log-format", "json");
    assertThat(db.code()).as(db.err()).isZero();
  }

  static Path publication(Run r) throws IOException {
    try (Stream<Path> s = Files.list(r.output())) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}"))
          .findFirst().orElseThrow();
    }
  }

  @Test
  void cohortFilesAreByteIdenticalToTheFileRun() throws IOException {
    for (String d : List.of("cohort", "cohort_csv")) {
      assertThat(Manifest.sha256Tree(publication(db).resolve(d)))
          .as(d).isEqualTo(Manifest.sha256Tree(publication(files).resolve(d)));
    }
  }

  @Test
  void gpEventsWasReadByFourTasks() {
    assertThat(db.err()).contains("\"stage\":\"ingest.gp_events\"").contains("\"tasks\":4");
  }

  @Test
  void everyLogLineIsJsonWithTheRunIdAndStage() throws IOException {
    String runId = db.out().replaceAll("(?s).*run (\\S+)\\s*$", "$1");
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : db.err().lines().toList()) {
      lines.add(json.readTree(l));
    }
    assertThat(lines).isNotEmpty().allSatisfy(n -> {
      assertThat(n.get("run_id").asText()).isEqualTo(runId);
      assertThat(n.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    });
    JsonNode validate = lines.stream().filter(n -> n.path("stage").asText().equals("validate"))
        .findFirst().orElseThrow();
    assertThat(validate.get("as_of").asText()).isEqualTo(publication(db).getFileName().toString());
    assertThat(validate.get("rows_in").asLong()).isPositive();
    assertThat(validate.get("level").asText()).isEqualTo("INFO");
  }

  @Test
  void manifestRecordsSourcesAndRowsNotCredentials() throws IOException {
    String text = Files.readString(publication(db).resolve("manifest.json"));
    JsonNode m = new ObjectMapper().readTree(text);
    assertThat(m.get("inputs")).hasSize(Extract.values().length);
    JsonNode ev = null;
    for (JsonNode n : m.get("inputs")) {
      assertThat(n.get("url").asText()).isEqualTo(pg.url);
      if (n.get("extract").asText().equals("gp_events")) {
        ev = n;
      }
    }
    assertThat(ev.get("table").asText()).isEqualTo("rt.gp_events");
    assertThat(ev.get("rows").asLong()).isPositive();
    assertThat(text + db.err() + db.out()).doesNotContain(pg.password);
  }

  @Test
  void cohortAndSummaryAreInTheWarehouseAndASecondPublishSwapsThem() throws Exception {
    long cohortRows;
    try (Stream<Path> s = Files.list(publication(db).resolve("cohort_csv"))) {
      cohortRows = spark().read().parquet(publication(db).resolve("cohort").toString()).count();
    }
    assertThat(count("SELECT count(*) FROM rt.strat_cohort")).isEqualTo(cohortRows);
    assertThat(count("SELECT count(*) FROM rt.strat_summary")).isPositive();
    JdbcSources w = JdbcSources.load(sources, java.util.Map.of());
    WarehousePublisher.publish(spark(), w, publication(db), "second-run");
    assertThat(count("SELECT count(*) FROM rt.strat_cohort WHERE run_id = 'second-run'"))
        .isEqualTo(cohortRows);
    assertThat(count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'rt'"
        + " AND (table_name LIKE '%\\_new' OR table_name LIKE '%\\_old')")).isZero();
  }

  static long count(String sql) throws Exception {
    try (Connection c = pg.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
