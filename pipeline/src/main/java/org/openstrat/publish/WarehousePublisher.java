package org.openstrat.publish;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.StratException;
import org.openstrat.ingest.JdbcSources;

/**
 * {@code --publish-jdbc}: the cohort rows and the summary of a publication written to warehouse
 * tables for analysts who query from Power BI, so that a reader never sees half a night.
 *
 * <p>After the folder is published (it stays the record of the run), its {@code cohort/} and
 * {@code summary/summary.csv} are written to new tables PREFIX{@code cohort_new} and
 * PREFIX{@code summary_new}, then in one transaction the current tables are renamed aside, the
 * new ones renamed in and the old ones dropped. PostgreSQL and SQL Server both roll DDL back with
 * the transaction, so a failure anywhere leaves the previous night's tables as they were. Array
 * columns (deficits, conditions, top factors) are written as text joined by {@code "; "}; every
 * row carries the run id.
 */
public final class WarehousePublisher {
  private WarehousePublisher() {}

  /**
   * Writes and swaps in the cohort and summary tables; returns the cohort rows written.
   *
   * @throws StratException exit 6 when the warehouse refuses (the folder publication stands; the
   *     tables are unchanged)
   */
  public static long publish(SparkSession spark, JdbcSources w, Path publication, String runId) {
    String cohort = w.publishPrefix() + "cohort";
    String summary = w.publishPrefix() + "summary";
    try {
      Dataset<Row> rows = flat(spark.read().parquet(publication.resolve("cohort").toUri().toString()))
          .withColumn("run_id", lit(runId));
      Dataset<Row> sums = summary(spark, publication.resolve("summary").resolve(Summary.FILE))
          .withColumn("run_id", lit(runId));
      try (Connection c = DriverManager.getConnection(w.url(), w.connectionProperties())) {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
          // Left by a run killed part-way: never read by anyone, so dropped.
          st.execute(dropIfExists(w, cohort + "_new"));
          st.execute(dropIfExists(w, summary + "_new"));
        }
      }
      write(rows, w, cohort + "_new");
      write(sums, w, summary + "_new");
      try (Connection c = DriverManager.getConnection(w.url(), w.connectionProperties())) {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
          for (String t : List.of(cohort, summary)) {
            st.execute(dropIfExists(w, t + "_old"));
            st.execute(renameIfExists(w, t, t + "_old"));
            st.execute(renameIfExists(w, t + "_new", t));
            st.execute(dropIfExists(w, t + "_old"));
          }
          c.commit();
        } catch (SQLException e) {
          c.rollback();
          throw e;
        }
      }
      return spark.read().parquet(publication.resolve("cohort").toUri().toString()).count();
    } catch (SQLException | IOException | RuntimeException e) {
      if (e instanceof StratException se) {
        throw se;
      }
      throw StratException.publish("Cannot publish to the warehouse " + w.safeUrl() + " (tables "
          + cohort + ", " + summary + "): " + reason(e, w) + "; the folder " + publication
          + " is published, the warehouse tables are unchanged");
    }
  }

  /** Array columns as text, so that any warehouse (SQL Server has no arrays) takes the rows. */
  static Dataset<Row> flat(Dataset<Row> df) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      Column c = col(f.name());
      cols.add(f.dataType() instanceof ArrayType ? array_join(c, "; ").as(f.name()) : c);
    }
    return df.select(cols.toArray(new Column[0]));
  }

  private static Dataset<Row> summary(SparkSession spark, Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    StructType schema = new StructType();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      r.mark(1);
      if (r.read() != '\uFEFF') {
        r.reset();
      }
      for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
          .get().parse(r)) {
        if (schema.fields().length == 0) {
          for (String h : rec.getParser().getHeaderNames()) {
            schema = schema.add(h, DataTypes.StringType, true);
          }
        }
        rows.add(RowFactory.create(rec.values()));
      }
    }
    if (schema.fields().length == 0) {
      for (String h : Summary.HEADER) {
        schema = schema.add(h, DataTypes.StringType, true);
      }
    }
    return spark.createDataFrame(rows, schema);
  }

  private static void write(Dataset<Row> df, JdbcSources w, String table) {
    var writer = df.write().format("jdbc").mode("errorifexists")
        .option("url", w.url())
        .option("dbtable", table)
        .option("batchsize", "5000");
    w.connectionProperties().forEach((k, v) -> writer.option((String) k, (String) v));
    writer.save();
  }

  private static boolean sqlServer(JdbcSources w) {
    return w.url().toLowerCase(Locale.ROOT).startsWith("jdbc:sqlserver:");
  }

  static String dropIfExists(JdbcSources w, String table) {
    return "DROP TABLE IF EXISTS " + table;
  }

  static String renameIfExists(JdbcSources w, String from, String to) {
    String bare = to.substring(to.lastIndexOf('.') + 1);
    if (sqlServer(w)) {
      return "IF OBJECT_ID('" + from + "', 'U') IS NOT NULL EXEC sp_rename '" + from + "', '"
          + bare + "'";
    }
    return "ALTER TABLE IF EXISTS " + from + " RENAME TO " + bare;
  }

  private static String reason(Exception e, JdbcSources w) {
    Throwable r = e;
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof SQLException) {
        r = c;
        break;
      }
      r = c;
    }
    String m = r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    if (w.password() != null && !w.password().isEmpty()) {
      m = m.replace(w.password(), "***");
    }
    return m.replace(w.url(), w.safeUrl());
  }
}
