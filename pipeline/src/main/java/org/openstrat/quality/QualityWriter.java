package org.openstrat.quality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.openstrat.core.StratException;
import org.openstrat.ingest.Extract;
import org.openstrat.util.IoErrors;

/**
 * Writes OUTPUT/quality/: the quarantine ({@code rejected/EXTRACT/}, Parquet: extract, reason,
 * source_file, line, raw) and {@code report.json} and {@code report.csv}. The quarantine is the only
 * place raw rows are written.
 */
public final class QualityWriter {
  private QualityWriter() {}

  /** What {@link #writeReport} writes, relative to the output folder (checked before publishing). */
  public static final java.util.List<String> REPORT_FILES =
      java.util.List.of("quality/report.json", "quality/report.csv");

  /** The quality folder under an output folder. */
  public static Path qualityDir(Path outDir) {
    return outDir.resolve("quality");
  }

  /**
   * Writes one extract's quarantine, {@code quality/rejected/EXTRACT/}, and returns the {@code
   * metrics} (aggregates over every labelled row, accepted or not) measured in the same pass: an
   * {@link Observation} on the labelled rows, so the row checks run once for both the counts and
   * the quarantine.
   */
  public static Map<String, Object> writeQuarantine(
      Validated v, Extract e, Path outDir, List<Column> metrics) {
    Observation tally = new Observation("tally_" + e.fileName());
    // Observed on the labelled rows, below the labels' projection, so that the filter to rejected
    // rows still comes before the raw text is rebuilt (the observation is a barrier to pushdown).
    Dataset<Row> observed =
        v.labelled().get(e).observe(tally, metrics.get(0),
            metrics.subList(1, metrics.size()).toArray(new Column[0]));
    Validated.rejected(e, Validate.labelsOf(e, observed))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(qualityDir(outDir).resolve("rejected").resolve(e.fileName()).toUri().toString());
    try {
      return tally.getAsJava();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while counting " + e.fileName(), ex);
    }
  }

  /** The quarantine {@link #writeQuarantine} wrote for one extract. */
  public static Dataset<Row> readQuarantine(SparkSession spark, Extract e, Path outDir) {
    return spark.read().parquet(
        qualityDir(outDir).resolve("rejected").resolve(e.fileName()).toUri().toString());
  }

  /** report.json and report.csv only. */
  public static void writeReport(QualityReport r, Path outDir) {
    Path q = qualityDir(outDir);
    try {
      Files.createDirectories(q);
      Files.writeString(q.resolve("report.json"), r.toJson(), StandardCharsets.UTF_8);
      Files.writeString(q.resolve("report.csv"), r.toCsv(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StratException.publish("Cannot write the quality report to " + q + ": " + IoErrors.reason(e));
    }
  }
}
