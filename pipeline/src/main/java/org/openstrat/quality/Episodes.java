package org.openstrat.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.ingest.Ingest;
import org.openstrat.spark.Codegen;

/** SUS admitted patient care: consultant episodes become hospital spells. */
final class Episodes {
  private Episodes() {}

  /**
   * Merges SUS consultant episodes into spells: rows sharing spell_id (and, by the duplicate
   * check, nhs_number and admission_date) become one row with the first episode's method and
   * primary diagnosis, the latest discharge date, and every episode's other diagnoses as a sorted,
   * distinct secondary list.
   */
  static Dataset<Row> merge(Dataset<Row> apc) {
    Column order = struct(col(Ingest.SOURCE_FILE), col(Ingest.LINE));
    Column firstEpisode =
        min_by(
            struct(
                col("nhs_number"),
                col("provider_code"),
                col("admission_date"),
                col("admission_method"),
                col("primary_diagnosis"),
                col(Ingest.SOURCE_FILE),
                col(Ingest.LINE)),
            order);
    Dataset<Row> g =
        apc.groupBy(col("spell_id"))
            .agg(
                firstEpisode.as("_f"),
                max(col("discharge_date")).as("discharge_date"),
                flatten(
                        collect_list(
                            concat(col("secondary_diagnoses"), array(col("primary_diagnosis")))))
                    .as("_dx"));
    return g.select(
        col("_f.nhs_number").as("nhs_number"),
        col("spell_id"),
        col("_f.provider_code").as("provider_code"),
        col("_f.admission_date").as("admission_date"),
        col("discharge_date"),
        col("_f.admission_method").as("admission_method"),
        col("_f.primary_diagnosis").as("primary_diagnosis"),
        Codegen.sorted(array_except(col("_dx"), array(col("_f.primary_diagnosis"))))
            .as("secondary_diagnoses"),
        col("_f." + Ingest.SOURCE_FILE).as(Ingest.SOURCE_FILE),
        col("_f." + Ingest.LINE).as(Ingest.LINE));
  }
}
