package org.openstrat.publish;

import org.openstrat.cohort.CohortColumns;
import static org.openstrat.publish.CohortFiles.date;
import static org.openstrat.publish.CohortFiles.num;
import static org.openstrat.publish.CohortFiles.percent;
import static org.openstrat.publish.CohortFiles.round2;
import static org.openstrat.publish.CohortFiles.text;
import static org.openstrat.publish.CohortFiles.yesNo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.cohort.CohortLevel;
import org.openstrat.cohort.Register;

/**
 * Writes the admission register ({@link Register}) as the cohorts are written:
 *
 * <pre>
 * register/pcn_code=U#####/part-00000.snappy.parquet   every register row (RegisterRecord)
 * register_csv/U#####.csv        that PCN's register, for Excel
 * register_csv/icc/ICC.csv       that ICC's register
 * </pre>
 *
 * Every PCN and ICC of the scored population gets its files, empty (header only) if nothing
 * happened to its patients in the window. Rows are sorted by (pcn_code, register_level,
 * register_group, event_date, nhs_number, event, event_id) in Parquet and by (event_date,
 * nhs_number, event, event_id) in each CSV, so a rerun writes byte-identical files.
 */
final class RegisterFiles {
  static final String PARQUET = "register";
  static final String CSV = "register_csv";

  private RegisterFiles() {}

  /** Counts written. */
  record Written(long rows, long pcnRows, long iccRows, int pcnFiles, int iccFiles) {}

  /** Each list's CSV rows are in this order; the workbook's register sheet follows it too. */
  static final String[] CSV_ORDER = {Register.GROUP, Register.EVENT_DATE, "nhs_number", Register.EVENT, Register.EVENT_ID};

  /**
   * Builds the register for the window (the day after the previous publication, else the last
   * {@code register.window_days} days, to the as-of date), persisted: the workbooks read it, then
   * {@link #publish} writes it and lets it go. National opt-outs stay (direct care, as in the
   * cohorts).
   */
  static Workbook.Admissions build(Publisher.Request r, Dataset<Row> scores, Dataset<Row> cohort,
      Optional<Path> previous) {
    LocalDate from =
        previous.map(p -> LocalDate.parse(p.getFileName().toString()).plusDays(1))
            .orElse(r.asOf().minusDays(r.events().windowDays() - 1L));
    Dataset<Row> register =
        Register.build(scores, r.events().spells(), r.events().attendances(), cohort, from, r.asOf());
    if (register == null) {
      register = scores.sparkSession().createDataFrame(List.of(), emptySchema());
    }
    return new Workbook.Admissions(
        register.withColumn("window_start", lit(java.sql.Date.valueOf(from))).persist(StorageLevel.MEMORY_AND_DISK()),
        from);
  }

  /**
   * Writes the register {@link #build} made into {@code staging}, records it in the manifest, and
   * unpersists it.
   */
  static Written publish(Publisher.Request r, Workbook.Admissions built, Dataset<Row> scores,
      Optional<Path> previous, Path staging, Manifest m) throws IOException {
    Dataset<Row> register = built.rows();
    LocalDate from = built.from();
    Set<String> pcns = new TreeSet<>();
    Set<String> iccs = new TreeSet<>();
    // One row per PCN and ICC pair: a few dozen.
    for (Row g : scores.select(col("pcn_code"), col("icc_code")).distinct().collectAsList()) {
      if (g.get(0) != null) {
        pcns.add(g.getString(0));
      }
      if (g.get(1) != null) {
        iccs.add(g.getString(1));
      }
    }
    try {
      Written w = write(staging, register, r.asOf(), pcns, iccs);
      m.output("register", Publisher.map(
          "rows", w.rows(), "pcn_level_rows", w.pcnRows(), "icc_level_rows", w.iccRows(),
          "pcn_files", w.pcnFiles(), "icc_files", w.iccFiles(),
          "window_start", from.toString(), "window_end", r.asOf().toString(),
          "window", previous.isPresent()
              ? "since the previous publication " + previous.get().getFileName()
              : "the last " + r.events().windowDays() + " days (no previous publication)"));
      return w;
    } finally {
      register.unpersist();
    }
  }

  private static org.apache.spark.sql.types.StructType emptySchema() {
    org.apache.spark.sql.types.StructType t = new org.apache.spark.sql.types.StructType();
    for (String c : Register.ROW) {
      t = t.add(c, org.apache.spark.sql.types.DataTypes.StringType);
    }
    return t;
  }

  static Written write(Path root, Dataset<Row> register, LocalDate asOf, Collection<String> pcns,
      Collection<String> iccs) throws IOException {
    long rows = GroupedFiles.parquetByPcn(root.resolve(PARQUET), register, AvroRecords.REGISTER, asOf,
        new String[] {"pcn_code", Register.LEVEL, Register.GROUP, Register.EVENT_DATE, "nhs_number",
            Register.EVENT, Register.EVENT_ID}, pcns);
    Path csv = root.resolve(CSV);
    long[] pcn = csv(csv, register, CohortLevel.PCN, pcns);
    long[] icc = csv(csv.resolve("icc"), register, CohortLevel.ICC, iccs);
    return new Written(rows, pcn[0], icc[0], (int) pcn[1], (int) icc[1]);
  }

  private static long[] csv(Path dir, Dataset<Row> register, CohortLevel level, Collection<String> every)
      throws IOException {
    return GroupedFiles.csvByGroup(dir, GroupedFiles.where(register, Register.LEVEL, level.key()),
        Register.GROUP, level == CohortLevel.PCN ? SafeNames.PCN : SafeNames.ICC,
        level == CohortLevel.PCN ? "PCN" : "ICC", LAYOUT, CSV_ORDER, every);
  }

  static final GroupedFiles.Csv LAYOUT = layout();

  private static GroupedFiles.Csv layout() {
    Map<String, Function<Row, String>> m = new LinkedHashMap<>();
    m.put("Event", r -> event(r.getAs(Register.EVENT)));
    m.put("Date", r -> date(r, Register.EVENT_DATE));
    m.put("NHS number", r -> text(r, "nhs_number"));
    m.put("Date of birth", r -> date(r, "date_of_birth"));
    m.put("Age", r -> num(r, "age"));
    m.put("Sex", r -> text(r, "sex"));
    m.put(CohortFiles.PRACTICE_HEADER, r -> text(r, "practice_code"));
    m.put("Practice", r -> text(r, "practice_name"));
    m.put(CohortFiles.PCN_HEADER, r -> text(r, "pcn_code"));
    m.put(CohortFiles.ICC_HEADER, r -> text(r, "icc_code"));
    m.put("Hospital provider", r -> text(r, "provider_code"));
    m.put("Admission date", r -> date(r, "admission_date"));
    m.put("Discharge date", r -> date(r, "discharge_date"));
    m.put("Still in hospital", r -> yesNo(r, "in_hospital"));
    m.put("Length of stay (days)", r -> num(r, "length_of_stay_days"));
    m.put("How admitted", r -> admissionMethod(r.getAs("admission_method")));
    m.put("A&E department", r -> department(r.getAs("department_type")));
    m.put("Diagnosis group", r -> text(r, "diagnosis_group"));
    m.put("Readmission within 30 days", r -> yesNo(r, "readmission_30d"));
    m.put("On a cohort list", r -> yesNo(r, "on_cohort_list"));
    m.put("Cohorts", r -> text(r, "cohorts"));
    m.put("Emergency admission risk (%)", r -> percent(r, CohortColumns.ADMISSION_RISK));
    m.put("Risk band", r -> text(r, "admission_risk_band"));
    m.put("eFI", r -> round2(r, "efi"));
    m.put("eFI category", r -> text(r, "efi_category"));
    m.put("Spell or attendance id", r -> text(r, Register.EVENT_ID));
    List<Function<Row, String>> cells = List.copyOf(m.values());
    return new GroupedFiles.Csv(new ArrayList<>(m.keySet()), r -> cells.stream().map(f -> f.apply(r)).toList());
  }

  static String event(String code) {
    return switch (code == null ? "" : code) {
      case Register.ADMISSION -> "Emergency admission";
      case Register.DISCHARGE -> "Discharged";
      case Register.AE -> "A&E attendance";
      default -> ExcelCsv.text(code);
    };
  }

  /** NHS Data Dictionary, ADMISSION METHOD (HOSPITAL PROVIDER SPELL), emergency codes. */
  static String admissionMethod(String code) {
    if (code == null) {
      return "";
    }
    return switch (code) {
      case "21" -> "Emergency: via A&E";
      case "22" -> "Emergency: via the GP";
      case "23" -> "Emergency: via the bed bureau";
      case "24" -> "Emergency: via a consultant clinic";
      case "25" -> "Emergency: via a mental health crisis team";
      case "2A" -> "Emergency: via another provider's A&E";
      case "2B" -> "Emergency: transfer from another hospital";
      case "2C" -> "Emergency: baby born at home";
      case "2D" -> "Emergency: other";
      case "28" -> "Emergency: other means";
      default -> ExcelCsv.text(code);
    };
  }

  /** ECDS, EMERGENCY CARE DEPARTMENT TYPE. */
  static String department(String code) {
    if (code == null) {
      return "";
    }
    return switch (code) {
      case "01" -> "Type 1: emergency department";
      case "02" -> "Type 2: single-specialty emergency department";
      case "03" -> "Type 3: urgent treatment centre or minor injuries unit";
      case "04" -> "Type 4: walk-in centre";
      case "05" -> "Type 5: same day emergency care";
      default -> ExcelCsv.text(code);
    };
  }
}
