package org.openstrat.publish;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The previous publication: the latest complete OUTPUT/yyyy-MM-dd (with {@code _SUCCESS}) dated
 * strictly before this run's as-of date. A rerun of the same date compares with the same earlier
 * publication, so it gives the same statuses and byte-identical files.
 */
public final class Previous {
  private Previous() {}

  public static Optional<Path> find(Path output, LocalDate asOf) throws IOException {
    if (!Files.isDirectory(output)) {
      return Optional.empty();
    }
    LocalDate best = null;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(output)) {
      for (Path p : ds) {
        LocalDate d;
        try {
          d = LocalDate.parse(p.getFileName().toString());
        } catch (DateTimeParseException e) {
          continue;
        }
        // A real folder only: a symbolic link named like a date could point anywhere.
        if (d.isBefore(asOf)
            && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            && Files.exists(p.resolve(Manifest.SUCCESS))
            && Files.isDirectory(p.resolve("cohort"))
            && (best == null || d.isAfter(best))) {
          best = d;
        }
      }
    }
    return Optional.ofNullable(best).map(d -> output.resolve(d.toString()));
  }

  /**
   * Its cohort rows. Read without partition discovery: pcn_code is inside every file. A
   * publication with no cohort rows has an empty cohort/ folder; that reads as null (no previous).
   */
  public static Dataset<Row> cohort(SparkSession spark, Path publication) throws IOException {
    Path dir = publication.resolve("cohort");
    try (var s = Files.walk(dir)) {
      if (s.noneMatch(p -> p.toString().endsWith(".parquet"))) {
        return null;
      }
    }
    return spark.read().option("recursiveFileLookup", "true").parquet(dir.toString());
  }
}
