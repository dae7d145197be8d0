package org.openstrat.quality;

import java.util.List;
import java.util.Set;
import org.openstrat.ingest.Extract;

/**
 * How one raw column is checked and typed (docs/data-contract.md, "Extracts" and "Row checks" 2).
 *
 * @param name the contract column
 * @param kind which check applies after the null check
 * @param required a null is {@code MISSING_VALUE}
 * @param pattern for {@link Kind#PATTERN}: the regex a value must match
 * @param values for {@link Kind#SET}: the allowed values
 * @param futureIsDefect for dates: a date after the extract date is {@code DATE_AFTER_EXTRACT}.
 *     False only for planned end dates (a practice's PCN mapping and a social-care service may
 *     have a known end in the future).
 */
record ColumnRule(
    String name, Kind kind, boolean required, String pattern, Set<String> values,
    boolean futureIsDefect) {

  enum Kind {
    TEXT, PATTERN, SET, FLAG, NUMBER, INT, NHS, DATE, SNOMED, ICD10, ICD10_LIST,
    ADMISSION_METHOD, ATTENDANCE_STATUS
  }

  private static ColumnRule of(String name, Kind kind, boolean required) {
    return new ColumnRule(name, kind, required, null, null, true);
  }

  private static ColumnRule pattern(String name, String regex, boolean required) {
    return new ColumnRule(name, Kind.PATTERN, required, regex, null, true);
  }

  private static ColumnRule set(String name, boolean required, String... values) {
    return new ColumnRule(name, Kind.SET, required, null, Set.of(values), true);
  }

  private static ColumnRule plannedEnd(String name) {
    return new ColumnRule(name, Kind.DATE, false, null, null, false);
  }

  static final String PRACTICE_CODE = "^[A-Z][0-9]{5}$";
  static final String PCN_CODE = "^U[0-9]{5}$";
  static final String LSOA_CODE = "^E01[0-9]{6}$";
  static final String LA_CODE = "^E[0-9]{8}$";

  /** The rules for an extract, in contract column order. */
  static List<ColumnRule> forExtract(Extract e) {
    ColumnRule nhs = of("nhs_number", Kind.NHS, true);
    return switch (e) {
      case PRACTICES -> List.of(
          pattern("practice_code", PRACTICE_CODE, true),
          of("practice_name", Kind.TEXT, false),
          pattern("pcn_code", PCN_CODE, false),
          of("pcn_name", Kind.TEXT, false),
          of("icc_code", Kind.TEXT, false),
          of("icc_name", Kind.TEXT, false),
          of("icp_code", Kind.TEXT, false),
          of("icp_name", Kind.TEXT, false),
          of("start_date", Kind.DATE, true),
          plannedEnd("end_date"));
      case PATIENTS -> List.of(
          nhs,
          of("date_of_birth", Kind.DATE, true),
          set("sex", false, "M", "F", "I", "U"),
          pattern("practice_code", PRACTICE_CODE, true),
          of("registration_start", Kind.DATE, true),
          of("registration_end", Kind.DATE, false),
          of("date_of_death", Kind.DATE, false),
          pattern("lsoa_code", LSOA_CODE, false),
          of("type1_opt_out", Kind.FLAG, false),
          of("national_opt_out", Kind.FLAG, false));
      case GP_EVENTS -> List.of(
          nhs,
          of("event_date", Kind.DATE, true),
          of("snomed_code", Kind.SNOMED, true),
          of("numeric_value", Kind.NUMBER, false));
      case GP_MEDICATIONS -> List.of(
          nhs,
          of("issue_date", Kind.DATE, true),
          of("dmd_code", Kind.SNOMED, true),
          // Not format-checked: the dm+d id identifies the medicine; a malformed BNF code alone
          // should not lose a prescription (scores count medicines by dm+d).
          of("bnf_code", Kind.TEXT, false));
      case APC_SPELLS -> List.of(
          nhs,
          of("spell_id", Kind.TEXT, true),
          of("provider_code", Kind.TEXT, false),
          of("admission_date", Kind.DATE, true),
          of("discharge_date", Kind.DATE, false),
          of("admission_method", Kind.ADMISSION_METHOD, true),
          of("primary_diagnosis", Kind.ICD10, true),
          of("secondary_diagnoses", Kind.ICD10_LIST, false));
      case AE_ATTENDANCES -> List.of(
          nhs,
          of("attendance_id", Kind.TEXT, true),
          of("arrival_date", Kind.DATE, true),
          set("department_type", true, "01", "02", "03", "04", "05"));
      case OP_APPOINTMENTS -> List.of(
          nhs,
          of("appointment_id", Kind.TEXT, true),
          of("appointment_date", Kind.DATE, true),
          of("attendance_status", Kind.ATTENDANCE_STATUS, true));
      case SOCIAL_CARE -> List.of(
          nhs,
          pattern("la_code", LA_CODE, true),
          of("service_type", Kind.TEXT, true),
          of("primary_support_reason", Kind.TEXT, false),
          of("start_date", Kind.DATE, true),
          plannedEnd("end_date"),
          of("submission_date", Kind.DATE, true));
      case HOUSING -> List.of(
          nhs,
          of("uprn", Kind.TEXT, false),
          of("record_date", Kind.DATE, true),
          set("tenure", false, "owner", "social_rent", "private_rent", "temporary", "unknown"),
          of("lives_alone", Kind.FLAG, false),
          of("category1_hazard", Kind.FLAG, false),
          of("homeless_or_temporary", Kind.FLAG, false),
          of("adaptations", Kind.FLAG, false));
      case LSOA_DEPRIVATION -> List.of(
          pattern("lsoa_code", LSOA_CODE, true),
          of("imd_decile", Kind.INT, true),
          of("imd_edition", Kind.TEXT, false));
    };
  }

  /** The key columns (duplicates by key are {@code DUPLICATE_KEY}); empty if none. */
  static List<String> key(Extract e) {
    return switch (e) {
      case PRACTICES -> List.of("practice_code", "start_date");
      case PATIENTS -> List.of("nhs_number");
      case APC_SPELLS -> List.of("spell_id");
      case AE_ATTENDANCES -> List.of("attendance_id");
      case OP_APPOINTMENTS -> List.of("appointment_id");
      case LSOA_DEPRIVATION -> List.of("lsoa_code");
      default -> List.of();
    };
  }

  /**
   * The date that places a row in or outside the scoring window: after the as-of date (but not
   * after the extract date) it is accepted and counted as outside. Null for reference extracts.
   */
  static String windowDate(Extract e) {
    return switch (e) {
      case GP_EVENTS -> "event_date";
      case GP_MEDICATIONS -> "issue_date";
      case APC_SPELLS -> "admission_date";
      case AE_ATTENDANCES -> "arrival_date";
      case OP_APPOINTMENTS -> "appointment_date";
      case SOCIAL_CARE -> "start_date";
      case HOUSING -> "record_date";
      default -> null;
    };
  }
}
