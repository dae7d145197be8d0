package org.openstrat.backtest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.rules.AdmissionModel;
import org.openstrat.rules.ModelTerm;
import org.openstrat.scores.AdmissionRisk;

/**
 * Re-fits the admission-risk model's coefficients on local outcomes: a logistic regression of
 * emergency admission in the horizon on the model's own terms, each transformed as the model file
 * says ({@link AdmissionRisk#termValue}), with Spark MLlib's {@link LogisticRegression}: L2
 * (ridge) regularisation on standardised terms, so no term's scale decides how much it shrinks.
 *
 * <p>A term with fewer than {@code minEvents} events among the patients it applies to (value not
 * 0) cannot be estimated locally: it keeps the published coefficient (held there by equal lower
 * and upper bounds) and is flagged.
 */
public final class ModelFit {
  private ModelFit() {}

  /** Default L2 strength (MLlib's regParam: the penalty is regParam/2 x sum of squares). */
  public static final double DEFAULT_L2 = 0.001;

  /**
   * One term's fitted coefficient and its standard error (from the observed information, NaN for
   * a kept term or when the information matrix is singular).
   */
  public record Term(ModelTerm published, double coefficient, double standardError, long events,
      boolean keptPublished) {}

  /** A fitted model: the intercept and one entry per published term, in the model file's order. */
  public record Fitted(double intercept, double interceptStandardError, List<Term> terms,
      long patients, long events, double l2) {
    /** The model's terms with the fitted coefficients, for scoring. */
    public List<ModelTerm> modelTerms() {
      return terms.stream()
          .map(t -> new ModelTerm(t.published().feature(), t.published().transform(),
              t.coefficient(), t.published().label(), t.published().source()))
          .toList();
    }
  }

  /**
   * @param frame the model's features (the scores stage's wide table) and the outcome column
   * @param outcome 0/1 column
   */
  public static Fitted fit(
      Dataset<Row> frame, String outcome, AdmissionModel published, double l2, int minEvents) {
    List<ModelTerm> terms = published.terms();
    List<Column> cols = new ArrayList<>();
    String[] names = new String[terms.size()];
    for (int i = 0; i < terms.size(); i++) {
      names[i] = "_t" + i;
      cols.add(AdmissionRisk.termValue(frame, terms.get(i)).as(names[i]));
    }
    cols.add(col(outcome).cast("double").as("label"));
    Dataset<Row> design = frame.select(cols.toArray(Column[]::new));

    // Events among the patients each term applies to, and in all: one pass.
    List<Column> counts = new ArrayList<>();
    for (String n : names) {
      counts.add(sum(when(col(n).notEqual(0.0), col("label")).otherwise(0.0)));
    }
    counts.add(sum(col("label")));
    counts.add(org.apache.spark.sql.functions.count(col("label")));
    Row c = design.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new))
        .first();
    long[] termEvents = new long[names.length];
    boolean anyKept = false;
    for (int i = 0; i < names.length; i++) {
      termEvents[i] = Math.round(c.getDouble(i));
      anyKept |= termEvents[i] < minEvents;
    }
    long events = Math.round(c.getDouble(names.length));
    long patients = c.getLong(names.length + 1);

    Dataset<Row> assembled =
        new VectorAssembler().setInputCols(names).setOutputCol("features").transform(design);
    LogisticRegression lr = new LogisticRegression()
        .setFeaturesCol("features")
        .setLabelCol("label")
        .setFamily("binomial")
        .setRegParam(l2)
        .setElasticNetParam(0.0)
        .setStandardization(true)
        .setFitIntercept(true)
        .setMaxIter(200)
        .setTol(1e-9);
    if (anyKept) {
      double[] lower = new double[names.length];
      double[] upper = new double[names.length];
      for (int i = 0; i < names.length; i++) {
        boolean keep = termEvents[i] < minEvents;
        lower[i] = keep ? terms.get(i).coefficient() : Double.NEGATIVE_INFINITY;
        upper[i] = keep ? terms.get(i).coefficient() : Double.POSITIVE_INFINITY;
      }
      lr.setLowerBoundsOnCoefficients(Matrices.dense(1, names.length, lower))
          .setUpperBoundsOnCoefficients(Matrices.dense(1, names.length, upper));
    }
    LogisticRegressionModel m = lr.fit(assembled);
    double[] beta = m.coefficients().toArray();
    List<Integer> free = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (termEvents[i] >= minEvents) {
        free.add(i);
      }
    }
    double[] se = standardErrors(design, names, m.intercept(), beta, free);
    List<Term> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      boolean keep = termEvents[i] < minEvents;
      int at = free.indexOf(i);
      out.add(new Term(terms.get(i), keep ? terms.get(i).coefficient() : beta[i],
          at < 0 ? Double.NaN : se[at + 1], termEvents[i], keep));
    }
    return new Fitted(m.intercept(), se[0], out, patients, events, l2);
  }

  /**
   * Standard errors of the intercept and the free terms: square roots of the diagonal of the
   * inverse observed information {@code X'WX}, W = p(1 - p) at the fit (the small L2 penalty is
   * left out). The matrix's entries are sums over patients, one aggregate with built-in
   * expressions.
   */
  static double[] standardErrors(Dataset<Row> design, String[] names, double intercept,
      double[] beta, List<Integer> free) {
    Column lp = org.apache.spark.sql.functions.lit(intercept);
    for (int i = 0; i < names.length; i++) {
      lp = lp.plus(col(names[i]).multiply(beta[i]));
    }
    Column p = org.apache.spark.sql.functions.lit(1.0)
        .divide(org.apache.spark.sql.functions.lit(1.0).plus(org.apache.spark.sql.functions.exp(lp.multiply(-1))));
    Dataset<Row> w = design.withColumn("_w", p.multiply(org.apache.spark.sql.functions.lit(1.0).minus(p)));
    int k = free.size() + 1;
    Column[] x = new Column[k];
    x[0] = org.apache.spark.sql.functions.lit(1.0);
    for (int a = 0; a < free.size(); a++) {
      x[a + 1] = col(names[free.get(a)]);
    }
    List<Column> sums = new ArrayList<>();
    for (int a = 0; a < k; a++) {
      for (int b = a; b < k; b++) {
        sums.add(sum(col("_w").multiply(x[a]).multiply(x[b])));
      }
    }
    Row r = w.agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new)).first();
    double[][] info = new double[k][k];
    int at = 0;
    for (int a = 0; a < k; a++) {
      for (int b = a; b < k; b++) {
        info[a][b] = r.getDouble(at);
        info[b][a] = r.getDouble(at);
        at++;
      }
    }
    double[][] inv = invert(info);
    double[] se = new double[k];
    for (int a = 0; a < k; a++) {
      se[a] = inv == null || !(inv[a][a] > 0) ? Double.NaN : Math.sqrt(inv[a][a]);
    }
    return se;
  }

  /** Gauss-Jordan inverse with partial pivoting; null when singular. */
  static double[][] invert(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], 0, a[i], 0, n);
      a[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int i = c + 1; i < n; i++) {
        if (Math.abs(a[i][c]) > Math.abs(a[pivot][c])) {
          pivot = i;
        }
      }
      if (Math.abs(a[pivot][c]) < 1e-12) {
        return null;
      }
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      double d = a[c][c];
      for (int j = 0; j < 2 * n; j++) {
        a[c][j] /= d;
      }
      for (int i = 0; i < n; i++) {
        if (i != c && a[i][c] != 0) {
          double f = a[i][c];
          for (int j = 0; j < 2 * n; j++) {
            a[i][j] -= f * a[c][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], n, inv[i], 0, n);
    }
    return inv;
  }
}
