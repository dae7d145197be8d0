package org.openstrat.publish;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One file per PCN or ICC, written from the driver via toLocalIterator over a sorted Dataset
 * (never a collect of everything), named only from validated codes ({@link SafeNames}). Shared by
 * the cohort and register outputs.
 */
final class GroupedFiles {
  private GroupedFiles() {}

  /** A CSV layout: plain-English header and the cells of a row. */
  record Csv(List<String> headers, Function<Row, List<String>> cells) {}

  /**
   * {@code dir/pcn_code=U#####/part-00000.snappy.parquet} per PCN, rows in {@code order}; with
   * {@code everyPcn}, a PCN without rows still gets its (empty) file, so "nothing happened" and
   * "not published" cannot be confused. Returns the rows written.
   */
  static long parquetByPcn(Path dir, Dataset<Row> ds, Schema schema, LocalDate asOf, String[] order,
      Collection<String> everyPcn) throws IOException {
    Files.createDirectories(dir);
    Iterator<Row> it = sorted(ds, order).toLocalIterator();
    TreeSet<String> unseen = new TreeSet<>(everyPcn == null ? List.of() : everyPcn);
    String current = null;
    ParquetWriter<GenericRecord> w = null;
    long n = 0;
    try {
      while (it.hasNext()) {
        Row r = it.next();
        String pcn = r.getAs("pcn_code");
        if (w == null || !pcn.equals(current)) {
          if (w != null) {
            w.close();
          }
          current = pcn;
          unseen.remove(pcn);
          w = parquetWriter(dir, pcn, schema);
        }
        w.write(AvroRecords.toRecord(r, schema, asOf));
        n++;
      }
    } finally {
      if (w != null) {
        w.close();
      }
    }
    for (String pcn : unseen) {
      parquetWriter(dir, pcn, schema).close();
    }
    return n;
  }

  private static ParquetWriter<GenericRecord> parquetWriter(Path dir, String pcn, Schema schema)
      throws IOException {
    Path part = SafeNames.child(dir, SafeNames.PCN, "PCN", pcn, "");
    return AvroRecords.writer(
        dir.resolve("pcn_code=" + part.getFileName()).resolve(CohortFiles.PARQUET_FILE), schema);
  }

  /**
   * {@code dir/CODE.csv} per value of {@code groupColumn}, rows in {@code order}; with {@code
   * everyGroup}, a header-only file for each group without rows. Returns {rows, files}.
   */
  static long[] csvByGroup(Path dir, Dataset<Row> ds, String groupColumn, Pattern codePattern,
      String what, Csv layout, String[] order, Collection<String> everyGroup) throws IOException {
    Files.createDirectories(dir);
    Iterator<Row> it = sorted(ds, order).toLocalIterator();
    TreeSet<String> unseen = new TreeSet<>(everyGroup == null ? List.of() : everyGroup);
    String current = null;
    ExcelCsv w = null;
    long rows = 0;
    long files = 0;
    try {
      while (it.hasNext()) {
        Row r = it.next();
        String group = r.getAs(groupColumn);
        if (w == null || !group.equals(current)) {
          if (w != null) {
            w.close();
          }
          current = group;
          unseen.remove(group);
          w = ExcelCsv.create(SafeNames.child(dir, codePattern, what, group, ".csv"), layout.headers());
          files++;
        }
        w.row(layout.cells().apply(r));
        rows++;
      }
    } finally {
      if (w != null) {
        w.close();
      }
    }
    for (String group : unseen) {
      ExcelCsv.create(SafeNames.child(dir, codePattern, what, group, ".csv"), layout.headers()).close();
      files++;
    }
    return new long[] {rows, files};
  }

  /** Rows of {@code ds} whose {@code column} equals {@code value}. */
  static Dataset<Row> where(Dataset<Row> ds, String column, String value) {
    return ds.filter(col(column).equalTo(value));
  }

  /**
   * One partition sorted on the driver's order: a cohort or register is a few percent of the
   * population, so one sorted partition is cheap and avoids a range-sampling job per output.
   */
  static Dataset<Row> sorted(Dataset<Row> ds, String[] order) {
    return ds.coalesce(1)
        .sortWithinPartitions(order[0], java.util.Arrays.copyOfRange(order, 1, order.length));
  }
}
