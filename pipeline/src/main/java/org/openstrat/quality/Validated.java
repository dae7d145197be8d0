package org.openstrat.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.RawExtracts;

/**
 * The result of {@link Validate#apply}: what later stages use and what was set aside. Lazy Spark
 * plans; nothing has been read yet.
 *
 * @param asOf the scoring date
 * @param extractDate the date the extracts were taken
 * @param config the thresholds and population rules the run uses
 * @param raw what was read
 * @param accepted per extract present: the rows used, in {@link Extract#typedSchema()} form (dates
 *     as DATE, Y/N flags as BOOLEAN, ICD-10 normalised, apc_spells one row per spell with
 *     secondary_diagnoses an array) followed by {@code _source_file} and {@code _line} of the row
 *     (for apc_spells, of the spell's first episode)
 * @param labels per extract present: one row per row read, columns {@link Validate#REASON} (null
 *     = accepted), {@link Validate#OUTSIDE_WINDOW}, and for rejected rows only {@link
 *     Validate#SOURCE_FILE}, {@link Validate#LINE}, {@link Validate#RAW}; for the linked extracts
 *     also {@link Validate#NHS_NUMBER} of accepted rows. Small by design so the
 *     command can cache it and count and quarantine from one pass over the input.
 * @param labelled per extract present: the labelled rows both {@code labels} and {@code accepted}
 *     are projections of (contract columns, {@code _source_file}, {@code _line}, {@code _raw} of
 *     rejected rows, {@link Validate#REASON}, {@link Validate#OUTSIDE_WINDOW}, then each date
 *     column parsed once, {@code _parsed_NAME}). A command persists the small ones so their
 *     row checks and duplicate-check shuffle run once; the two GP extracts are labelled by a
 *     map-only plan after {@link Validate}'s pre-passes and computed again where used.
 * @param practicePcn the practice to PCN/ICC/ICP mapping valid on the as-of date, one row per
 *     practice ({@code practices} typed columns)
 */
public record Validated(
    LocalDate asOf,
    LocalDate extractDate,
    QualityConfig config,
    RawExtracts raw,
    Map<Extract, Dataset<Row>> accepted,
    Map<Extract, Dataset<Row>> labels,
    Map<Extract, Dataset<Row>> labelled,
    Dataset<Row> practicePcn) {

  /** The rejected rows of one extract: extract, reason, source_file, line, raw. */
  public Dataset<Row> rejected(Extract e) {
    return rejected(e, labels.get(e));
  }

  /** The rejected rows of one extract's labels (or a plan over them). */
  public static Dataset<Row> rejected(Extract e, Dataset<Row> labels) {
    return labels
        .filter(col(Validate.REASON).isNotNull())
        .select(
            lit(e.fileName()).as(Validate.EXTRACT),
            col(Validate.REASON),
            col(Validate.SOURCE_FILE),
            col(Validate.LINE),
            col(Validate.RAW));
  }

  /** Every extract's rejected rows: extract, reason, source_file, line, raw. */
  public Dataset<Row> rejected() {
    Dataset<Row> all = null;
    for (Extract e : labels.keySet()) {
      Dataset<Row> r = rejected(e);
      all = all == null ? r : all.unionByName(r);
    }
    return all;
  }
}
