package org.openstrat.scores;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.Features;

/**
 * Multimorbidity: the long-term conditions present (count) and the Cambridge Multimorbidity Score
 * (Payne RA et al., CMAJ 2020;192:E107-14), the sum of the weights of the conditions present.
 */
public final class Multimorbidity {
  private Multimorbidity() {}

  /** Family name of long-term-condition rules in the coded-event and medication passes. */
  public static final String FAMILY = "ltc";

  public static final String LTC_COUNT = "ltc_count";
  public static final String LTC_CONDITIONS = "ltc_conditions";
  public static final String CMS_SCORE = "cms_score";

  /**
   * @param conditionFlags nhs_number, family, key: rows of family {@code ltc} are the conditions a
   *     patient has (already combined from code and medication evidence); others are ignored
   * @param cmsWeights condition key -&gt; CMS weight; a condition not in the map weighs 0
   * @return nhs_number, ltc_conditions (sorted keys), ltc_count (int), cms_score (rounded to 2
   *     decimals, the weights' precision); only patients with at least one condition
   */
  public static Dataset<Row> score(Dataset<Row> conditionFlags, Map<String, Double> cmsWeights) {
    List<Row> rows = new ArrayList<>();
    cmsWeights.forEach((k, w) -> rows.add(RowFactory.create(k, w)));
    Dataset<Row> weights =
        broadcast(conditionFlags.sparkSession().createDataFrame(rows,
            new StructType().add("cms_key", DataTypes.StringType, false)
                .add("cms_weight", DataTypes.DoubleType, false)));
    return conditionFlags
        .where(col(CodedEvents.FAMILY).equalTo(FAMILY))
        .select(Features.NHS_NUMBER, CodedEvents.KEY)
        .distinct()
        .join(weights, col(CodedEvents.KEY).equalTo(col("cms_key")), "left")
        .groupBy(Features.NHS_NUMBER)
        .agg(
            array_sort(collect_set(col(CodedEvents.KEY))).as(LTC_CONDITIONS),
            round(sum(col("cms_weight")), 2).as(CMS_SCORE))
        .withColumn(LTC_COUNT, size(col(LTC_CONDITIONS)))
        .na().fill(0.0, new String[] {CMS_SCORE});
  }
}
