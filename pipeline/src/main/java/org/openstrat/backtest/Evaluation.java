package org.openstrat.backtest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.scores.AdmissionRisk;

/**
 * Every figure of a backtest for one frame (scores as of a date joined with the outcomes in the
 * horizon after it): discrimination, top shares and, for admission risk against emergency
 * admission, calibration. Results are small (a row per list, score and outcome); no patient row
 * leaves Spark.
 */
public record Evaluation(
    long patients,
    Map<String, Long> events,
    long died,
    long left,
    List<Auroc.Result> auroc,
    List<TopShare.Result> top,
    List<Calibration.Summary> calibration,
    List<Calibration.Decile> deciles) {

  /**
   * The scores judged: the model's risk, the published indices, and two baselines any model has
   * to beat (age alone, and prior emergency admissions alone).
   */
  public static final List<String> SCORES =
      List.of("admission_risk", "efi", "hfrs", "cms_score", "ltc_count", "age",
          "emergency_admissions_12m");

  /** Fewer events than this in a list: "too few events to judge", not a number. */
  public static final int MIN_EVENTS = 20;

  /**
   * @param frame one row per patient: nhs_number, pcn_code, icc_code, each of {@link #SCORES},
   *     admission_risk_lp, and the {@link Outcomes} columns
   */
  public static Evaluation of(Dataset<Row> frame, String tieSalt) {
    Dataset<Row> lists = Lists.of(frame.select(columns())).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Column> aggs = new ArrayList<>();
      for (String o : Outcomes.ALL) {
        aggs.add(sum(col(o)).cast("long").as(o));
      }
      aggs.add(sum(col(Outcomes.LEFT)).cast("long").as(Outcomes.LEFT));
      Row totals = frame.agg(count(lit(1)).as("n"), aggs.toArray(Column[]::new)).first();
      Map<String, Long> events = new LinkedHashMap<>();
      for (String o : Outcomes.ALL) {
        events.put(o, totals.<Long>getAs(o));
      }
      return new Evaluation(
          totals.getLong(0),
          events,
          events.get(Outcomes.DEATH),
          totals.<Long>getAs(Outcomes.LEFT),
          Auroc.compute(lists, SCORES, Outcomes.ALL),
          TopShare.compute(lists, SCORES, Outcomes.ALL, TopShare.PERCENTS, tieSalt),
          Calibration.summaries(lists, AdmissionRisk.ADMISSION_RISK,
              AdmissionRisk.LINEAR_PREDICTOR, Outcomes.EMERGENCY_ADMISSION),
          Calibration.deciles(lists, AdmissionRisk.ADMISSION_RISK, Outcomes.EMERGENCY_ADMISSION));
    } finally {
      lists.unpersist();
    }
  }

  private static Column[] columns() {
    List<Column> cs = new ArrayList<>(List.of(col("nhs_number"), col("pcn_code"), col("icc_code"),
        col(AdmissionRisk.LINEAR_PREDICTOR)));
    SCORES.forEach(s -> cs.add(col(s)));
    Outcomes.ALL.forEach(o -> cs.add(col(o)));
    return cs.toArray(Column[]::new);
  }

  /** The headline of a list: admission risk against emergency admission. */
  public Auroc.Result auroc(String level, String code, String score, String outcome) {
    return auroc.stream()
        .filter(a -> a.level().equals(level) && a.code().equals(code) && a.score().equals(score)
            && a.outcome().equals(outcome))
        .findFirst().orElse(null);
  }

  public TopShare.Result top(String level, String code, String score, int percent, String outcome) {
    return top.stream()
        .filter(t -> t.level().equals(level) && t.code().equals(code) && t.score().equals(score)
            && t.percent() == percent && t.outcome().equals(outcome))
        .findFirst().orElse(null);
  }

  public Calibration.Summary calibration(String level, String code) {
    return calibration.stream()
        .filter(c -> c.level().equals(level) && c.code().equals(code))
        .findFirst().orElse(null);
  }
}
