package org.openstrat.quality;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openstrat.util.CheckDigits;

/** Hand-made input folders for the quality tests. */
final class Fixture {
  private Fixture() {}

  /** The n-th valid NHS number after 943476591x (deterministic, Modulus 11 valid, never reserved). */
  static String nhs(int n) {
    int found = 0;
    for (long p = 100000001L; ; p++) {
      String nine = Long.toString(p);
      Integer c = CheckDigits.nhsCheckDigit(nine);
      if (c != null && CheckDigits.nhsNumberValid(nine + c) && found++ == n) {
        return nine + c;
      }
    }
  }

  static void write(Path dir, String name, String text) {
    try {
      Path f = dir.resolve(name);
      Files.createDirectories(f.getParent());
      Files.writeString(f, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces {P1}..{P20} with NHS numbers; P1 is the Data Dictionary's example 9434765919. */
  static String fill(String s) {
    for (int i = 20; i >= 1; i--) {
      s = s.replace("{P" + i + "}", i == 1 ? "9434765919" : nhs(i));
    }
    return s;
  }

  /** A valid SNOMED CT concept id (checked) used across fixtures: diabetes mellitus. */
  static final String SNOMED_OK = "73211009";
  static final String SNOMED_OK2 = "38341003";
  static final String SNOMED_BAD = "73211008";
  static final String DMD_OK = "322236009";
  static final String DMD_BAD = "322236008";

  /** Every extract, with one row per rule edge; as-of 2025-01-01, extract date 2025-03-31. */
  static void full(Path dir) {
    write(dir, "extract.properties", "extract_date=2025-03-31\n");
    write(dir, "README.txt", "not an extract\n");
    write(dir, "practices.csv", """
        practice_code,practice_name,pcn_code,pcn_name,icc_code,icc_name,icp_code,icp_name,start_date,end_date
        A00001,"Alpha
        Surgery",U00001,PCN One,I1,ICC One,Q1,ICP One,2020-01-01,
        B00002,Beta,U00001,PCN One,I1,ICC One,Q1,ICP One,2020-01-01,2024-06-01
        B00002,Beta,U00002,PCN Two,I1,ICC One,Q1,ICP One,2024-06-01,
        C00003,Gamma,U00003,PCN Three,I1,ICC One,Q1,ICP One,2020-01-01,2023-01-01
        """);
    // Column order differs from the contract: columns are matched by name.
    write(dir, "patients.csv", fill("""
        nhs_number,sex,date_of_birth,practice_code,registration_start,registration_end,date_of_death,lsoa_code,type1_opt_out,national_opt_out
        {P1},M,1950-05-01,A00001,2000-01-01,,,E01000001,N,N
        {P2},F,2007-01-01,B00002,2010-01-01,,,,N,Y
        {P3},F,2007-01-02,A00001,2010-01-01,,,,N,N
        {P4},M,1940-01-01,A00001,2000-01-01,,2024-12-31,,N,N
        {P5},M,1960-01-01,A00001,2000-01-01,2025-01-01,,,N,N
        {P6},F,1970-01-01,A00001,2000-01-01,,,,Y,N
        {P7},M,1980-01-01,C00003,2000-01-01,,,,N,N
        {P8},M,1980-01-01,Z99999,2000-01-01,,,,N,N
        9434765918,M,1980-01-01,A00001,2000-01-01,,,,N,N
        0000000000,M,1980-01-01,A00001,2000-01-01,,,,N,N
        {P9},M,1899-12-31,A00001,2000-01-01,,,,N,N
        {P10},M,2023-02-30,A00001,2000-01-01,,,,N,N
        {P11},X,1980-01-01,A00001,2000-01-01,,,,N,N
        {P1},M,1950-05-01,A00001,2000-01-01,,,E01000001,N,N
        {P1},F,1950-05-01,A00001,2000-01-01,,,E01000001,N,N
        {P12},M,1990-01-01,A00001,2025-02-01,,,,N,N
        {P13},M,1990-01-01,A00001,2025-04-01,,,,N,N
        {P14},M,1990-01-01,,2000-01-01,,,,N,N
        """));
    write(dir, "gp_events.csv", fill("""
        nhs_number,event_date,snomed_code,numeric_value
        {P1},2024-06-01,73211009,
        {P1},2025-02-01,38341003,
        {P1},2025-04-01,38341003,
        {P1},1899-12-31,38341003,
        {P1},2024-01-01,73211008,
        {P1},2024-01-01
        {P1},2024-01-01,73211009,1,extra
        {P1},"2024-01-01,73211009,1
        {P1},2024-01-01
        ,73211009,1
        {P20},2024-01-01,73211009,
        {P1},2024-06-01,73211009,
        {P1},2024-01-01,73211009,abc
        {P2},2024-01-01,38341003,7.2
        {P8},2024-01-01,38341003,
        """));
    write(dir, "gp_medications.csv", fill("""
        nhs_number,issue_date,dmd_code,bnf_code
        {P1},2024-10-01,322236009,0407010H0AAAMAM
        {P1},2024-10-01,322236008,0407010H0AAAMAM
        """));
    write(dir, "apc_spells.csv", fill("""
        nhs_number,spell_id,provider_code,admission_date,discharge_date,admission_method,primary_diagnosis,secondary_diagnoses
        {P1},S1,RXX,2024-03-01,2024-03-05,21,I10X,e11.9;J44-;
        {P1},S1,RXX,2024-03-01,2024-03-09,21,N18.3,R69X6
        {P2},S1,RXX,2024-03-01,2024-03-05,21,I10,
        {P1},S2,RXX,2024-05-01,,99,I10,
        {P1},S3,RXX,2024-05-01,,21,I1,
        {P1},S4,RXX,2024-05-01,,2A,S06.2,I10;XX9
        {P1},S5,RXX,2024-05-01,,2A,s06 2,
        """));
    write(dir, "ae_attendances.csv", fill("""
        nhs_number,attendance_id,arrival_date,department_type
        {P1},AE1,2024-07-01,01
        {P1},AE2,2024-07-01,06
        {P2},AE1,2024-07-02,01
        """));
    write(dir, "op_appointments.csv", fill("""
        nhs_number,appointment_id,appointment_date,attendance_status
        {P1},OP1,2024-08-01,7
        {P1},OP2,2024-08-01,9
        """));
    write(dir, "social_care.csv", fill("""
        nhs_number,la_code,service_type,primary_support_reason,start_date,end_date,submission_date
        {P1},E09000001,home_care,,2023-01-01,,2024-06-30
        {P1},E09000001,home_care,,2023-01-01,,2024-12-31
        {P2},E09000002,residential,,2022-01-01,2026-01-01,2023-03-31
        {P2},E0900002,residential,,2022-01-01,,2023-03-31
        """));
    write(dir, "housing.csv", fill("""
        nhs_number,uprn,record_date,tenure,lives_alone,category1_hazard,homeless_or_temporary,adaptations
        {P1},100,2024-01-01,owner,Y,N,N,N
        {P2},101,2024-01-01,castle,N,N,N,N
        {P1},100,2024-01-01,owner,maybe,N,N,N
        """));
    write(dir, "lsoa_deprivation.csv", """
        lsoa_code,imd_decile,imd_edition
        E01000001,3,2019
        E01000002,11,2019
        """);
  }
}
