package org.openstrat.backtest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.features.Features;
import org.openstrat.ingest.Extract;

/**
 * What happened to each patient of the as-of population in the horizon (as-of, end]: the
 * outcomes a backtest judges the scores against. Each is 1 or 0 (int).
 *
 * <ul>
 *   <li>{@code emergency_admission}: a spell admitted with an emergency method ({@link
 *       Features#EMERGENCY_METHODS}, as the scores count them);
 *   <li>{@code ae_attendance}: any A&E attendance, any department type;
 *   <li>{@code emergency_admission_or_ae}: either;
 *   <li>{@code death}: date of death in the horizon.
 * </ul>
 *
 * <p><b>Censoring</b> (docs/backtest.md): every patient of the as-of population stays in the
 * denominator, as they were on the list the team would have had. A patient followed for less
 * than the horizon (died, or registration ended) counts the events dated up to that day and none
 * after; hospital events after someone has left the practice's list are not expected in a local
 * feed. Those patients are counted ({@code died}, {@code left}), never dropped, so a reader can
 * see how much of the horizon was unobserved.
 */
public final class Outcomes {
  private Outcomes() {}

  public static final String EMERGENCY_ADMISSION = "emergency_admission";
  public static final String AE_ATTENDANCE = "ae_attendance";
  public static final String EMERGENCY_OR_AE = "emergency_admission_or_ae";
  public static final String DEATH = "death";
  /** Registration ended in the horizon while alive: followed for part of it. */
  public static final String LEFT = "left";

  /** The outcomes the metrics are computed for, the model's own first. */
  public static final List<String> ALL = List.of(EMERGENCY_ADMISSION, EMERGENCY_OR_AE, AE_ATTENDANCE, DEATH);

  /**
   * @param population the as-of population (nhs_number)
   * @param accepted the accepted extracts of the same validation (patients, apc_spells,
   *     ae_attendances; a missing one is treated as empty)
   * @return nhs_number and each outcome, plus {@link #LEFT}, one row per population patient
   */
  public static Dataset<Row> observe(
      Dataset<Row> population, Map<Extract, Dataset<Row>> accepted, LocalDate asOf,
      LocalDate end) {
    Dataset<Row> patients = accepted.get(Extract.PATIENTS)
        .select(col("nhs_number"), col("registration_end"), col("date_of_death"));
    Column after = lit(java.sql.Date.valueOf(asOf));
    Column horizonEnd = lit(java.sql.Date.valueOf(end));
    // The last day the patient is followed: the horizon's end, or the day registration ended or
    // they died if that is earlier.
    Column followedTo = least(horizonEnd,
        coalesce(col("registration_end"), horizonEnd), coalesce(col("date_of_death"), horizonEnd));
    Dataset<Row> followed = population.select(col("nhs_number"))
        .join(patients, new String[] {"nhs_number"}, "left")
        .select(col("nhs_number"), followedTo.as("_to"),
            when(col("date_of_death").gt(after).and(col("date_of_death").leq(horizonEnd)), 1)
                .otherwise(0).as(DEATH),
            when(col("date_of_death").isNull().or(col("date_of_death").gt(horizonEnd))
                    .and(col("registration_end").gt(after))
                    .and(col("registration_end").lt(horizonEnd)), 1)
                .otherwise(0).as(LEFT));
    Dataset<Row> events = events(accepted, Extract.APC_SPELLS, "admission_date",
        col("admission_method").isin(Features.EMERGENCY_METHODS.toArray()), EMERGENCY_ADMISSION)
        .unionByName(events(accepted, Extract.AE_ATTENDANCES, "arrival_date", lit(true),
            AE_ATTENDANCE));
    Column inHorizon = col("_date").gt(after).and(col("_date").leq(col("_to")));
    Dataset<Row> seen = followed.join(events, new String[] {"nhs_number"}, "left")
        .groupBy(col("nhs_number"))
        .agg(
            max(outcome(inHorizon, EMERGENCY_ADMISSION)).as(EMERGENCY_ADMISSION),
            max(outcome(inHorizon, AE_ATTENDANCE)).as(AE_ATTENDANCE),
            max(col(DEATH)).as(DEATH),
            max(col(LEFT)).as(LEFT));
    return seen.select(col("nhs_number"), col(EMERGENCY_ADMISSION),
        greatest(col(EMERGENCY_ADMISSION), col(AE_ATTENDANCE)).as(EMERGENCY_OR_AE),
        col(AE_ATTENDANCE), col(DEATH), col(LEFT));
  }

  private static Column outcome(Column inHorizon, String kind) {
    return when(inHorizon.and(col("_kind").equalTo(kind)), 1).otherwise(0);
  }

  private static Dataset<Row> events(
      Map<Extract, Dataset<Row>> accepted, Extract e, String date, Column which, String kind) {
    Dataset<Row> d = accepted.get(e);
    if (d == null) {
      d = accepted.get(Extract.PATIENTS).sparkSession()
          .createDataFrame(List.<Row>of(), e.typedSchema());
    }
    return d.where(which).select(col("nhs_number"), col(date).as("_date"), lit(kind).as("_kind"));
  }
}
