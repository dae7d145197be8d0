package org.openstrat.cohort;

import java.util.List;

/**
 * Column names of a cohort row and of a leaver row, in output order. The published record is
 * docs/cohort-record.avsc; {@code org.openstrat.publish.CohortRecord} mirrors these names.
 */
public final class CohortColumns {
  private CohortColumns() {}

  public static final String COHORT = "cohort";
  public static final String LEVEL = "cohort_level";
  public static final String GROUP = "cohort_group";
  public static final String RANK = "rank";
  public static final String ELIGIBLE = "eligible";
  public static final String STATUS = "status";
  public static final String NHS_NUMBER = "nhs_number";
  public static final String PRACTICE_CODE = "practice_code";
  public static final String PCN_CODE = "pcn_code";
  public static final String ICC_CODE = "icc_code";
  /** 12-month emergency admission risk, a probability 0-1 as in the scores table (never a percentage here). */
  public static final String ADMISSION_RISK = "admission_risk";
  public static final String FACTOR_1 = "factor_1";
  public static final String FACTOR_2 = "factor_2";
  public static final String FACTOR_3 = "factor_3";
  /** Rise in risk since the comparison publication, percentage points; rank_by=risk_rise only. */
  public static final String RISE_PCT = "risk_rise_pct";
  public static final String PREVIOUS_RANK = "previous_rank";
  public static final String REASON = "reason";

  /** Status of a cohort row against the previous publication of the same cohort and group. */
  public static final String NEW = "new";
  public static final String CONTINUING = "continuing";

  /** Why a patient in the previous cohort is not in this one, first that applies. */
  public static final String DIED = "died";
  public static final String DEREGISTERED = "deregistered";
  public static final String MOVED = "moved";
  public static final String NO_LONGER_ELIGIBLE = "no_longer_eligible";
  public static final String RISK_FELL = "risk_fell";

  /** A cohort row's columns, in order. */
  public static final List<String> ROW =
      List.of(
          COHORT, LEVEL, GROUP, RANK, ELIGIBLE, STATUS, NHS_NUMBER, "date_of_birth", "age", "sex",
          PRACTICE_CODE, "practice_name", PCN_CODE, "pcn_name", ICC_CODE, "icc_name", ADMISSION_RISK,
          "admission_risk_band", "efi", "efi_category", "hfrs", "hfrs_band", "ltc_count",
          "cms_score", "emergency_admissions_12m", "social_care_service", "lives_alone",
          "category1_hazard", "homeless_or_temporary", FACTOR_1, FACTOR_2, FACTOR_3, RISE_PCT);

  /** A leaver row's columns, in order. */
  public static final List<String> LEAVER =
      List.of(COHORT, LEVEL, GROUP, NHS_NUMBER, PREVIOUS_RANK, PRACTICE_CODE, PCN_CODE, REASON);
}
