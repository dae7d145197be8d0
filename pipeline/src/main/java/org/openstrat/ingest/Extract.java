package org.openstrat.ingest;

import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.openstrat.ingest.ContractColumn.LA_CODE;
import static org.openstrat.ingest.ContractColumn.LSOA_CODE;
import static org.openstrat.ingest.ContractColumn.NHS_NUMBER;
import static org.openstrat.ingest.ContractColumn.PCN_CODE;
import static org.openstrat.ingest.ContractColumn.PRACTICE_CODE;
import static org.openstrat.ingest.ContractColumn.of;
import static org.openstrat.ingest.ContractColumn.pattern;
import static org.openstrat.ingest.ContractColumn.plannedEnd;
import static org.openstrat.ingest.ContractColumn.set;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.types.StructType;
import org.openstrat.ingest.ContractColumn.Kind;

/**
 * Extract contract v1 (docs/data-contract.md): every extract's name, key, window date and
 * columns, each column with its check ({@link ContractColumn}), declared once here; the raw and
 * typed schemas and quality's row checks are read from it.
 *
 * <p>Raw form: every column is a string, exactly as the CSV carries it (Parquet extracts hold the
 * same string columns), so that bad values survive to be quarantined with a reason. Typed form:
 * what ingest hands to the later stages, after validation; dates are {@code DATE}, Y/N flags
 * {@code BOOLEAN}, ICD-10 codes normalised.
 */
public enum Extract {
  PRACTICES(
      "practices", keys("practice_code", "start_date"), null,
      pattern("practice_code", PRACTICE_CODE, true),
      of("practice_name", Kind.TEXT, false),
      pattern("pcn_code", PCN_CODE, false),
      of("pcn_name", Kind.TEXT, false),
      of("icc_code", Kind.TEXT, false),
      of("icc_name", Kind.TEXT, false),
      of("icp_code", Kind.TEXT, false),
      of("icp_name", Kind.TEXT, false),
      of("start_date", Kind.DATE, true),
      plannedEnd("end_date")),
  PATIENTS(
      "patients", keys("nhs_number"), null,
      NHS_NUMBER,
      of("date_of_birth", Kind.DATE, true),
      set("sex", false, "M", "F", "I", "U"),
      pattern("practice_code", PRACTICE_CODE, true),
      of("registration_start", Kind.DATE, true),
      of("registration_end", Kind.DATE, false),
      of("date_of_death", Kind.DATE, false),
      pattern("lsoa_code", LSOA_CODE, false),
      of("type1_opt_out", Kind.FLAG, false),
      of("national_opt_out", Kind.FLAG, false)),
  GP_EVENTS(
      "gp_events", keys(), "event_date",
      NHS_NUMBER,
      of("event_date", Kind.DATE, true),
      of("snomed_code", Kind.SNOMED, true),
      of("numeric_value", Kind.NUMBER, false)),
  GP_MEDICATIONS(
      "gp_medications", keys(), "issue_date",
      NHS_NUMBER,
      of("issue_date", Kind.DATE, true),
      of("dmd_code", Kind.SNOMED, true),
      // Not format-checked: the dm+d id identifies the medicine; a malformed BNF code alone
      // should not lose a prescription (scores count medicines by dm+d).
      of("bnf_code", Kind.TEXT, false)),
  APC_SPELLS(
      "apc_spells", keys("spell_id"), "admission_date",
      NHS_NUMBER,
      of("spell_id", Kind.TEXT, true),
      of("provider_code", Kind.TEXT, false),
      of("admission_date", Kind.DATE, true),
      of("discharge_date", Kind.DATE, false),
      of("admission_method", Kind.ADMISSION_METHOD, true),
      of("primary_diagnosis", Kind.ICD10, true),
      of("secondary_diagnoses", Kind.ICD10_LIST, false)),
  AE_ATTENDANCES(
      "ae_attendances", keys("attendance_id"), "arrival_date",
      NHS_NUMBER,
      of("attendance_id", Kind.TEXT, true),
      of("arrival_date", Kind.DATE, true),
      set("department_type", true, "01", "02", "03", "04", "05")),
  OP_APPOINTMENTS(
      "op_appointments", keys("appointment_id"), "appointment_date",
      NHS_NUMBER,
      of("appointment_id", Kind.TEXT, true),
      of("appointment_date", Kind.DATE, true),
      of("attendance_status", Kind.ATTENDANCE_STATUS, true)),
  SOCIAL_CARE(
      "social_care", keys(), "start_date",
      NHS_NUMBER,
      pattern("la_code", LA_CODE, true),
      of("service_type", Kind.TEXT, true),
      of("primary_support_reason", Kind.TEXT, false),
      of("start_date", Kind.DATE, true),
      plannedEnd("end_date"),
      of("submission_date", Kind.DATE, true)),
  HOUSING(
      "housing", keys(), "record_date",
      NHS_NUMBER,
      of("uprn", Kind.TEXT, false),
      of("record_date", Kind.DATE, true),
      set("tenure", false, "owner", "social_rent", "private_rent", "temporary", "unknown"),
      of("lives_alone", Kind.FLAG, false),
      of("category1_hazard", Kind.FLAG, false),
      of("homeless_or_temporary", Kind.FLAG, false),
      of("adaptations", Kind.FLAG, false)),
  LSOA_DEPRIVATION(
      "lsoa_deprivation", keys("lsoa_code"), null,
      pattern("lsoa_code", LSOA_CODE, true),
      of("imd_decile", Kind.INT, true),
      of("imd_edition", Kind.TEXT, false));

  private final String fileName;
  private final List<String> key;
  private final String windowDate;
  private final List<ContractColumn> contract;
  private final StructType typedSchema;

  Extract(String fileName, List<String> key, String windowDate, ContractColumn... columns) {
    this.fileName = fileName;
    this.key = key;
    this.windowDate = windowDate;
    this.contract = List.of(columns);
    StructType t = new StructType();
    for (ContractColumn c : columns) {
      t = t.add(c.name(), c.typed(), true);
    }
    this.typedSchema = t;
  }

  /** The extract's columns in contract order, each with its check: the one declaration. */
  public List<ContractColumn> contract() {
    return contract;
  }

  /** The key columns (rows repeating a key are {@code DUPLICATE_KEY}); empty if none. */
  public List<String> key() {
    return key;
  }

  /**
   * The date that places a row in or outside the scoring window: after the as-of date (but not
   * after the extract date) it is accepted and counted as outside. Null for reference extracts.
   */
  public String windowDate() {
    return windowDate;
  }

  /** The extract's base name: {@code NAME.csv}, {@code NAME.parquet} or folder {@code NAME/}. */
  public String fileName() {
    return fileName;
  }

  /** Column names in contract order. A CSV's header may list them in another order. */
  public List<String> columns() {
    return Arrays.asList(typedSchema.fieldNames());
  }

  /** Every column as a string: the shape of the file before validation. */
  public StructType rawSchema() {
    StructType s = new StructType();
    for (String c : typedSchema.fieldNames()) {
      s = s.add(c, StringType, true);
    }
    return s;
  }

  /** The shape ingest hands to later stages once rows are validated and typed. */
  public StructType typedSchema() {
    return typedSchema;
  }

  /** Extracts whose rows are about a patient and so are linked by {@code nhs_number}. */
  public boolean isPatientLevel() {
    return typedSchema.getFieldIndex("nhs_number").isDefined();
  }

  public static Optional<Extract> byFileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(e -> e.fileName.equals(n)).findFirst();
  }

  private static List<String> keys(String... columns) {
    return List.of(columns);
  }
}
