package org.openstrat.publish;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.cohort.CohortColumns;
import org.openstrat.cohort.Cohorts;

/**
 * The detail a clinician needs beside each cohort row, for the CSV and workbook only (the cohort
 * Parquet record is unchanged): named conditions and eFI deficits, hospital use, the last
 * emergency admission, and the patient's rank and risk in the previous publication of the same
 * list. A pure Dataset function.
 */
public final class CohortDetail {
  public static final String LTC_NAMES = "ltc_names";
  public static final String EFI_DEFICIT_NAMES = "efi_deficit_names";
  public static final String LAST_EMERGENCY_ADMISSION = "last_emergency_admission";
  public static final String PREVIOUS_RISK_PCT = "previous_admission_risk_pct";
  /** This list's risk minus the previous list's, in percentage points (null for a new patient). */
  public static final String RISK_CHANGE = "admission_risk_change_pct";
  /** The main factors joined with "; ", largest first. */
  public static final String FACTORS = "main_factors";

  private CohortDetail() {}

  /**
   * @param previous the previous publication's cohort rows (null: none)
   */
  public static Dataset<Row> add(
      Dataset<Row> cohort, Dataset<Row> scores, Dataset<Row> previous, Presentation p) {
    List<String> id = List.of(CohortColumns.NHS_NUMBER);
    Dataset<Row> extra =
        scores.select(
            col(CohortColumns.NHS_NUMBER),
            names(col("ltc_conditions"), p.conditionNames()).as(LTC_NAMES),
            names(col("efi_deficits"), p.deficitNames()).as(EFI_DEFICIT_NAMES),
            col("ae_attendances_12m"),
            col("bed_days_12m"));
    Dataset<Row> out = cohort.join(extra, Cohorts.scala(id), "left_outer");
    if (p.lastEmergencyAdmission() != null) {
      out = out.join(p.lastEmergencyAdmission().select(col(CohortColumns.NHS_NUMBER),
          col(LAST_EMERGENCY_ADMISSION)), Cohorts.scala(id), "left_outer");
    } else {
      out = out.withColumn(LAST_EMERGENCY_ADMISSION, lit(null).cast("date"));
    }
    List<String> key = List.of(CohortColumns.COHORT, CohortColumns.LEVEL, CohortColumns.GROUP,
        CohortColumns.NHS_NUMBER);
    if (previous != null) {
      Dataset<Row> prev =
          previous.select(col(CohortColumns.COHORT), col(CohortColumns.LEVEL), col(CohortColumns.GROUP),
              col(CohortColumns.NHS_NUMBER), col(CohortColumns.RANK).as(CohortColumns.PREVIOUS_RANK),
              col(CohortColumns.RISK_PCT).as(PREVIOUS_RISK_PCT));
      out = out.join(prev, Cohorts.scala(key), "left_outer");
    } else {
      out = out.withColumn(CohortColumns.PREVIOUS_RANK, lit(null).cast("int"))
          .withColumn(PREVIOUS_RISK_PCT, lit(null).cast("double"));
    }
    return out
        .withColumn(RISK_CHANGE, round(col(CohortColumns.RISK_PCT).minus(col(PREVIOUS_RISK_PCT)), 1))
        .withColumn(FACTORS, concat_ws("; ", col(CohortColumns.FACTOR_1), col(CohortColumns.FACTOR_2),
            col(CohortColumns.FACTOR_3)));
  }

  /** Keys to names joined with "; " (a key without a name stays as it is); null stays null. */
  private static Column names(Column keys, Map<String, String> names) {
    List<Column> kv = new ArrayList<>();
    names.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      kv.add(lit(e.getKey()));
      kv.add(lit(e.getValue()));
    });
    if (kv.isEmpty()) {
      return array_join(keys, "; ");
    }
    Column map = org.apache.spark.sql.functions.map(kv.toArray(new Column[0]));
    return array_join(transform(keys, k -> coalesce(element_at(map, k), k)), "; ");
  }
}
