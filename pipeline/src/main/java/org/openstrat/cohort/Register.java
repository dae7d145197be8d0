package org.openstrat.cohort;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.openstrat.features.Features;
import org.openstrat.spark.Codegen;

/**
 * The admission register: per PCN and per ICC, its registered (scored) patients with an emergency
 * admission, a discharge from one, or an A&amp;E attendance in the window, so that a team can take
 * patients on by the "flagging up through admission registers" route as well as by risk. A pure
 * function of Datasets, like {@link Cohorts}.
 *
 * <p>One row per event per list (docs/register-record.avsc):
 *
 * <ul>
 *   <li>{@code emergency_admission}: an emergency spell (admission method 21-28, 2A-2D) admitted
 *       in the window, discharged or not;
 *   <li>{@code discharge}: an emergency spell admitted before the window and discharged in it;
 *   <li>{@code ae_attendance}: an A&amp;E attendance (any department type) in the window.
 * </ul>
 *
 * A discharge after the as-of date is not known on it: that spell is {@code in_hospital} and its
 * length of stay runs to the as-of date. {@code readmission_30d} marks an emergency admission
 * within 30 days (0-30) of the discharge from an earlier spell of the same patient, of any kind
 * (the NHS Outcomes Framework 3b definition's look-back, without its exclusions).
 *
 * <p>The patients are the scored population's, so the register has nobody from another PCN or ICC,
 * no type 1 opt-out and nobody who died by the as-of date; national data opt-outs stay, as in the
 * cohorts (direct care).
 */
public final class Register {
  private Register() {}

  public static final String LEVEL = "register_level";
  public static final String GROUP = "register_group";
  public static final String EVENT = "event";
  public static final String EVENT_ID = "event_id";
  public static final String EVENT_DATE = "event_date";
  public static final String ADMISSION = "emergency_admission";
  public static final String DISCHARGE = "discharge";
  public static final String AE = "ae_attendance";
  /** Default {@code register.window_days}: the window when there is no earlier publication. */
  public static final int DEFAULT_WINDOW_DAYS = 30;
  /** A readmission follows a discharge by at most this many days. */
  public static final int READMISSION_DAYS = 30;

  /** A register row's columns, in order. */
  public static final List<String> ROW =
      List.of(
          LEVEL, GROUP, CohortColumns.NHS_NUMBER, "date_of_birth", "age", "sex",
          CohortColumns.PRACTICE_CODE, "practice_name", CohortColumns.PCN_CODE, "pcn_name",
          CohortColumns.ICC_CODE, "icc_name", EVENT, EVENT_DATE, EVENT_ID, "provider_code",
          "admission_date", "discharge_date", "in_hospital", "length_of_stay_days",
          "admission_method", "department_type", "diagnosis_group", "readmission_30d",
          "on_cohort_list", "cohorts", CohortColumns.ADMISSION_RISK, "admission_risk_band", "efi",
          "efi_category");

  /**
   * The register for events dated from {@code from} to {@code asOf}, both included.
   *
   * @param scores the scores table (its patients and their PCN, ICC, risk and eFI)
   * @param spells typed apc_spells (one row per spell); null = none supplied
   * @param attendances typed ae_attendances; null = none supplied
   * @param cohort this run's cohort rows ({@link Cohorts#build}), for {@code on_cohort_list}
   */
  public static Dataset<Row> build(
      Dataset<Row> scores, Dataset<Row> spells, Dataset<Row> attendances, Dataset<Row> cohort,
      LocalDate from, LocalDate asOf) {
    Column start = lit(Date.valueOf(from));
    Column end = lit(Date.valueOf(asOf));
    List<Dataset<Row>> events = new ArrayList<>();
    if (spells != null) {
      events.add(spellEvents(spells, start, end));
    }
    if (attendances != null) {
      events.add(
          attendances
              .filter(col("arrival_date").between(start, end))
              .select(
                  col("nhs_number"),
                  lit(AE).as(EVENT),
                  col("arrival_date").as(EVENT_DATE),
                  col("attendance_id").as(EVENT_ID),
                  lit(null).cast("string").as("provider_code"),
                  lit(null).cast("date").as("admission_date"),
                  lit(null).cast("date").as("discharge_date"),
                  lit(null).cast("boolean").as("in_hospital"),
                  lit(null).cast("int").as("length_of_stay_days"),
                  lit(null).cast("string").as("admission_method"),
                  col("department_type"),
                  lit(null).cast("string").as("diagnosis_group"),
                  lit(null).cast("boolean").as("readmission_30d")));
    }
    Dataset<Row> all = events.stream().reduce(Dataset::unionByName).orElse(null);
    if (all == null) {
      return null;
    }
    Dataset<Row> patients = all.join(scores, Cohorts.scala(List.of("nhs_number")), "inner");
    Dataset<Row> out = null;
    for (CohortLevel level : CohortLevel.values()) {
      Column group = col(level.groupColumn());
      Dataset<Row> lists =
          cohort == null
              ? null
              : cohort.filter(col(CohortColumns.LEVEL).equalTo(level.key()))
                  .groupBy(col(CohortColumns.GROUP).as("_list"), col("nhs_number"))
                  .agg(array_join(Codegen.sorted(collect_set(col(CohortColumns.COHORT))), "; ").as("cohorts"));
      Dataset<Row> one = patients.filter(group.isNotNull()).withColumn("_list", group);
      one = lists == null
          ? one.withColumn("cohorts", lit(null).cast("string"))
          : one.join(lists, Cohorts.scala(List.of("_list", "nhs_number")), "left_outer");
      one =
          one.withColumn(LEVEL, lit(level.key()))
              .withColumn(GROUP, col("_list"))
              .withColumn("on_cohort_list", col("cohorts").isNotNull())
              .select(ROW.stream().map(c -> col(c)).toArray(Column[]::new));
      out = out == null ? one : out.unionByName(one);
    }
    return out;
  }

  /** Emergency spells admitted or discharged in the window, with readmissions marked. */
  private static Dataset<Row> spellEvents(Dataset<Row> spells, Column start, Column end) {
    // Known on the as-of date only: later admissions are dropped, later discharges unknown.
    Dataset<Row> known =
        spells.filter(col("admission_date").leq(end))
            .withColumn("discharge_date", when(col("discharge_date").leq(end), col("discharge_date")));
    Column earlierDischarge =
        max(col("discharge_date"))
            .over(Window.partitionBy(col("nhs_number"))
                .orderBy(col("admission_date"), col("spell_id"))
                .rowsBetween(Window.unboundedPreceding(), -1));
    Column emergency = col("admission_method").isin(Features.EMERGENCY_METHODS.toArray());
    Column admittedIn = col("admission_date").between(start, end);
    Column dischargedIn = col("discharge_date").between(start, end);
    return known
        .withColumn("_earlier_discharge", earlierDischarge)
        .filter(emergency.and(admittedIn.or(dischargedIn)))
        .select(
            col("nhs_number"),
            when(admittedIn, lit(ADMISSION)).otherwise(lit(DISCHARGE)).as(EVENT),
            when(admittedIn, col("admission_date")).otherwise(col("discharge_date")).as(EVENT_DATE),
            col("spell_id").as(EVENT_ID),
            col("provider_code"),
            col("admission_date"),
            col("discharge_date"),
            col("discharge_date").isNull().as("in_hospital"),
            datediff(when(col("discharge_date").isNull(), end).otherwise(col("discharge_date")),
                col("admission_date")).as("length_of_stay_days"),
            col("admission_method"),
            lit(null).cast("string").as("department_type"),
            diagnosisGroup(col("primary_diagnosis")).as("diagnosis_group"),
            coalesce(
                    datediff(col("admission_date"), col("_earlier_discharge")).between(0, READMISSION_DAYS),
                    lit(false))
                .as("readmission_30d"));
  }

  /**
   * The ICD-10 chapter of a (normalised) code, in plain English: the chapter titles of WHO ICD-10
   * 5th edition (2016), as used by NHS Digital's ICD-10 5th edition classification; codes outside
   * every chapter give null. Only the chapter is published, not the code: a team needs the kind
   * of illness, and a chapter says less about a patient than a code would.
   */
  public static Column diagnosisGroup(Column code) {
    Column c3 = substring(Codegen.asciiUpper(code), 1, 3);
    Column g = lit(null).cast("string");
    for (int i = CHAPTERS.length - 1; i >= 0; i--) {
      g = when(c3.between(CHAPTERS[i][0], CHAPTERS[i][1]), lit(CHAPTERS[i][2])).otherwise(g);
    }
    return when(c3.rlike("^[A-Z][0-9]{2}$"), g);
  }

  /** First three-character code, last, title: the 22 chapters of ICD-10 (WHO, 5th edition). */
  static final String[][] CHAPTERS = {
    {"A00", "B99", "Infections (certain infectious and parasitic diseases)"},
    {"C00", "D48", "Cancers and other neoplasms"},
    {"D50", "D89", "Blood and immune system disorders"},
    {"E00", "E90", "Endocrine, nutritional and metabolic diseases"},
    {"F00", "F99", "Mental and behavioural disorders"},
    {"G00", "G99", "Diseases of the nervous system"},
    {"H00", "H59", "Diseases of the eye"},
    {"H60", "H95", "Diseases of the ear"},
    {"I00", "I99", "Diseases of the circulatory system (heart and blood vessels)"},
    {"J00", "J99", "Diseases of the respiratory system"},
    {"K00", "K93", "Diseases of the digestive system"},
    {"L00", "L99", "Diseases of the skin"},
    {"M00", "M99", "Diseases of the musculoskeletal system (bones, joints, muscles)"},
    {"N00", "N99", "Diseases of the genitourinary system (kidneys, bladder, genitals)"},
    {"O00", "O99", "Pregnancy, childbirth and the puerperium"},
    {"P00", "P96", "Conditions originating in the perinatal period"},
    {"Q00", "Q99", "Congenital conditions"},
    {"R00", "R99", "Symptoms, signs and abnormal findings not elsewhere classified"},
    {"S00", "T98", "Injury, poisoning and other external causes"},
    {"U00", "U85", "Codes for special purposes"},
    {"V01", "Y98", "External causes of morbidity"},
    {"Z00", "Z99", "Factors influencing health status and contact with services"},
  };
}
