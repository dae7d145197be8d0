package org.openstrat.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.openstrat.ingest.ContractColumn;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.util.SideBySide;

/**
 * The big GP extracts (95% of the rows) labelled once. Each is written to the run's scratch
 * folder in one pass, in its typed form (the columns later stages read, dates already parsed)
 * with its label, and the raw text only of its rejected rows; the counts, the quarantine and the
 * scores then read that narrow copy instead of checking every row again (docs/performance.md).
 */
public final class Staging {
  /** Staged column: the raw text of a rejected row (null for accepted rows). */
  static final String REJECTED_RAW = "_rejected_raw";

  private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE =
      new java.util.concurrent.atomic.AtomicInteger();

  private Staging() {}

  /**
   * Writes the labelled rows of each extract of {@link Validate#LARGE} in {@code v} under {@code
   * work} and returns {@code v} with their labelled rows, labels and accepted rows read from there.
   * Other extracts are unchanged.
   *
   * @param work the run's scratch folder (deleted by the caller when the run ends)
   */
  public static Validated stageLarge(Validated v, Path work) {
    Map<Extract, Dataset<Row>> accepted = new EnumMap<>(v.accepted());
    Map<Extract, Dataset<Row>> labels = new EnumMap<>(v.labels());
    Map<Extract, Dataset<Row>> labelled = new EnumMap<>(v.labelled());
    Map<Extract, String> dirs = new EnumMap<>(Extract.class);
    for (Extract e : Validate.LARGE) {
      if (v.labelled().get(e) != null) {
        // A folder of its own per call: a backtest validates twice into one scratch folder.
        dirs.put(e, work.resolve("labelled-" + SEQUENCE.incrementAndGet() + "-" + e.fileName())
            .toUri().toString());
      }
    }
    Map<Extract, StructType> written = writeSideBySide(dirs, e -> form(e, v.labelled().get(e)));
    for (Map.Entry<Extract, String> d : dirs.entrySet()) {
      Extract e = d.getKey();
      String dir = d.getValue();
      // Read with the schema just written: without it Spark runs a job to read it from a footer.
      Dataset<Row> staged =
          v.labelled().get(e).sparkSession().read().schema(written.get(e)).parquet(dir);
      Dataset<Row> asLabelled = withParsedDates(e, staged);
      labelled.put(e, asLabelled);
      labels.put(e, Validate.labelsOf(e, asLabelled));
      accepted.put(e, accepted(e, staged));
    }
    return new Validated(v.asOf(), v.extractDate(), v.config(), v.raw(),
        Collections.unmodifiableMap(accepted), Collections.unmodifiableMap(labels),
        Collections.unmodifiableMap(labelled), v.practicePcn());
  }

  /**
   * Writes each extract's rows to its folder, all at once from a thread each. Every extract's
   * labelling runs as a few Spark jobs (the registered list, its SNOMED ids, the hash shuffle,
   * the labelling pass), each ending in a few long tasks that leave a core idle; written side by
   * side, one extract's tasks fill what the other leaves (the scheduler is first in, first out,
   * so the first extract's tasks still go first). The first failure is this call's.
   *
   * @return the schema each extract's rows were written with
   */
  private static Map<Extract, StructType> writeSideBySide(
      Map<Extract, String> dirs, java.util.function.Function<Extract, Dataset<Row>> rows) {
    Map<Extract, StructType> written = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ExecutorService pool = SideBySide.pool("strat-staging", dirs.size());
    try {
      List<java.util.concurrent.Future<?>> writing = new ArrayList<>();
      for (Map.Entry<Extract, String> d : dirs.entrySet()) {
        writing.add(pool.submit(() -> {
          Dataset<Row> r = rows.apply(d.getKey());
          written.put(d.getKey(), r.schema());
          r.write().mode(SaveMode.Overwrite).parquet(d.getValue());
        }));
      }
      writing.forEach(SideBySide::await);
    } finally {
      pool.shutdownNow();
    }
    return written;
  }

  /** What is written: the typed columns, the label, and the text of rejected rows. */
  static Dataset<Row> form(Extract e, Dataset<Row> labelled) {
    List<Column> cols = new ArrayList<>(Validate.typedColumns(e));
    cols.add(col(Validate.REASON));
    cols.add(col(Validate.OUTSIDE_WINDOW));
    cols.add(when(col(Validate.REASON).isNotNull(), Ingest.rawText(e)).as(REJECTED_RAW));
    return labelled.select(cols.toArray(new Column[0]));
  }

  /** The accepted rows of a staged extract, as {@link Validate#typed} gives them. */
  static Dataset<Row> accepted(Extract e, Dataset<Row> staged) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : e.typedSchema().fields()) {
      cols.add(col(f.name()));
    }
    cols.add(col(Ingest.SOURCE_FILE));
    cols.add(col(Ingest.LINE));
    return staged.where(col(Validate.REASON).isNull()).select(cols.toArray(new Column[0]));
  }

  /** The staged rows with each date's parsed form under the labelled name the report reads. */
  private static Dataset<Row> withParsedDates(Extract e, Dataset<Row> staged) {
    Dataset<Row> d = staged;
    for (ContractColumn rule : e.contract()) {
      if (rule.kind() == ContractColumn.Kind.DATE) {
        d = d.withColumn(Validate.parsedName(rule.name()), col(rule.name()));
      }
    }
    return d;
  }
}
