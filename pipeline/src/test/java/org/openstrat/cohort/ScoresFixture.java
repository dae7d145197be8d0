package org.openstrat.cohort;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Hand-made rows of the scores table (docs/architecture.md), for cohort and publish tests. */
public final class ScoresFixture {
  public static final StructType SCHEMA =
      new StructType()
          .add("nhs_number", StringType)
          .add("date_of_birth", DateType)
          .add("age", IntegerType)
          .add("sex", StringType)
          .add("practice_code", StringType)
          .add("practice_name", StringType)
          .add("pcn_code", StringType)
          .add("pcn_name", StringType)
          .add("icc_code", StringType)
          .add("icc_name", StringType)
          .add("icp_code", StringType)
          .add("icp_name", StringType)
          .add("lsoa_code", StringType)
          .add("imd_decile", IntegerType)
          .add("national_opt_out", BooleanType)
          .add("efi", DoubleType)
          .add("efi_deficit_count", IntegerType)
          .add("efi_category", StringType)
          .add("efi_deficits", DataTypes.createArrayType(StringType))
          .add("hfrs", DoubleType)
          .add("hfrs_band", StringType)
          .add("ltc_count", IntegerType)
          .add("ltc_conditions", DataTypes.createArrayType(StringType))
          .add("cms_score", DoubleType)
          .add("polypharmacy_count", IntegerType)
          .add("emergency_admissions_12m", IntegerType)
          .add("bed_days_12m", IntegerType)
          .add("ae_attendances_12m", IntegerType)
          .add("op_dna_12m", IntegerType)
          .add("social_care_service", StringType)
          .add("lives_alone", BooleanType)
          .add("category1_hazard", BooleanType)
          .add("homeless_or_temporary", BooleanType)
          .add("admission_risk", DoubleType)
          .add("admission_risk_band", StringType)
          .add("top_factors", DataTypes.createArrayType(StringType));

  private final List<Row> rows = new ArrayList<>();

  /** A patient with the fields cohorts care about; the rest are plausible constants. */
  public ScoresFixture add(
      String nhs, String practice, String pcn, String icc, int age, double risk, double efi,
      String efiCategory, double hfrs) {
    return add(nhs, practice, pcn, icc, age, risk, efi, efiCategory, hfrs, false, List.of("Age 80 or over"));
  }

  public ScoresFixture add(
      String nhs, String practice, String pcn, String icc, int age, double risk, double efi,
      String efiCategory, double hfrs, boolean nationalOptOut, List<String> factors) {
    rows.add(
        RowFactory.create(
            nhs,
            Date.valueOf(java.time.LocalDate.of(2025, 4, 1).minusYears(age)),
            age,
            "F",
            practice,
            "Practice " + practice,
            pcn,
            "PCN " + pcn,
            icc,
            icc == null ? null : "ICC " + icc,
            "ICP01",
            "Test ICP",
            "E01000001",
            3,
            nationalOptOut,
            efi,
            (int) Math.round(efi * 36),
            efiCategory,
            scala(List.of()),
            hfrs,
            hfrs < 5 ? "low" : hfrs <= 15 ? "intermediate" : "high",
            2,
            scala(List.of("asthma", "copd")),
            1.5,
            4,
            1,
            3,
            2,
            0,
            null,
            true,
            false,
            false,
            risk,
            risk < 0.1 ? "low" : risk < 0.2 ? "moderate" : risk < 0.4 ? "high" : "very high",
            scala(factors)));
    return this;
  }

  public Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static scala.collection.immutable.Seq<String> scala(List<String> l) {
    return scala.jdk.javaapi.CollectionConverters.asScala(l).toList();
  }

  /** A valid Modulus-11 NHS number derived from i (for large generated fixtures). */
  public static String nhs(int i) {
    for (int k = 0; ; k++) {
      String base = String.format("%09d", (long) i * 7 + 100000000L + k);
      int sum = 0;
      for (int d = 0; d < 9; d++) {
        sum += (base.charAt(d) - '0') * (10 - d);
      }
      int check = 11 - (sum % 11);
      if (check == 11) {
        check = 0;
      }
      if (check != 10) {
        return base + check;
      }
    }
  }
}
