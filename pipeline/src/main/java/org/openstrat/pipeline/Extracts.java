package org.openstrat.pipeline;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.JdbcIngest;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.ingest.RawExtracts;

/**
 * What a run reads and as of when: a folder ({@code --input}) or a warehouse ({@code --sources}),
 * the extract date and the scoring date. Resolved and checked before Spark starts, so that every
 * command fails the same way on the same mistake.
 *
 * @param folder the extract folder, or null when reading a warehouse
 * @param warehouse the warehouse, or null when reading a folder
 */
public record Extracts(Path folder, JdbcSources warehouse, LocalDate extractDate, LocalDate asOf) {

  /**
   * Exit 4 when the folder cannot be read or has no extract date (and none was given); exit 2 when
   * {@code asOf} is after the extract date. The extract date: {@code extractDateOverride}, else the
   * warehouse's, else the folder's extract.properties; the as-of date defaults to it.
   */
  public static Extracts resolve(Path folder, JdbcSources warehouse, LocalDate extractDateOverride,
      LocalDate asOf) {
    if (warehouse == null) {
      Ingest.checkInputFolder(folder);
    }
    LocalDate extract = extractDateOverride != null ? extractDateOverride
        : warehouse != null ? warehouse.extractDate() : Ingest.extractDate(folder);
    if (extract == null) {
      throw StratException.input(
          "Cannot read " + folder.resolve(Ingest.PROPERTIES_FILE)
              + ": no extract_date=yyyy-MM-dd in it (or no such file); add it, or give --extract-date");
    }
    LocalDate scoreDate = asOf != null ? asOf : extract;
    if (scoreDate.isAfter(extract)) {
      throw new StratException(ExitCode.USAGE, "--as-of " + scoreDate + " is after the extract date "
          + extract + "; give a date on or before it (a run cannot score data it does not have)");
    }
    return new Extracts(folder, warehouse, extract, scoreDate);
  }

  /** The reader of the extracts: the folder, or the warehouse staged under {@code work}. */
  Function<Set<Extract>, RawExtracts> reader(SparkSession spark, Path work, PrintWriter progress) {
    if (warehouse == null) {
      return required -> Ingest.read(spark, folder, required);
    }
    return required -> JdbcIngest.read(spark, warehouse, required, work, progress);
  }

  /** The manifest's {@code input}: the folder, or the sources file and URL without credentials. */
  public Object describe() {
    if (warehouse == null) {
      return folder.toAbsolutePath().normalize().toString();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sources", warehouse.file().toAbsolutePath().normalize().toString());
    m.put("url", warehouse.safeUrl());
    return m;
  }
}
