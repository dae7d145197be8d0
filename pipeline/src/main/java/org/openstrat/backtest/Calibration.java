package org.openstrat.backtest;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How well a predicted probability matches what happened, per list:
 *
 * <ul>
 *   <li>Brier score: mean of (predicted - observed)^2 (0 is perfect; a constant prediction of the
 *       event rate r scores r(1 - r)).
 *   <li>Deciles of predicted risk (ntile by predicted, then NHS number for ties): patients, mean
 *       predicted and observed events in each.
 *   <li>Calibration intercept (calibration-in-the-large): {@code a} in logit P(y) = a + lp with
 *       the model's linear predictor lp as offset; 0 when the mean risk is right, below 0 when
 *       the model over-predicts.
 *   <li>Calibration slope: {@code b} in logit P(y) = a' + b lp; 1 when the spread is right,
 *       below 1 when predictions are too extreme.
 * </ul>
 *
 * The two logistic fits run by Newton-Raphson on sums aggregated per list (one small Spark job an
 * iteration for every list at once); none collects patient rows.
 */
public final class Calibration {
  private Calibration() {}

  public static final int DECILES = 10;
  static final int ITERATIONS = 25;

  /** One list's calibration summary. */
  public record Summary(
      String level, String code, long patients, long events, double meanPredicted, double brier,
      double intercept, double slope) {}

  /** One decile of one list. */
  public record Decile(
      String level, String code, int decile, long patients, double meanPredicted, long events) {}

  /**
   * @param lists {@link Lists#of} a frame with {@code p}, {@code lp} (logit of p) and {@code y}
   */
  public static List<Summary> summaries(Dataset<Row> lists, String p, String lp, String y) {
    Dataset<Row> d = lists.select(col(Lists.LEVEL), col(Lists.CODE), col(p).as("p"),
        col(lp).as("lp"), col(y).cast("double").as("y"));
    Map<String, Row> basic = new HashMap<>();
    for (Row r : d.groupBy(Lists.LEVEL, Lists.CODE)
        .agg(count(lit(1)).as("n"), sum("y").as("events"), avg("p").as("mean_p"),
            avg(pow(col("p").minus(col("y")), 2)).as("brier"))
        .collectAsList()) {
      basic.put(Lists.key(r.getString(0), r.getString(1)), r);
    }
    Map<String, double[]> fits = fit(d, basic.keySet());
    List<Summary> out = new ArrayList<>();
    for (Map.Entry<String, Row> e : basic.entrySet()) {
      Row r = e.getValue();
      double[] f = fits.get(e.getKey());
      out.add(new Summary(r.getString(0), r.getString(1), r.getLong(2),
          Math.round(r.getDouble(3)), r.getDouble(4), r.getDouble(5), f[0], f[2]));
    }
    return out;
  }

  /** Deciles of predicted risk per list. */
  public static List<Decile> deciles(Dataset<Row> lists, String p, String y) {
    Dataset<Row> d = lists.withColumn("_decile", ntile(DECILES).over(
        Window.partitionBy(Lists.LEVEL, Lists.CODE).orderBy(col(p).asc(), col("nhs_number").asc())));
    List<Decile> out = new ArrayList<>();
    for (Row r : d.groupBy(Lists.LEVEL, Lists.CODE, "_decile")
        .agg(count(lit(1)).as("n"), avg(p).as("mean_p"), sum(col(y)).cast("long").as("events"))
        .collectAsList()) {
      out.add(new Decile(r.getString(0), r.getString(1), r.getInt(2), r.getLong(3),
          r.getDouble(4), r.getLong(5)));
    }
    return out;
  }

  /**
   * Newton-Raphson for both recalibration fits of every list: per list {a, a', b} (intercept with
   * offset; intercept and slope). NaN where a list has no events or no non-events (no finite
   * maximum) or the iteration does not settle.
   */
  static Map<String, double[]> fit(Dataset<Row> d, java.util.Set<String> keys) {
    Map<String, double[]> params = new HashMap<>();
    keys.forEach(k -> params.put(k, new double[] {0, 0, 1}));
    StructType schema = new StructType()
        .add("_level", DataTypes.StringType).add("_code", DataTypes.StringType)
        .add("_a", DataTypes.DoubleType).add("_a2", DataTypes.DoubleType)
        .add("_b", DataTypes.DoubleType);
    Map<String, Boolean> settled = new HashMap<>();
    for (int it = 0; it < ITERATIONS && settled.size() < keys.size(); it++) {
      List<Row> rows = new ArrayList<>();
      params.forEach((k, v) -> {
        String[] lc = k.split("/", 2);
        rows.add(RowFactory.create(lc[0], lc[1], v[0], v[1], v[2]));
      });
      Dataset<Row> ps = d.sparkSession().createDataFrame(rows, schema);
      Dataset<Row> j = d.join(broadcast(ps),
          col(Lists.LEVEL).equalTo(col("_level")).and(col(Lists.CODE).equalTo(col("_code"))));
      Column mu1 = sigmoid(col("_a").plus(col("lp")));
      Column mu2 = sigmoid(col("_a2").plus(col("_b").multiply(col("lp"))));
      Column w2 = mu2.multiply(lit(1).minus(mu2));
      List<Row> sums = j.groupBy(Lists.LEVEL, Lists.CODE).agg(
          sum(col("y").minus(mu1)).as("g1"),
          sum(mu1.multiply(lit(1).minus(mu1))).as("h1"),
          sum(col("y").minus(mu2)).as("g2a"),
          sum(col("y").minus(mu2).multiply(col("lp"))).as("g2b"),
          sum(w2).as("haa"),
          sum(w2.multiply(col("lp"))).as("hab"),
          sum(w2.multiply(col("lp")).multiply(col("lp"))).as("hbb")).collectAsList();
      for (Row r : sums) {
        String k = Lists.key(r.getString(0), r.getString(1));
        double[] v = params.get(k);
        double step1 = r.getDouble(3) > 0 ? r.getDouble(2) / r.getDouble(3) : Double.NaN;
        double haa = r.getDouble(6);
        double hab = r.getDouble(7);
        double hbb = r.getDouble(8);
        double det = haa * hbb - hab * hab;
        double da = det != 0 ? (hbb * r.getDouble(4) - hab * r.getDouble(5)) / det : Double.NaN;
        double db = det != 0 ? (haa * r.getDouble(5) - hab * r.getDouble(4)) / det : Double.NaN;
        double[] next = {v[0] + step1, v[1] + da, v[2] + db};
        boolean done = Math.abs(step1) < 1e-9 && Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9;
        boolean diverged = !Double.isFinite(next[0]) || !Double.isFinite(next[1])
            || !Double.isFinite(next[2]) || Math.abs(next[0]) > 50 || Math.abs(next[2]) > 50;
        if (diverged) {
          next = new double[] {Double.NaN, Double.NaN, Double.NaN};
          settled.put(k, true);
        } else if (done) {
          settled.put(k, true);
        }
        params.put(k, next);
      }
    }
    for (String k : keys) {
      if (!settled.containsKey(k)) {
        params.put(k, new double[] {Double.NaN, Double.NaN, Double.NaN});
      }
    }
    return params;
  }

  private static Column sigmoid(Column z) {
    return lit(1.0).divide(lit(1.0).plus(exp(z.multiply(-1))));
  }
}
