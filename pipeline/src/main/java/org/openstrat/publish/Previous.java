package org.openstrat.publish;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openstrat.cohort.CohortColumns;
import org.openstrat.ingest.Extract;
import org.openstrat.quality.PreviousRows;

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
   * Rows read per extract by the previous publication before {@code asOf}, summed from its
   * manifest's {@code inputs} (each file's rows; a file's extract is its first path part without
   * extension), for the row-drop completeness rule. An extract any of whose files has no count is
   * left out; an unreadable manifest gives {@link PreviousRows#NONE} (the rule is skipped, never a
   * failed run for want of history).
   */
  public static PreviousRows rows(Path output, LocalDate asOf) {
    try {
      Optional<Path> prev = find(output, asOf);
      if (prev.isEmpty() || !Files.isRegularFile(prev.get().resolve(Manifest.FILE))) {
        return PreviousRows.NONE;
      }
      JsonNode inputs = new ObjectMapper().readTree(prev.get().resolve(Manifest.FILE).toFile()).path("inputs");
      Map<Extract, Long> rows = new EnumMap<>(Extract.class);
      Set<Extract> unknown = EnumSet.noneOf(Extract.class);
      for (JsonNode in : inputs) {
        String file = in.path("file").asText("");
        String first = file.split("/", 2)[0];
        int dot = first.indexOf('.');
        Optional<Extract> e = Extract.byFileName(dot < 0 ? first : first.substring(0, dot));
        if (e.isEmpty()) {
          continue;
        }
        JsonNode n = in.path("rows");
        if (n.isIntegralNumber()) {
          rows.merge(e.get(), n.asLong(), Long::sum);
        } else {
          unknown.add(e.get());
        }
      }
      unknown.forEach(rows::remove);
      return new PreviousRows(prev.get().getFileName().toString(), rows);
    } catch (IOException | RuntimeException e) {
      return PreviousRows.NONE;
    }
  }

  /** The cohort record's risk before it became a probability: a percentage, 1 decimal. */
  static final String OLD_RISK_PCT = "admission_risk_pct";

  /**
   * Its cohort rows. Read without partition discovery: pcn_code is inside every file. A
   * publication with no cohort rows has an empty cohort/ folder; that reads as null (no previous).
   * A publication written before the record carried {@code admission_risk} (a probability) has
   * {@code admission_risk_pct}; it is read as {@code admission_risk} = pct / 100, so the first run
   * after the change still finds each patient's previous risk.
   */
  public static Dataset<Row> cohort(SparkSession spark, Path publication) throws IOException {
    Path dir = publication.resolve("cohort");
    try (var s = Files.walk(dir)) {
      if (s.noneMatch(p -> p.toString().endsWith(".parquet"))) {
        return null;
      }
    }
    Dataset<Row> rows = spark.read().option("recursiveFileLookup", "true").parquet(dir.toString());
    java.util.List<String> cols = java.util.List.of(rows.columns());
    if (cols.contains(OLD_RISK_PCT) && !cols.contains(CohortColumns.ADMISSION_RISK)) {
      rows = rows.withColumn(CohortColumns.ADMISSION_RISK, col(OLD_RISK_PCT).divide(100)).drop(OLD_RISK_PCT);
    }
    return rows;
  }
}
