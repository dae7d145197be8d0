package org.openstrat.ingest;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every extract found in an input folder, read but not yet validated.
 *
 * @param inputDir the folder read
 * @param extractDate {@code extract_date} from {@code extract.properties}; null when the file or
 *     key is absent (the command line's {@code --extract-date} then has to supply it)
 * @param raw per extract present: {@link Extract#rawSchema()} string columns in contract order,
 *     then {@link Ingest#SOURCE_FILE} (path relative to the input folder), {@link Ingest#LINE}
 *     (CSV: physical line of the record's first line, header = 1; Parquet: row number from 1 in its
 *     file), {@link Ingest#RAW} (CSV: the physical line(s) as read, or null where {@link
 *     Ingest#rawText} gives them back from the fields; Parquet: null) and {@link
 *     Ingest#STRUCTURE_ERROR} (a {@code Reason} name for a malformed CSV record, else null; its
 *     field columns are then null)
 * @param files the files each extract was read from
 * @param ignoredFiles files in the folder that are not an extract (reported, not read)
 * @param staged CSV extracts converted to Parquet by {@link Ingest#stageCsv}, read from there
 */
public record RawExtracts(
    Path inputDir,
    LocalDate extractDate,
    Map<Extract, Dataset<Row>> raw,
    Map<Extract, List<Path>> files,
    List<Path> ignoredFiles,
    Set<Extract> staged) {

  /** True when the extract was read from CSV (part files .csv or .csv.gz), false for Parquet. */
  public boolean isCsv(Extract e) {
    List<Path> parts = files.get(e);
    return parts != null && !parts.isEmpty() && Ingest.isCsvName(parts.get(0).getFileName().toString());
  }

  /**
   * True when reading the extract again is a columnar scan (Parquet input, or CSV staged as
   * Parquet), so that a pre-pass over a few of its columns is cheap.
   */
  public boolean isColumnar(Extract e) {
    return !isCsv(e) || staged.contains(e);
  }
}
