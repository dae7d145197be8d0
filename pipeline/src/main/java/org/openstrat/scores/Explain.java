package org.openstrat.scores;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;

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

  /** The element type of {@link AdmissionRisk#CONTRIBUTIONS}. */
  private static final String CONTRIBUTION_TYPE =
      "struct<neg_contribution:double,feature:string,label:string>";

  /** How many factors are listed. */
  public static final int TOP_N = 3;

  /**
   * Adds top_factors: the labels of up to 3 terms with a positive contribution, largest first, ties
   * by feature name; drops the contributions column of {@link AdmissionRisk#score}.
   */
  public static Dataset<Row> topFactors(Dataset<Row> scored) {
    // The terms that do not add to the risk are null elements (AdmissionRisk#score); removed with
    // array_except rather than a filter lambda, which Spark evaluates outside generated code.
    Column contributions = col(AdmissionRisk.CONTRIBUTIONS);
    Column none = array(lit(null).cast(CONTRIBUTION_TYPE));
    Column positive = array_except(contributions, none);
    // ascending on (-contribution, feature): largest contribution first, then feature name
    Column top = slice(sort_array(positive, true), 1, TOP_N);
    return scored
        .withColumn(TOP_FACTORS, top.getField("label"))
        .drop(AdmissionRisk.CONTRIBUTIONS);
  }
}
