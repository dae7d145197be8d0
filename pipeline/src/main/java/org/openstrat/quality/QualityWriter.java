package org.openstrat.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.openstrat.core.Reason;
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

  /** What the quarantine pass measured: the caller's metrics, and the rejected rows per reason. */
  public record Tally(Map<String, Object> metrics, Map<Reason, Long> rejected) {}

  /**
   * Writes one extract's quarantine, {@code quality/rejected/EXTRACT/}, and returns what was
   * measured in the same pass: the {@code metrics} (aggregates over every labelled row, accepted or
   * not) and the rows written per reason. Both are {@link Observation}s, so the row checks run once
   * for the counts and the quarantine, and the quarantine is not read back to be counted.
   */
  public static Tally writeQuarantine(Validated v, Extract e, Path outDir, List<Column> metrics) {
    Observation tally = new Observation("tally_" + e.fileName());
    Observation reasons = new Observation("reasons_" + e.fileName());
    // Observed on the labelled rows, below the labels' projection, so that the filter to rejected
    // rows still comes before the raw text is rebuilt (the observation is a barrier to pushdown).
    Dataset<Row> observed =
        v.labelled().get(e).observe(tally, metrics.get(0),
            metrics.subList(1, metrics.size()).toArray(new Column[0]));
    // Per reason on the rejected rows only: a few comparisons for each of a few rows.
    Column[] perReason = new Column[Reason.values().length];
    for (Reason r : Reason.values()) {
      perReason[r.ordinal()] = count_if(col(Validate.REASON).equalTo(r.name())).as(r.name());
    }
    Validated.rejected(e, Validate.labelsOf(e, observed))
        .observe(reasons, perReason[0], Arrays.copyOfRange(perReason, 1, perReason.length))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(qualityDir(outDir).resolve("rejected").resolve(e.fileName()).toUri().toString());
    try {
      Map<Reason, Long> rejected = new EnumMap<>(Reason.class);
      for (Map.Entry<String, Object> en : reasons.getAsJava().entrySet()) {
        long n = en.getValue() == null ? 0 : ((Number) en.getValue()).longValue();
        if (n > 0) {
          rejected.put(Reason.valueOf(en.getKey()), n);
        }
      }
      return new Tally(tally.getAsJava(), rejected);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while counting " + e.fileName(), ex);
    }
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
