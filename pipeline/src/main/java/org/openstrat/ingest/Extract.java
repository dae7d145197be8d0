package org.openstrat.ingest;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Extract contract v1 (docs/data-contract.md): every extract's name and columns.
 *
 * <p>Raw form: every column is a string, exactly as the CSV carries it (Parquet extracts hold the
 * same string columns), so that bad values survive to be quarantined with a reason. Typed form:
 * what ingest hands to the later stages, after validation; dates are {@code DATE}, Y/N flags
 * {@code BOOLEAN}, ICD-10 codes normalised.
 */
public enum Extract {
  PRACTICES(
      "practices",
      col("practice_code", StringType),
      col("practice_name", StringType),
      col("pcn_code", StringType),
      col("pcn_name", StringType),
      col("icc_code", StringType),
      col("icc_name", StringType),
      col("icp_code", StringType),
      col("icp_name", StringType),
      col("start_date", DateType),
      col("end_date", DateType)),
  PATIENTS(
      "patients",
      col("nhs_number", StringType),
      col("date_of_birth", DateType),
      col("sex", StringType),
      col("practice_code", StringType),
      col("registration_start", DateType),
      col("registration_end", DateType),
      col("date_of_death", DateType),
      col("lsoa_code", StringType),
      col("type1_opt_out", BooleanType),
      col("national_opt_out", BooleanType)),
  GP_EVENTS(
      "gp_events",
      col("nhs_number", StringType),
      col("event_date", DateType),
      col("snomed_code", StringType),
      col("numeric_value", DoubleType)),
  GP_MEDICATIONS(
      "gp_medications",
      col("nhs_number", StringType),
      col("issue_date", DateType),
      col("dmd_code", StringType),
      col("bnf_code", StringType)),
  APC_SPELLS(
      "apc_spells",
      col("nhs_number", StringType),
      col("spell_id", StringType),
      col("provider_code", StringType),
      col("admission_date", DateType),
      col("discharge_date", DateType),
      col("admission_method", StringType),
      col("primary_diagnosis", StringType),
      // Typed form: an array of normalised ICD-10 codes (no dot, no filler, upper case).
      col("secondary_diagnoses", DataTypes.createArrayType(StringType))),
  AE_ATTENDANCES(
      "ae_attendances",
      col("nhs_number", StringType),
      col("attendance_id", StringType),
      col("arrival_date", DateType),
      col("department_type", StringType)),
  OP_APPOINTMENTS(
      "op_appointments",
      col("nhs_number", StringType),
      col("appointment_id", StringType),
      col("appointment_date", DateType),
      col("attendance_status", StringType)),
  SOCIAL_CARE(
      "social_care",
      col("nhs_number", StringType),
      col("la_code", StringType),
      col("service_type", StringType),
      col("primary_support_reason", StringType),
      col("start_date", DateType),
      col("end_date", DateType),
      col("submission_date", DateType)),
  HOUSING(
      "housing",
      col("nhs_number", StringType),
      col("uprn", StringType),
      col("record_date", DateType),
      col("tenure", StringType),
      col("lives_alone", BooleanType),
      col("category1_hazard", BooleanType),
      col("homeless_or_temporary", BooleanType),
      col("adaptations", BooleanType)),
  LSOA_DEPRIVATION(
      "lsoa_deprivation",
      col("lsoa_code", StringType),
      col("imd_decile", DataTypes.IntegerType),
      col("imd_edition", StringType));

  private final String fileName;
  private final StructType typedSchema;

  Extract(String fileName, StructField... fields) {
    this.fileName = fileName;
    this.typedSchema = new StructType(fields);
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

  private static StructField col(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
