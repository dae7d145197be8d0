package org.openstrat.backtest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Area under the ROC curve: the probability that a patient who had the outcome scores higher than
 * one who did not, ties counting half (the Mann-Whitney statistic). The 95% interval is DeLong's
 * (DeLong ER et al., Biometrics 1988;44:837-45): each patient's placement value is the share of
 * the other class it outranks (ties half), the variance is {@code S10/P + S01/N} from their
 * spread. Computed from counts per distinct score value, so patients with one value are one
 * row, and every list, score and outcome is one Spark job. A missing score ranks lowest.
 */
public final class Auroc {
  private Auroc() {}

  /** One list, score and outcome. {@code auc} is NaN when either class is empty. */
  public record Result(
      String level, String code, String score, String outcome, long patients, long events,
      double auc, double low, double high) {}

  static final String SCORE = "score";
  static final String VALUE = "value";

  /**
   * @param lists {@link Lists#of} a frame with each score column and each outcome (0/1 int)
   */
  public static List<Result> compute(
      Dataset<Row> lists, List<String> scores, List<String> outcomes) {
    Dataset<Row> melted = melt(lists, scores, outcomes);
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("n"));
    outcomes.forEach(o -> aggs.add(sum(col(o)).as("pos_" + o)));
    Dataset<Row> g =
        melted.groupBy(col(Lists.LEVEL), col(Lists.CODE), col(SCORE), col(VALUE))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    WindowSpec list = Window.partitionBy(Lists.LEVEL, Lists.CODE, SCORE);
    WindowSpec below = list.orderBy(VALUE).rowsBetween(Window.unboundedPreceding(), -1);
    List<Column> out = new ArrayList<>(List.of(col(Lists.LEVEL), col(Lists.CODE), col(SCORE)));
    out.add(first(col("total")).as("n"));
    for (String o : outcomes) {
      Column pos = col("pos_" + o);
      Column neg = col("n").minus(pos);
      g = g.withColumn("neg_" + o, neg)
          .withColumn("P_" + o, sum(pos).over(list))
          .withColumn("N_" + o, sum(col("neg_" + o)).over(list))
          .withColumn("negBelow_" + o, coalesce(sum(col("neg_" + o)).over(below), lit(0L)))
          .withColumn("posBelow_" + o, coalesce(sum(pos).over(below), lit(0L)));
      Column p = col("P_" + o).cast("double");
      Column n = col("N_" + o).cast("double");
      // a positive's placement: negatives below it plus half the tied ones, over N
      Column v10 = col("negBelow_" + o).plus(col("neg_" + o).multiply(0.5)).divide(n);
      // a negative's placement: positives above it plus half the tied ones, over P
      Column posAbove = col("P_" + o).minus(col("posBelow_" + o)).minus(pos);
      Column v01 = posAbove.plus(pos.multiply(0.5)).divide(p);
      g = g.withColumn("v10_" + o, v10).withColumn("v01_" + o, v01);
      g = g.withColumn("auc_" + o, sum(pos.multiply(col("v10_" + o))).over(list).divide(p));
      Column auc = col("auc_" + o);
      out.add(first(col("P_" + o)).as("P_" + o));
      out.add(first(col("N_" + o)).as("N_" + o));
      out.add(first(auc).as("auc_" + o));
      out.add(sum(pos.multiply(pow(col("v10_" + o).minus(auc), 2))).as("s10_" + o));
      out.add(sum(col("neg_" + o).multiply(pow(col("v01_" + o).minus(auc), 2))).as("s01_" + o));
    }
    g = g.withColumn("total", sum(col("n")).over(list));
    Dataset<Row> per =
        g.groupBy(col(Lists.LEVEL), col(Lists.CODE), col(SCORE))
            .agg(out.get(3), out.subList(4, out.size()).toArray(Column[]::new));
    List<Result> results = new ArrayList<>();
    for (Row r : per.collectAsList()) {
      for (String o : outcomes) {
        long pos = r.<Long>getAs("P_" + o);
        long neg = r.<Long>getAs("N_" + o);
        double auc = pos == 0 || neg == 0 ? Double.NaN : dbl(r, "auc_" + o);
        double[] ci = interval(auc, pos, neg, dbl(r, "s10_" + o), dbl(r, "s01_" + o));
        results.add(new Result(r.getString(0), r.getString(1), r.getString(2), o,
            r.<Long>getAs("n"), pos, auc, ci[0], ci[1]));
      }
    }
    return results;
  }

  /** A double column that is null where a class is empty (a division by 0): NaN. */
  private static double dbl(Row r, String column) {
    Object v = r.getAs(column);
    return v == null ? Double.NaN : (Double) v;
  }

  /**
   * DeLong's 95% interval from the placement values' sums of squared deviations: {@code var =
   * s10 / (P (P - 1)) + s01 / (N (N - 1))}, clipped to [0, 1]. NaN when a class has under 2.
   */
  static double[] interval(double auc, long pos, long neg, double s10, double s01) {
    if (Double.isNaN(auc) || pos < 2 || neg < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double var = s10 / ((double) pos * (pos - 1)) + s01 / ((double) neg * (neg - 1));
    double half = 1.959964 * Math.sqrt(var);
    return new double[] {Math.max(0, auc - half), Math.min(1, auc + half)};
  }

  /** One row per (list, patient, score): level, code, score name, value (missing lowest), outcomes. */
  static Dataset<Row> melt(Dataset<Row> lists, List<String> scores, List<String> outcomes) {
    Dataset<Row> out = null;
    for (String s : scores) {
      List<Column> cols = new ArrayList<>(List.of(col(Lists.LEVEL), col(Lists.CODE),
          lit(s).as(SCORE),
          coalesce(col(s).cast("double"), lit(Double.NEGATIVE_INFINITY)).as(VALUE)));
      outcomes.forEach(o -> cols.add(col(o)));
      Dataset<Row> one = lists.select(cols.toArray(Column[]::new));
      out = out == null ? one : out.unionByName(one);
    }
    return out;
  }
}
