package org.openstrat.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Each patient's latest emergency admission, for the people who act on the cohort lists. */
public final class LastAdmission {
  public static final String LAST_EMERGENCY_ADMISSION = "last_emergency_admission";

  private LastAdmission() {}

  /**
   * The latest admission date, on or before as-of (any look-back), of a spell with an emergency
   * admission method ({@link Features#EMERGENCY_METHODS}).
   *
   * @return nhs_number, last_emergency_admission (date); one row per patient with any
   */
  public static Dataset<Row> emergency(Dataset<Row> apcSpells, LocalDate asOf) {
    return apcSpells
        .where(Windows.onOrBefore(col("admission_date"), asOf)
            .and(col("admission_method").isin(Features.EMERGENCY_METHODS.toArray())))
        .groupBy(Features.NHS_NUMBER)
        .agg(max(col("admission_date")).as(LAST_EMERGENCY_ADMISSION));
  }
}
