package org.openstrat.scores;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.transform;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Explanations: the factors that add most to a patient's admission-risk log-odds. (The eFI
 * deficits present are already listed, as keys, in {@code efi_deficits}.)
 */
public final class Explain {
  private Explain() {}

  public static final String TOP_FACTORS = "top_factors";

  /** How many factors are listed. */
  public static final int TOP_N = 3;

  /**
   * Adds top_factors: the labels of up to 3 terms with a positive contribution, largest first, ties
   * by feature name; drops the contributions column of {@link AdmissionRisk#score}.
   */
  public static Dataset<Row> topFactors(Dataset<Row> scored) {
    Column positive =
        filter(col(AdmissionRisk.CONTRIBUTIONS), c -> c.getField("neg_contribution").lt(0));
    // ascending on (-contribution, feature): largest contribution first, then feature name
    Column top = slice(sort_array(positive, true), 1, TOP_N);
    return scored
        .withColumn(TOP_FACTORS, transform(top, c -> c.getField("label")))
        .drop(AdmissionRisk.CONTRIBUTIONS);
  }
}
