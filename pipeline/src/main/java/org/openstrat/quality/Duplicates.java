package org.openstrat.quality;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.openstrat.core.Reason;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;

/**
 * Duplicate finding without a shuffle of whole rows: pre-passes that hash rows (or keys), find
 * the hashes that repeat, and compare in full only the rows behind them. Their result, the
 * (file, line, reason) of each duplicate, is broadcast into the labelling pass ({@link Lookups}).
 */
final class Duplicates {
  static final String HASH = "_row_hash";
  static final String COPY_FILE = "_copy_file";
  static final String COPY_LINE = "_copy_line";
  static final String COPY_REASON = "_copy_reason";

  private Duplicates() {}

  /**
   * The (file, line, reason) of every exact copy after the first of a {@link Validate#LARGE}
   * extract's rows: every row hashed (a shuffle of 8-byte hashes, not of rows), then all fields
   * compared only among the rows whose hash repeats. The first is by file, then line.
   */
  static Dataset<Row> exactCopies(Extract e, Dataset<Row> raw) {
    Column[] all = e.columns().stream().map(functions::col).toArray(Column[]::new);
    Dataset<Row> hashed = raw.withColumn(HASH, functions.xxhash64(all));
    Dataset<Row> repeated = repeatedHashes(hashed.select(col(HASH)));
    List<Column> byRow = new ArrayList<>(List.of(all));
    byRow.add(0, col(HASH));
    return hashed.join(broadcast(repeated), col(HASH).equalTo(col("_repeated")))
            .withColumn(Validate.ROW_NUMBER, row_number().over(
                Window.partitionBy(byRow.toArray(new Column[0]))
                    .orderBy(col(Ingest.SOURCE_FILE), col(Ingest.LINE))))
            .where(col(Validate.ROW_NUMBER).gt(1))
            .select(col(Ingest.SOURCE_FILE).as(COPY_FILE), col(Ingest.LINE).as(COPY_LINE),
                lit(Reason.DUPLICATE_ROW.name()).as(COPY_REASON))
            .cache();
  }

  /**
   * The (file, line, reason) of every {@code DUPLICATE_ROW} and {@code DUPLICATE_KEY} row of a
   * keyed extract. Only a key that occurs more than once can make a duplicate, so the keys'
   * hashes are shuffled (8 bytes a row) to find the repeated ones ({@link #repeatedHashes}), and
   * the rows holding them, whole key groups, are labelled with the windows. A key group is all
   * there or all absent, so each row's duplicate reason is what the windows over the whole extract
   * would give; a hash collision only adds a group.
   */
  static Dataset<Row> ofKeys(
      Extract e, Dataset<Row> raw, LocalDate asOf, LocalDate extractDate, Dataset<Row> refKeys,
      Dataset<Row> practicePcn, Lookups lookups) {
    Column keyHash = functions.xxhash64(
        e.key().stream().map(functions::col).toArray(Column[]::new));
    Dataset<Row> repeated = repeatedHashes(raw.select(keyHash.as(HASH)));
    Dataset<Row> groups =
        raw.join(broadcast(repeated), keyHash.equalTo(col("_repeated")), "left_semi");
    return Validate.label(e, groups, asOf, extractDate, refKeys, practicePcn, lookups)
        .where(col(Validate.REASON).isin(Reason.DUPLICATE_ROW.name(), Reason.DUPLICATE_KEY.name()))
        .select(col(Ingest.SOURCE_FILE).as(COPY_FILE), col(Ingest.LINE).as(COPY_LINE),
            col(Validate.REASON).as(COPY_REASON))
        .cache();
  }

  /**
   * The values of a one-column long Dataset that occur more than once, each once, in a column
   * {@code _repeated}. Shuffled by value; each partition's values are then read into a long array
   * and sorted there. With almost every value distinct (row hashes), a count per value would build
   * a hash table of them all and a useless map-side partial count first; Spark's own sort spills
   * where this cannot, but sorted 8-byte rows at three times the cost (the 1M system's 43M event
   * hashes: 15 s). A partition holds what adaptive execution puts in one (64 MB of shuffled rows
   * by default): at most 8 bytes a value here, twice that while the array grows.
   */
  static Dataset<Row> repeatedHashes(Dataset<Row> hashes) {
    String c = hashes.columns()[0];
    return hashes.repartition(col(c))
        .as(Encoders.LONG())
        .mapPartitions((MapPartitionsFunction<Long, Long>) Duplicates::repeatedIn,
            Encoders.LONG())
        .toDF("_repeated");
  }

  /** Of values in any order, each value that occurs more than once, once, in ascending order. */
  static Iterator<Long> repeatedIn(Iterator<Long> values) {
    long[] v = new long[1024];
    int n = 0;
    while (values.hasNext()) {
      if (n == v.length) {
        v = java.util.Arrays.copyOf(v, n * 2);
      }
      v[n++] = values.next();
    }
    java.util.Arrays.sort(v, 0, n);
    return repeatedInOrder(java.util.Arrays.stream(v, 0, n).iterator());
  }

  /** From sorted values, each value that occurs more than once, once (lazily). */
  static Iterator<Long> repeatedInOrder(Iterator<Long> sorted) {
    return new Iterator<>() {
      private Long next; // the next repeated value to return
      private Long ahead; // the first value of the next run, already read

      @Override
      public boolean hasNext() {
        while (next == null && (ahead != null || sorted.hasNext())) {
          Long v = ahead != null ? ahead : sorted.next();
          ahead = null;
          int run = 1;
          while (ahead == null && sorted.hasNext()) {
            Long w = sorted.next();
            if (w.equals(v)) {
              run++;
            } else {
              ahead = w;
            }
          }
          if (run > 1) {
            next = v;
          }
        }
        return next != null;
      }

      @Override
      public Long next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        Long v = next;
        next = null;
        return v;
      }
    };
  }
}
