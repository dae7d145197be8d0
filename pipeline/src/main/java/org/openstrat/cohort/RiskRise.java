package org.openstrat.cohort;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rising risk: the change in a patient's emergency-admission risk since an earlier publication,
 * so that a cohort ({@code rank_by=risk_rise}) can find people whose risk is climbing before they
 * reach the top few percent. The rise is in probability (0.05 = five percentage points); a patient
 * with no earlier score (new to the area, turned 18, or absent from the earlier scores) has a null
 * rise and is left off such lists, counted apart ({@link #withoutEarlier}).
 */
public final class RiskRise {
  /** The scores-table column a cohort ranks by: admission_risk now minus admission_risk then. */
  public static final String COLUMN = "risk_rise";

  private RiskRise() {}

  /**
   * {@code scores} with {@value #COLUMN} added.
   *
   * @param key a column of {@code scores} naming the patient as {@code earlier} names them
   * @param earlier one row per patient: {@code key} (string) and {@code admission_risk} (double);
   *     null when there is no earlier publication to compare with (every rise is null)
   */
  public static Dataset<Row> attach(Dataset<Row> scores, Column key, Dataset<Row> earlier) {
    if (earlier == null) {
      return scores.withColumn(COLUMN, lit(null).cast("double"));
    }
    Dataset<Row> then =
        earlier.select(col("key").as("_rise_key"), col("admission_risk").as("_risk_then"));
    Dataset<Row> j =
        scores.withColumn("_rise_key", key)
            .join(then, Cohorts.scala(List.of("_rise_key")), "left_outer");
    return j.withColumn(COLUMN, col("admission_risk").minus(col("_risk_then")))
        .drop("_rise_key", "_risk_then");
  }

  /**
   * Per list of each risk_rise cohort: how many of the list's patients who match the filter have no
   * earlier score, and so are not ranked. Columns cohort, cohort_level, cohort_group, count.
   */
  public static Dataset<Row> withoutEarlier(Dataset<Row> scores, CohortConfig config) {
    Dataset<Row> out = null;
    for (CohortDefinition d : config.definitions()) {
      if (!d.rankBy().equals(COLUMN)) {
        continue;
      }
      Column filter =
          org.apache.spark.sql.functions.coalesce(
              FilterParser.parse(d.filter(), scores.schema(), "cohort." + d.name() + ".filter"),
              lit(false));
      for (CohortLevel l : d.levels()) {
        Dataset<Row> one =
            scores.filter(filter.and(col(COLUMN).isNull()).and(col(l.groupColumn()).isNotNull()))
                .groupBy(col(l.groupColumn()).as(CohortColumns.GROUP))
                .count()
                .select(lit(d.name()).as(CohortColumns.COHORT), lit(l.key()).as(CohortColumns.LEVEL),
                    col(CohortColumns.GROUP), col("count"));
        out = out == null ? one : out.unionByName(one);
      }
    }
    return out;
  }
}
