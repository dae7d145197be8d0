package org.openstrat.publish;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per practice, PCN and ICC: patients, and counts by admission-risk band, eFI category and cohort
 * status (new, continuing, left). {@link #counts} is a pure Dataset function giving exact counts;
 * {@link #write} is the only place they are published, always through {@link Disclosure}.
 *
 * <p>Columns: level (practice, pcn, icc), code, measure (patients, admission_risk_band,
 * efi_category, or cohort:NAME:LEVEL), category, count, suppressed. A null category is
 * "unknown". A suppressed count is an empty {@code count} with {@code suppressed} = true, so
 * the count column stays numeric for BI tools (never {@code *} in it).
 */
public final class Summary {
  public static final List<String> HEADER = List.of("level", "code", "measure", "category", "count", "suppressed");

  private Summary() {}

  public static Dataset<Row> counts(Dataset<Row> scores, Dataset<Row> cohort, Dataset<Row> leavers) {
    Column geos =
        array(geo("practice", col("practice_code")), geo("pcn", col("pcn_code")), geo("icc", col("icc_code")));
    Dataset<Row> s =
        scores.select(
            geos.as("g"),
            array(
                    measure(lit("patients"), lit("all")),
                    measure(lit("admission_risk_band"), col("admission_risk_band")),
                    measure(lit("efi_category"), col("efi_category")))
                .as("m"));
    Column cohortMeasure = concat_ws(":", lit("cohort"), col("cohort"), col("cohort_level"));
    Dataset<Row> c = cohort.select(geos.as("g"), array(measure(cohortMeasure, col("status"))).as("m"));
    Dataset<Row> all = s.unionByName(c);
    if (leavers != null) {
      Column iccOfLeaver = when(col("cohort_level").equalTo("icc"), col("cohort_group"));
      Column lgeos =
          array(geo("practice", col("practice_code")), geo("pcn", col("pcn_code")), geo("icc", iccOfLeaver));
      all = all.unionByName(leavers.select(lgeos.as("g"), array(measure(cohortMeasure, lit("left"))).as("m")));
    }
    return all.withColumn("g", explode(col("g")))
        .withColumn("m", explode(col("m")))
        .filter(col("g.code").isNotNull())
        .groupBy(
            col("g.level").as("level"),
            col("g.code").as("code"),
            col("m.measure").as("measure"),
            coalesce(col("m.category"), lit("unknown")).as("category"))
        .count();
  }

  private static Column geo(String level, Column code) {
    return struct(lit(level).as("level"), code.as("code"));
  }

  private static Column measure(Column name, Column category) {
    return struct(name.as("measure"), category.cast("string").as("category"));
  }

  /** The summary file's name in summary/. */
  public static final String FILE = "summary.csv";

  /** Writes summary/summary.csv sorted, every count suppressed and rounded; returns rows. */
  public static long write(Path dir, Dataset<Row> counts) throws IOException {
    Files.createDirectories(dir);
    long n = 0;
    Iterator<Row> it = counts.orderBy("level", "code", "measure", "category").toLocalIterator();
    try (ExcelCsv w = ExcelCsv.create(dir.resolve(FILE), HEADER)) {
      while (it.hasNext()) {
        Row r = it.next();
        String count = Disclosure.count(r.getLong(4));
        boolean suppressed = count.equals(Disclosure.SUPPRESSED);
        w.row(
            List.of(
                ExcelCsv.text(r.getString(0)),
                ExcelCsv.text(r.getString(1)),
                ExcelCsv.text(r.getString(2)),
                ExcelCsv.text(r.getString(3)),
                suppressed ? "" : count,
                Boolean.toString(suppressed)));
        n++;
      }
    }
    return n;
  }
}
