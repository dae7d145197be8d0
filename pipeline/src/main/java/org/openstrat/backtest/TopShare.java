package org.openstrat.backtest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.openstrat.cohort.Cohorts;

/**
 * The top k% of each list by a score, chosen exactly as the cohorts choose theirs ({@link
 * org.openstrat.cohort.Cohorts#select}): ceil(k x patients / 100) patients, ties at the cut-off
 * broken by admission risk, eFI, HFRS (each descending, missing last), then the salted hash of the
 * NHS number. Within it: how many had each outcome, so PPV (events / size), sensitivity (events /
 * all events in the list) and lift (PPV / the list's event rate).
 */
public final class TopShare {
  private TopShare() {}

  /** The shares reported: the cohorts' usual 3-5% and a wider 10%. */
  public static final List<Integer> PERCENTS = List.of(3, 5, 10);

  /** One list, score, share and outcome. */
  public record Result(
      String level, String code, String score, int percent, String outcome, long patients,
      long events, long size, long eventsInTop) {
    public double ppv() {
      return size == 0 ? Double.NaN : eventsInTop / (double) size;
    }

    public double sensitivity() {
      return events == 0 ? Double.NaN : eventsInTop / (double) events;
    }

    public double lift() {
      return events == 0 || size == 0 ? Double.NaN : ppv() / (events / (double) patients);
    }
  }

  /**
   * @param lists {@link Lists#of} a frame with nhs_number, admission_risk, efi, hfrs, each score
   *     and each outcome (0/1 int)
   */
  public static List<Result> compute(
      Dataset<Row> lists, List<String> scores, List<String> outcomes, List<Integer> percents,
      String tieSalt) {
    Dataset<Row> melted = null;
    for (String s : scores) {
      List<Column> cols = new ArrayList<>(List.of(col(Lists.LEVEL), col(Lists.CODE),
          lit(s).as(Auroc.SCORE), col(s).cast("double").as(Auroc.VALUE),
          col("admission_risk"), col("efi"), col("hfrs"), col("nhs_number")));
      outcomes.forEach(o -> cols.add(col(o)));
      Dataset<Row> one = lists.select(cols.toArray(Column[]::new));
      melted = melted == null ? one : melted.unionByName(one);
    }
    WindowSpec list = Window.partitionBy(Lists.LEVEL, Lists.CODE, Auroc.SCORE);
    WindowSpec ordered = list.orderBy(Cohorts.rankOrder(col(Auroc.VALUE), tieSalt));
    Dataset<Row> ranked = melted
        .withColumn("_rank", row_number().over(ordered))
        .withColumn("_n", count(lit(1)).over(list).cast("long"));
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("patients"));
    for (String o : outcomes) {
      aggs.add(sum(col(o)).cast("long").as("events_" + o));
    }
    for (int k : percents) {
      Column in = col("_rank").leq(Cohorts.topSize(col("_n"), k));
      aggs.add(sum(when(in, 1L).otherwise(0L)).as("size_" + k));
      for (String o : outcomes) {
        aggs.add(coalesce(sum(when(in, col(o)).otherwise(0)), lit(0L)).cast("long")
            .as("top_" + k + "_" + o));
      }
    }
    Dataset<Row> per =
        ranked.groupBy(col(Lists.LEVEL), col(Lists.CODE), col(Auroc.SCORE))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    List<Result> results = new ArrayList<>();
    for (Row r : per.collectAsList()) {
      for (int k : percents) {
        for (String o : outcomes) {
          results.add(new Result(r.getString(0), r.getString(1), r.getString(2), k, o,
              r.<Long>getAs("patients"), r.<Long>getAs("events_" + o), r.<Long>getAs("size_" + k),
              r.<Long>getAs("top_" + k + "_" + o)));
        }
      }
    }
    return results;
  }
}
