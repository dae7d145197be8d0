package org.openstrat.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.spark.SparkSessions;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads an extract folder (CSV or Parquet, as {@code strat run --input} reads it) into a
 * PostgreSQL schema, one table per extract with the contract's columns as text plus a numeric
 * {@code row_id}, and writes the sources file that reads them back ({@code strat run --sources}).
 * For the warehouse benchmark ({@code scripts/bench.d/60-warehouse.sh}); the round-trip test loads
 * sample-data through Spark's JDBC writer instead, which is simpler and too slow for 100M rows.
 *
 * <p>Rows go through Spark's CSV writer into a scratch folder, then into PostgreSQL with {@code
 * COPY ... FROM STDIN (FORMAT csv)}, part file by part file. {@code row_id} is the row's place in
 * the folder: the source file's rank in name order times 2^32 plus its line, so the earlier of
 * two duplicates stays the earlier. Rows the reader could not split (CSV structure errors) are
 * left out, as a warehouse table could not hold them.
 *
 * <pre>
 * java -cp strat.jar:lib/*:test-classes org.openstrat.testing.WarehouseLoad \
 *     INPUT URL USER PASSWORD_FILE SCHEMA SCRATCH SOURCES_OUT [PARTITIONS]
 * </pre>
 */
public final class WarehouseLoad {
  private static final long FILE_STRIDE = 1L << 32;
  /** Extracts read by several JDBC tasks, split on row_id. */
  private static final EnumSet<Extract> PARTITIONED =
      EnumSet.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS, Extract.OP_APPOINTMENTS);

  private WarehouseLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println("usage: WarehouseLoad INPUT URL USER PASSWORD_FILE SCHEMA SCRATCH SOURCES_OUT [PARTITIONS]");
      System.exit(2);
    }
    Path input = Path.of(args[0]);
    String url = args[1];
    String user = args[2];
    Path passwordFile = Path.of(args[3]);
    String schema = args[4];
    Path scratch = Path.of(args[5]);
    Path sourcesOut = Path.of(args[6]);
    int partitions = args.length > 7 ? Integer.parseInt(args[7]) : 4;
    String password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();

    SparkSession spark = SparkSessions.getOrCreate("strat-warehouse-load");
    RawExtracts raw = Ingest.read(spark, input, EnumSet.allOf(Extract.class));
    StringBuilder src = new StringBuilder()
        .append("url=").append(url).append('\n')
        .append("extract_date=").append(raw.extractDate()).append('\n')
        .append("credentials.file=").append(sourcesOut.getParent().resolve("warehouse.credentials").toAbsolutePath()).append('\n');
    try (Connection c = connect(url, user, password); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      st.execute("CREATE SCHEMA " + schema);
      for (Extract e : Extract.values()) {
        long t0 = System.nanoTime();
        String table = schema + "." + e.fileName();
        Dataset<Row> rows = withRowId(e, raw.raw().get(e));
        List<String> defs = new ArrayList<>();
        e.columns().forEach(name -> defs.add("\"" + name + "\" text"));
        defs.add("row_id bigint not null");
        st.execute("CREATE UNLOGGED TABLE " + table + " (" + String.join(", ", defs) + ")");
        Path dir = scratch.resolve(e.fileName());
        // Spark trims on write unless told not to; a warehouse keeps what the file held.
        rows.write().mode("overwrite").option("escape", "\"").option("header", "false")
            .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
            .csv(dir.toString());
        long loaded = copy(c, table, dir);
        st.execute("ANALYZE " + table);
        src.append(e.fileName()).append(".table=").append(table).append('\n')
            .append(e.fileName()).append(".row_id=row_id\n");
        if (PARTITIONED.contains(e)) {
          long max = rows.agg(org.apache.spark.sql.functions.max("row_id")).first().getLong(0);
          src.append(e.fileName()).append(".partition.column=row_id\n")
              .append(e.fileName()).append(".partition.lower=0\n")
              .append(e.fileName()).append(".partition.upper=").append(max + 1).append('\n')
              .append(e.fileName()).append(".partition.count=").append(partitions).append('\n');
        }
        System.err.printf("load %s rows=%d seconds=%.1f%n", e.fileName(), loaded,
            (System.nanoTime() - t0) / 1e9);
      }
    }
    Files.writeString(sourcesOut.getParent().resolve("warehouse.credentials"),
        "user=" + user + "\npassword=" + password + "\n");
    Files.writeString(sourcesOut, src.toString());
    spark.stop();
  }

  /** The contract's columns as text and row_id: file rank (name order) * 2^32 + line. */
  private static Dataset<Row> withRowId(Extract e, Dataset<Row> raw) {
    Dataset<Row> ok = raw.columns().length > 0 && List.of(raw.columns()).contains(Ingest.STRUCTURE_ERROR)
        ? raw.where(col(Ingest.STRUCTURE_ERROR).isNull()) : raw;
    List<String> files = ok.select(Ingest.SOURCE_FILE).distinct().as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList().stream().sorted(Comparator.naturalOrder()).toList();
    Column rank = lit(0L);
    for (int i = files.size() - 1; i >= 0; i--) {
      rank = when(col(Ingest.SOURCE_FILE).equalTo(files.get(i)), lit((long) i)).otherwise(rank);
    }
    List<Column> cols = new ArrayList<>();
    e.columns().forEach(name -> cols.add(col(name)));
    cols.add(rank.multiply(FILE_STRIDE).plus(col(Ingest.LINE)).as("row_id"));
    return ok.select(cols.toArray(new Column[0]));
  }

  private static long copy(Connection c, String table, Path dir) throws Exception {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    long n = 0;
    List<Path> parts;
    try (Stream<Path> s = Files.list(dir)) {
      parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    for (Path p : parts) {
      try (InputStream in = Files.newInputStream(p)) {
        n += copy.copyIn("COPY " + table + " FROM STDIN (FORMAT csv)", in);
      }
    }
    return n;
  }

  private static Connection connect(String url, String user, String password) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return DriverManager.getConnection(url, p);
  }
}
