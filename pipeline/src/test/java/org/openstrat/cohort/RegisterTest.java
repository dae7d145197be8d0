package org.openstrat.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.openstrat.testing.SparkTestBase;

/** The admission register: who is on it, for which event, and what it says about them. */
class RegisterTest extends SparkTestBase {
  private static final LocalDate FROM = LocalDate.of(2025, 3, 2);
  private static final LocalDate AS_OF = LocalDate.of(2025, 3, 31);

  private static final StructType SPELLS =
      new StructType()
          .add("nhs_number", DataTypes.StringType)
          .add("spell_id", DataTypes.StringType)
          .add("provider_code", DataTypes.StringType)
          .add("admission_date", DataTypes.DateType)
          .add("discharge_date", DataTypes.DateType)
          .add("admission_method", DataTypes.StringType)
          .add("primary_diagnosis", DataTypes.StringType);
  private static final StructType AE =
      new StructType()
          .add("nhs_number", DataTypes.StringType)
          .add("attendance_id", DataTypes.StringType)
          .add("arrival_date", DataTypes.DateType)
          .add("department_type", DataTypes.StringType);

  private static Row spell(String nhs, String id, String admitted, String discharged, String method, String dx) {
    return RowFactory.create(nhs, id, "RXX", Date.valueOf(admitted),
        discharged == null ? null : Date.valueOf(discharged), method, dx);
  }

  private static Row ae(String nhs, String id, String arrived) {
    return RowFactory.create(nhs, id, Date.valueOf(arrived), "01");
  }

  @Test
  void holdsExactlyTheWindowsEmergencyAdmissionsDischargesAndAttendancesOfItsOwnPatients() {
    ScoresFixture f = new ScoresFixture();
    for (String p : List.of("readmit", "first", "elective", "dischargedIn", "before", "ae", "onStart",
        "dayBefore", "stillIn", "laterDischarge", "later", "month")) {
      f.add(p, "A00001", "U00001", "ICC1", 80, 0.3, 0.2, "mild", 3);
    }
    f.add("other", "A00002", "U00002", "ICC2", 80, 0.6, 0.2, "mild", 3);
    Dataset<Row> scores = f.toDataset(spark());
    Dataset<Row> spells =
        spark().createDataFrame(
            List.of(
                spell("readmit", "s1", "2025-02-01", "2025-03-01", "11", "M161"), // elective, before
                spell("readmit", "s2", "2025-03-31", "2025-03-31", "21", "J440"), // 30 days later
                spell("month", "m1", "2025-01-01", "2025-02-01", "21", "J440"),
                spell("month", "m2", "2025-03-04", "2025-03-10", "22", "I500"), // 31 days: not
                spell("first", "f1", "2025-03-10", "2025-03-12", "2A", "R296"),
                spell("elective", "e1", "2025-03-10", "2025-03-11", "12", "K802"), // elective: out
                spell("dischargedIn", "d1", "2025-02-20", "2025-03-05", "21", "S720"),
                spell("before", "b1", "2025-02-01", "2025-02-05", "21", "I219"), // all before: out
                spell("onStart", "o1", "2025-03-02", "2025-03-03", "21", "N390"), // first day: in
                spell("dayBefore", "x1", "2025-03-01", "2025-03-01", "21", "N390"), // day before: out
                spell("stillIn", "i1", "2025-03-20", null, "21", "C349"),
                spell("laterDischarge", "l1", "2025-03-25", "2025-04-03", "24", "I639"), // after as-of
                spell("later", "z1", "2025-04-01", null, "21", "I219"), // after as-of: out
                spell("optedOut", "t1", "2025-03-10", null, "21", "I219"), // not in the population
                spell("other", "p1", "2025-03-10", "2025-03-12", "21", "I219")),
            SPELLS);
    Dataset<Row> attendances =
        spark().createDataFrame(
            List.of(ae("ae", "a1", "2025-03-15"), ae("ae", "a0", "2025-02-15"), ae("optedOut", "a2", "2025-03-15")),
            AE);
    CohortConfig cohorts =
        new CohortConfig(
            List.of(new CohortDefinition("top", "admission_risk", 1, List.of(CohortLevel.PCN), "")),
            CohortConfig.DEFAULT_TIE_SALT);
    Dataset<Row> cohort = Cohorts.build(scores, cohorts, null); // "other" in U00002, and one of U00001

    List<Row> rows = Register.build(scores, spells, attendances, cohort, FROM, AS_OF).collectAsList();

    Map<String, String> pcn = new TreeMap<>();
    Map<String, String> icc = new TreeMap<>();
    for (Row r : rows) {
      String key = r.<String>getAs("nhs_number") + "/" + r.<String>getAs("event_id");
      (r.<String>getAs("register_level").equals("pcn") ? pcn : icc).put(key, r.getAs("event"));
      // Nobody in another PCN's or ICC's register.
      String own = r.getAs(r.<String>getAs("register_level").equals("pcn") ? "pcn_code" : "icc_code");
      assertThat(r.<String>getAs("register_group")).isEqualTo(own);
    }
    assertThat(pcn)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "readmit/s2", "emergency_admission",
                "month/m2", "emergency_admission",
                "first/f1", "emergency_admission",
                "dischargedIn/d1", "discharge",
                "onStart/o1", "emergency_admission",
                "stillIn/i1", "emergency_admission",
                "laterDischarge/l1", "emergency_admission",
                "ae/a1", "ae_attendance",
                "other/p1", "emergency_admission"));
    assertThat(icc).isEqualTo(pcn);

    Map<String, Row> byEvent = new TreeMap<>();
    rows.stream().filter(r -> r.<String>getAs("register_level").equals("pcn"))
        .forEach(r -> byEvent.put(r.getAs("event_id"), r));
    // Readmissions: 30 days after an elective discharge counts, 31 days does not.
    assertThat(byEvent.get("s2").<Boolean>getAs("readmission_30d")).isTrue();
    assertThat(byEvent.get("m2").<Boolean>getAs("readmission_30d")).isFalse();
    assertThat(byEvent.get("f1").<Boolean>getAs("readmission_30d")).isFalse();
    assertThat(byEvent.get("a1").<Boolean>getAs("readmission_30d")).isNull();
    // Still in hospital: no discharge, or a discharge not yet known on the as-of date.
    for (String id : List.of("i1", "l1")) {
      assertThat(byEvent.get(id).<Boolean>getAs("in_hospital")).as(id).isTrue();
      assertThat(byEvent.get(id).<Date>getAs("discharge_date")).as(id).isNull();
    }
    assertThat(byEvent.get("i1").<Integer>getAs("length_of_stay_days")).isEqualTo(11); // to as-of
    assertThat(byEvent.get("d1").<Integer>getAs("length_of_stay_days")).isEqualTo(13);
    assertThat(byEvent.get("d1").<Date>getAs("event_date")).isEqualTo(Date.valueOf("2025-03-05"));
    assertThat(byEvent.get("d1").<Boolean>getAs("in_hospital")).isFalse();
    // The diagnosis as its ICD-10 chapter in plain English, never the code.
    assertThat(byEvent.get("d1").<String>getAs("diagnosis_group")).isEqualTo("Injury, poisoning and other external causes");
    assertThat(byEvent.get("i1").<String>getAs("diagnosis_group")).isEqualTo("Cancers and other neoplasms");
    assertThat(byEvent.get("s2").<String>getAs("diagnosis_group")).isEqualTo("Diseases of the respiratory system");
    assertThat(byEvent.get("a1").<String>getAs("department_type")).isEqualTo("01");
    // Already on a cohort list of the same PCN, with current risk and eFI.
    assertThat(byEvent.get("p1").<Boolean>getAs("on_cohort_list")).isTrue();
    assertThat(byEvent.get("p1").<String>getAs("cohorts")).isEqualTo("top");
    assertThat(byEvent.get("p1").<Double>getAs("admission_risk")).isEqualTo(0.6);
    assertThat(byEvent.get("p1").<Double>getAs("efi")).isEqualTo(0.2);
    assertThat(rows.stream().filter(r -> r.<String>getAs("register_level").equals("icc")))
        .allSatisfy(r -> assertThat(r.<Boolean>getAs("on_cohort_list")).isFalse()); // cohort is PCN-only
  }

  @Test
  void everyChapterHasATitleAndCodesOutsideThemHaveNone() {
    Dataset<Row> codes =
        spark().createDataFrame(
            List.of(RowFactory.create("A099"), RowFactory.create("D489"), RowFactory.create("D500"),
                RowFactory.create("H599"), RowFactory.create("H600"), RowFactory.create("T983"),
                RowFactory.create("U071"), RowFactory.create("Z99"), RowFactory.create("X"),
                RowFactory.create((Object) null)),
            new StructType().add("c", DataTypes.StringType));
    List<String> got =
        codes.select(Register.diagnosisGroup(codes.col("c"))).collectAsList().stream()
            .map(r -> r.getString(0)).toList();
    assertThat(got)
        .containsExactly(
            "Infections (certain infectious and parasitic diseases)", "Cancers and other neoplasms",
            "Blood and immune system disorders", "Diseases of the eye", "Diseases of the ear",
            "Injury, poisoning and other external causes", "Codes for special purposes",
            "Factors influencing health status and contact with services", null, null);
  }
}
