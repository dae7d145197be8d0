package org.openstrat.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.spark.Codegen;

/**
 * Per-patient counts and flags from the typed extracts, each within a window ending at the as-of
 * date ({@link Windows}). Every function returns at most one row per {@code nhs_number} and only for
 * patients that have something to count; the scores stage left-joins them onto the population and
 * turns a missing count into 0.
 */
public final class Features {
  private Features() {}

  public static final String NHS_NUMBER = "nhs_number";
  public static final String EMERGENCY_ADMISSIONS_12M = "emergency_admissions_12m";
  public static final String BED_DAYS_12M = "bed_days_12m";
  public static final String AE_ATTENDANCES_12M = "ae_attendances_12m";
  public static final String OP_DNA_12M = "op_dna_12m";
  public static final String POLYPHARMACY_COUNT = "polypharmacy_count";
  public static final String SOCIAL_CARE_SERVICE = "social_care_service";
  public static final String SOCIAL_CARE_SERVICES = "social_care_services";
  public static final String LIVES_ALONE = "lives_alone";
  public static final String CATEGORY1_HAZARD = "category1_hazard";
  public static final String HOMELESS_OR_TEMPORARY = "homeless_or_temporary";

  /** Utilisation windows: the 12 months up to and including the as-of date. */
  public static final int UTILISATION_MONTHS = 12;

  /** Polypharmacy window (Clegg 2016): medicines issued in the 12 months up to the as-of date. */
  public static final int POLYPHARMACY_MONTHS = 12;

  /**
   * BNF chemical substance = the first 9 characters of the 15-character BNF presentation code, so
   * two strengths or brands of one medicine count once.
   */
  public static final int BNF_SUBSTANCE_LENGTH = 9;

  /**
   * Emergency admission methods (NHS Data Dictionary ADMISSION METHOD 21-25, 2A-2D, and the
   * retired 28 still found in older data): NHS Data Dictionary ADMISSION METHOD, as copied to
   * rules/reference/admission-methods.csv.
   */
  public static final List<String> EMERGENCY_METHODS =
      List.of("21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28");

  /** Outpatient attendance status "did not attend": 3 (did not attend) and 7 (arrived late, not seen). */
  public static final List<String> DNA_STATUSES = List.of("3", "7");

  /**
   * Hospital use in the 12 months to as-of, from APC spells, A&E attendances and outpatient
   * appointments.
   *
   * <ul>
   *   <li>{@code emergency_admissions_12m}: spells with an emergency admission method admitted in
   *       the window.
   *   <li>{@code bed_days_12m}: days in hospital that fall inside the window, over every spell
   *       (elective too): from max(admission, window start) to min(discharge, as-of); a spell still
   *       open (no discharge date) or discharged after as-of runs to as-of. A same-day spell is 0.
   *   <li>{@code ae_attendances_12m}: A&E arrivals in the window, any department type.
   *   <li>{@code op_dna_12m}: outpatient appointments in the window with status 3 or 7.
   * </ul>
   *
   * @return nhs_number and the four counts (int), one row per patient with any of them
   */
  public static Dataset<Row> utilisation(
      Dataset<Row> apcSpells, Dataset<Row> aeAttendances, Dataset<Row> opAppointments, LocalDate asOf) {
    LocalDate start = Windows.start(asOf, UTILISATION_MONTHS);
    Column admission = col("admission_date");
    Column discharge = least(coalesce(col("discharge_date"), lit(asOf)), lit(asOf));
    Column daysInWindow = date_diff(discharge, greatest(admission, lit(start)));
    Dataset<Row> spells =
        apcSpells
            .where(Windows.onOrBefore(admission, asOf)
                .and(coalesce(col("discharge_date"), lit(asOf)).geq(lit(start))))
            .select(
                col(NHS_NUMBER),
                when(Windows.lastMonths(admission, asOf, UTILISATION_MONTHS)
                        .and(col("admission_method").isin(EMERGENCY_METHODS.toArray())), 1)
                    .otherwise(0).as("emergency"),
                greatest(daysInWindow, lit(0)).as("bed_days"),
                lit(0).as("ae"),
                lit(0).as("dna"));
    Dataset<Row> ae =
        aeAttendances
            .where(Windows.lastMonths(col("arrival_date"), asOf, UTILISATION_MONTHS))
            .select(col(NHS_NUMBER), lit(0).as("emergency"), lit(0).as("bed_days"), lit(1).as("ae"),
                lit(0).as("dna"));
    Dataset<Row> dna =
        opAppointments
            .where(Windows.lastMonths(col("appointment_date"), asOf, UTILISATION_MONTHS)
                .and(col("attendance_status").isin(DNA_STATUSES.toArray())))
            .select(col(NHS_NUMBER), lit(0).as("emergency"), lit(0).as("bed_days"), lit(0).as("ae"),
                lit(1).as("dna"));
    return spells
        .unionByName(ae)
        .unionByName(dna)
        .groupBy(NHS_NUMBER)
        .agg(
            sum("emergency").cast("int").as(EMERGENCY_ADMISSIONS_12M),
            sum("bed_days").cast("int").as(BED_DAYS_12M),
            sum("ae").cast("int").as(AE_ATTENDANCES_12M),
            sum("dna").cast("int").as(OP_DNA_12M));
  }

  /**
   * Distinct medicines (BNF chemical substances, first 9 characters of bnf_code) issued in the 12
   * months to as-of. Issues without a BNF code are not counted (no substance to tell them apart).
   *
   * @return nhs_number, polypharmacy_count (int)
   */
  public static Dataset<Row> polypharmacy(Dataset<Row> gpMedications, LocalDate asOf) {
    return polypharmacy(
        Medications.issuesByCode(gpMedications, asOf, List.of(POLYPHARMACY_MONTHS)));
  }

  /**
   * {@link #polypharmacy(Dataset, LocalDate)} from {@link Medications#issuesByCode} with the
   * {@link #POLYPHARMACY_MONTHS} window.
   */
  public static Dataset<Row> polypharmacy(Dataset<Row> issuesByCode) {
    return issuesByCode
        .where(col(Medications.issuesIn(POLYPHARMACY_MONTHS)).gt(0))
        .groupBy(NHS_NUMBER)
        .agg(count_distinct(substring(col("bnf_code"), 1, BNF_SUBSTANCE_LENGTH))
            .cast("int").as(POLYPHARMACY_COUNT));
  }

  /**
   * Social care services open on the as-of date, as the latest submission dated on or before it
   * says (a later submission is not known yet; earlier ones are {@code SUPERSEDED_SUBMISSION}):
   * {@code submission_date <= asOf}, {@code start_date <= asOf} and ({@code end_date} null or
   * {@code end_date >= asOf}). {@code social_care_service} is the type of the open service
   * that started last (ties: the alphabetically last type), {@code social_care_services} every
   * open type, sorted, for model indicators.
   *
   * @return nhs_number, social_care_service, social_care_services (array&lt;string&gt;)
   */
  public static Dataset<Row> socialCare(Dataset<Row> socialCare, LocalDate asOf) {
    return socialCare
        .where(Windows.onOrBefore(col("submission_date"), asOf))
        .where(Windows.onOrBefore(col("start_date"), asOf)
            .and(col("end_date").isNull().or(col("end_date").geq(lit(asOf)))))
        .groupBy(NHS_NUMBER)
        .agg(
            max(struct(col("start_date"), col("service_type"))).as("latest"),
            Codegen.sorted(collect_set(col("service_type"))).as(SOCIAL_CARE_SERVICES))
        .select(
            col(NHS_NUMBER),
            col("latest.service_type").as(SOCIAL_CARE_SERVICE),
            col(SOCIAL_CARE_SERVICES));
  }

  /**
   * Housing flags from each patient's latest housing record dated on or before as-of. Two records on
   * that date: the greatest by (lives_alone, category1_hazard, homeless_or_temporary), true over
   * false, so the result does not depend on row order. A null flag stays null (unknown).
   *
   * @return nhs_number, lives_alone, category1_hazard, homeless_or_temporary (boolean)
   */
  public static Dataset<Row> housing(Dataset<Row> housing, LocalDate asOf) {
    return housing
        .where(Windows.onOrBefore(col("record_date"), asOf))
        .groupBy(NHS_NUMBER)
        .agg(max(struct(col("record_date"), col(LIVES_ALONE), col(CATEGORY1_HAZARD),
                col(HOMELESS_OR_TEMPORARY))).as("latest"))
        .select(
            col(NHS_NUMBER),
            col("latest." + LIVES_ALONE).as(LIVES_ALONE),
            col("latest." + CATEGORY1_HAZARD).as(CATEGORY1_HAZARD),
            col("latest." + HOMELESS_OR_TEMPORARY).as(HOMELESS_OR_TEMPORARY));
  }
}
