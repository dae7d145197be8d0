package org.openstrat.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;

/**
 * Reads the extracts a {@link JdbcSources} file names from a SQL warehouse, through Spark's JDBC
 * source, into the same raw string shape {@link Ingest#read} gives for files, so every row meets
 * the same contract checks, quarantine and counts.
 *
 * <p>Each extract is read once, with partitioned reads where the sources file gives a partition
 * column (several tasks, each its own range), and written to Parquet in the run's scratch folder:
 * validation and scoring read an extract several times, and a database read again could answer
 * differently part-way through a run. Every later read is of that one snapshot.
 *
 * <p>Bookkeeping columns: {@link Ingest#SOURCE_FILE} is the source's label (the table, or {@code
 * query sha256:...}); {@link Ingest#LINE} is the {@code row_id} column when one is named (so the
 * earlier of two duplicates is the lower id, as the earlier line of a file), else the row's place
 * in its read task after sorting by every contract column (label {@code #TASK}), which is the
 * same on every run over the same rows.
 */
public final class JdbcIngest {
  /** Spark types read as the contract's text: the same as for Parquet extracts. */
  private static final Set<String> READABLE =
      Set.of("string", "date", "int", "bigint", "smallint", "tinyint", "double", "float");

  private JdbcIngest() {}

  /**
   * Reads every configured extract and stages it under {@code work/jdbc/}. Eager: the database
   * is read now, each extract in one Spark job.
   *
   * @param required extracts that must be configured; a missing one is exit 4
   * @param progress one line per extract read (counts and seconds only)
   * @throws StratException exit 4 naming the extract for a table or column that is not there, a
   *     column type that cannot be read as text, failed authentication or a database that cannot
   *     be reached (after {@link JdbcSources#retries()} further attempts); exit 3 for a URL no
   *     driver on the classpath accepts
   */
  public static RawExtracts read(SparkSession spark, JdbcSources src, Set<Extract> required,
      Path work, PrintWriter progress) {
    for (Extract e : required) {
      if (!src.sources().containsKey(e)) {
        throw StratException.input("Cannot read " + src.file() + ": required extract "
            + e.fileName() + " is not configured (give " + e.fileName() + ".table or "
            + e.fileName() + ".query)");
      }
    }
    Path dir = src.file().toAbsolutePath().getParent();
    Map<Extract, Dataset<Row>> raw = new EnumMap<>(Extract.class);
    Map<Extract, List<Path>> files = new EnumMap<>(Extract.class);
    for (JdbcSources.Source s : src.sources().values()) {
      long t0 = System.nanoTime();
      Dataset<Row> frame = frame(spark, src, s);
      String out = work.resolve("jdbc").resolve(s.extract().fileName()).toUri().toString();
      withRetries(src, s, () -> {
        frame.write().mode("overwrite").parquet(out);
        return null;
      });
      Dataset<Row> staged = spark.read().parquet(out).select(rawColumns(s.extract()));
      raw.put(s.extract(), staged);
      files.put(s.extract(), List.of(dir.resolve(s.label())));
      progress.printf(Locale.ROOT, "stage ingest.%s source=jdbc rows=%d tasks=%d seconds=%.1f%n",
          s.extract().fileName(), staged.count(), frame.rdd().getNumPartitions(),
          (System.nanoTime() - t0) / 1e9);
      progress.flush();
    }
    return new RawExtracts(dir, src.extractDate(), Collections.unmodifiableMap(raw),
        Collections.unmodifiableMap(files), List.of(), Set.of());
  }

  /**
   * One extract as read from the database, in {@link Ingest#rawSchemaWithMeta} form, not yet
   * staged. Connects now to learn the columns (retried for a connection failure) and checks them.
   */
  public static Dataset<Row> frame(SparkSession spark, JdbcSources src, JdbcSources.Source s) {
    Dataset<Row> df = withRetries(src, s, () -> reader(spark, src, s).load());
    StructType schema = df.schema();
    List<String> missing = new ArrayList<>();
    List<Column> cols = new ArrayList<>();
    for (String c : s.extract().columns()) {
      StructField f = field(schema, c);
      if (f == null) {
        missing.add(c);
        continue;
      }
      String type = f.dataType().simpleString();
      if (!READABLE.contains(type)) {
        throw fail(src, s, "column " + c + " has type " + type + " (" + f.dataType().typeName()
            + "), which is not read as text; give it as text, date, integer or double"
            + " (cast it in " + s.extract().fileName() + ".query)");
      }
      cols.add(nullif(col(quoted(f.name())).cast(DataTypes.StringType), lit("")).as(c));
    }
    if (!missing.isEmpty()) {
      throw fail(src, s, "missing column(s) " + String.join(", ", missing) + " (expected "
          + String.join(",", s.extract().columns()) + ")");
    }
    String label = s.label();
    if (s.rowId() != null) {
      StructField id = field(schema, s.rowId());
      if (id == null || !Set.of("int", "bigint", "smallint").contains(id.dataType().simpleString())) {
        throw fail(src, s, "row_id column " + s.rowId()
            + (id == null ? " is missing" : " is not an integer column"));
      }
      cols.add(lit(label).as(Ingest.SOURCE_FILE));
      cols.add(col(quoted(id.name())).cast(DataTypes.LongType).as(Ingest.LINE));
      return df.select(cols.toArray(new Column[0])).select(rawColumns(s.extract()));
    }
    Dataset<Row> text = df.select(cols.toArray(new Column[0]));
    // Without a row id, a row's place is its rank in its read task by every column: the same
    // rows give the same places whatever order the database returns them in.
    Column[] all = s.extract().columns().stream().map(c -> col(c)).toArray(Column[]::new);
    Column task = s.partitions() > 1
        ? concat(lit(label + "#"), spark_partition_id().cast(DataTypes.StringType))
        : lit(label);
    return text.sortWithinPartitions(all)
        .withColumn(Ingest.SOURCE_FILE, task)
        .withColumn(Ingest.LINE, monotonically_increasing_id().bitwiseAND(0x1FFFFFFFFL).plus(1))
        .select(rawColumns(s.extract()));
  }

  private static Column[] rawColumns(Extract e) {
    StructType schema = Ingest.rawSchemaWithMeta(e);
    List<Column> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (f.name().equals(Ingest.RAW) || f.name().equals(Ingest.STRUCTURE_ERROR)) {
        cols.add(lit(null).cast(DataTypes.StringType).as(f.name()));
      } else {
        cols.add(col(f.name()));
      }
    }
    return cols.toArray(new Column[0]);
  }

  private static DataFrameReader reader(SparkSession spark, JdbcSources src, JdbcSources.Source s) {
    DataFrameReader r = spark.read().format("jdbc")
        .option("url", src.url())
        .option("dbtable", s.dbtable())
        .option("fetchsize", String.valueOf(src.fetchSize()))
        // Seconds to wait for a connection: a host that drops packets fails, not hangs.
        .option("loginTimeout", "30")
        .option("connectTimeout", "30");
    src.connectionProperties().forEach((k, v) -> r.option((String) k, (String) v));
    if (s.partitionColumn() != null) {
      r.option("partitionColumn", s.partitionColumn())
          .option("lowerBound", s.lower())
          .option("upperBound", s.upper())
          .option("numPartitions", String.valueOf(s.partitions()));
    }
    return r;
  }

  private static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * Runs {@code step}; a connection that fails or drops is tried again up to {@link
   * JdbcSources#retries()} more times, {@link JdbcSources#retryWaitSeconds()} apart. Any failure
   * becomes one line naming the extract (exit 4), with no credential in it.
   */
  static <T> T withRetries(JdbcSources src, JdbcSources.Source s, Supplier<T> step) {
    for (int attempt = 0; ; attempt++) {
      try {
        return step.get();
      } catch (Exception ex) { // Spark's Scala code throws the driver's SQLException unchecked
        if (ex instanceof StratException se) {
          throw se;
        }
        SQLException sql = sqlCause(ex);
        boolean connection = isConnectionFailure(sql, ex);
        if (connection && attempt < src.retries()) {
          sleep(src.retryWaitSeconds());
          continue;
        }
        throw fail(src, s, explain(src, s, sql, ex, attempt + 1));
      }
    }
  }

  private static StratException fail(JdbcSources src, JdbcSources.Source s, String why) {
    return fail(src, s, why, ExitCode.INPUT);
  }

  private static StratException fail(JdbcSources src, JdbcSources.Source s, String why, int code) {
    return new StratException(code, "Cannot read " + s.extract().fileName() + " from "
        + src.safeUrl() + " (" + (s.table() != null ? "table " : "") + s.label() + "): "
        + scrub(src, why));
  }

  private static String explain(JdbcSources src, JdbcSources.Source s, SQLException sql,
      Exception ex, int attempts) {
    String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
    String msg = sql != null ? firstLine(sql.getMessage()) : firstLine(rootMessage(ex));
    String key = s.extract().fileName() + (s.table() != null ? ".table" : ".query");
    if (msg.contains("No suitable driver")) {
      throw fail(src, s, "no JDBC driver accepts this url (PostgreSQL: jdbc:postgresql://HOST:PORT/DB;"
          + " SQL Server: jdbc:sqlserver://HOST:PORT;databaseName=DB)", ExitCode.CONFIG);
    }
    if (state.startsWith("28")) {
      return "authentication failed; check the user and password in " + JdbcSources.USER_ENV
          + "/" + JdbcSources.PASSWORD_ENV + " (or password.env, credentials.file)";
    }
    if (isConnectionFailure(sql, ex)) {
      return "cannot connect to the database after " + attempts + " attempt(s) ("
          + msg + "); check the host, port and that the server is up";
    }
    if (state.equals("42P01") || state.equals("42S02") || (sql != null && sql.getErrorCode() == 208)) {
      return "no such table or view; check " + key + " in " + src.file().getFileName();
    }
    if (state.equals("42703") || state.equals("42S22") || (sql != null && sql.getErrorCode() == 207)) {
      return "the query names a column that is not there (" + msg + "); check " + key;
    }
    if (state.equals("3D000")) {
      return "no such database; check url in " + src.file().getFileName();
    }
    return msg + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
  }

  /** SQLSTATE class 08 (connection exception), or a socket failure under the driver. */
  private static boolean isConnectionFailure(SQLException sql, Throwable ex) {
    if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
      return true;
    }
    for (Throwable c = ex; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof java.net.SocketException || c instanceof java.net.UnknownHostException
          || c instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static SQLException sqlCause(Throwable ex) {
    for (Throwable c = ex; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static String rootMessage(Throwable ex) {
    Throwable r = ex;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + (r.getMessage() == null ? "" : ": " + r.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  /** A driver's message could echo the password or the URL's query: neither is printed. */
  private static String scrub(JdbcSources src, String s) {
    String out = s;
    if (src.password() != null && !src.password().isEmpty()) {
      out = out.replace(src.password(), "***");
    }
    if (!src.url().equals(src.safeUrl())) {
      out = out.replace(src.url(), src.safeUrl());
    }
    return out;
  }

  private static void sleep(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StratException(ExitCode.INPUT, "interrupted while waiting to reconnect");
    }
  }
}
