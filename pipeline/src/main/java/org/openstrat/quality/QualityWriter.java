package org.openstrat.quality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SaveMode;
import org.openstrat.cli.StratException;
import org.openstrat.ingest.Extract;

/**
 * Writes OUTPUT/quality/: the quarantine ({@code rejected/EXTRACT/}, Parquet: extract, reason,
 * source_file, line, raw) and {@code report.json} and {@code report.csv}. The quarantine is the only
 * place raw rows are written.
 */
public final class QualityWriter {
  private QualityWriter() {}

  /** The quality folder under an output folder. */
  public static Path qualityDir(Path outDir) {
    return outDir.resolve("quality");
  }

  /** Quarantine and report. */
  public static void write(Validated v, QualityReport r, Path outDir) {
    Path rejected = qualityDir(outDir).resolve("rejected");
    for (Extract e : v.labels().keySet()) {
      v.rejected(e)
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(rejected.resolve(e.fileName()).toUri().toString());
    }
    writeReport(r, outDir);
  }

  /** report.json and report.csv only. */
  public static void writeReport(QualityReport r, Path outDir) {
    Path q = qualityDir(outDir);
    try {
      Files.createDirectories(q);
      Files.writeString(q.resolve("report.json"), r.toJson(), StandardCharsets.UTF_8);
      Files.writeString(q.resolve("report.csv"), r.toCsv(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StratException.publish("Cannot write the quality report to " + q + ": " + e.getMessage());
    }
  }
}
