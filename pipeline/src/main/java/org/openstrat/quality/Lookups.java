package org.openstrat.quality;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.ingest.ContractColumn;
import org.openstrat.ingest.Extract;

/**
 * Small tables computed by pre-passes over an extract, each broadcast into the labelling plan
 * instead of a per-row computation or a full-width shuffle. The labelled extract is then a
 * map-only plan, cheap to compute again for the scores instead of caching 100M rows.
 *
 * @param badCodes per SNOMED column: its distinct values that fail the check, one column
 *     {@code _bad_NAME}. A few thousand distinct ids stand behind 50M events, so each is checked
 *     once instead of a Verhoeff sum on every row. Columnar input only (Parquet, or CSV staged
 *     as Parquet): for CSV read as text the extra pass would parse the file once more, which
 *     costs more than the per-row check.
 * @param copies the (file, line, reason) of every duplicate row ({@code DUPLICATE_ROW} or
 *     {@code DUPLICATE_KEY}), or null to find them with windows over the whole extract. For
 *     {@link Validate#LARGE} extracts, exact copies found by hashing every row (a shuffle of 8-byte
 *     hashes, not of rows), then comparing all fields only among rows whose hash repeats; for
 *     {@link Validate#KEYED} ones, {@link Duplicates#ofKeys}.
 */
record Lookups(Map<String, Dataset<Row>> badCodes, Dataset<Row> copies) {
  /** Column prefix of a SNOMED column's failing values. */
  static final String BAD = "_bad_";
  static final Lookups NONE = new Lookups(Map.of(), null);

  Lookups withCopies(Dataset<Row> c) {
    return new Lookups(badCodes, c);
  }

  static Lookups of(Extract e, Dataset<Row> raw, boolean columnar) {
    Map<String, Dataset<Row>> bad = new java.util.HashMap<>();
    for (ContractColumn rule : e.contract()) {
      if (columnar && rule.kind() == ContractColumn.Kind.SNOMED) {
        Column v = col(BAD + rule.name());
        bad.put(rule.name(),
            // The distinct values are cached before the check so the optimiser cannot push
            // the check below the distinct, back onto every row.
            raw.select(col(rule.name()).as(BAD + rule.name()))
                .where(v.isNotNull())
                .distinct()
                .cache()
                .where(Checks.snomedConceptIdValid(v).unary_$bang())
                .cache());
      }
    }
    Dataset<Row> copies = Validate.LARGE.contains(e) ? Duplicates.exactCopies(e, raw) : null;
    return new Lookups(Map.copyOf(bad), copies);
  }
}
