package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.CohortDefinition;
import org.openstrat.cohort.CohortLevel;
import org.openstrat.rules.Band;

/**
 * The PCN workbook read back with POI, without Spark: title block, frozen header, filter, print
 * setup, dates as dates, "Not known" apart from "No", the left sheet and the read-me sheet.
 */
class WorkbookTest {
  @TempDir Path tmp;

  static final LocalDate AS_OF = LocalDate.of(2026, 3, 31);
  static final CohortDefinition TOP5 =
      new CohortDefinition("top5_admission_risk", "admission_risk", 5, List.of(CohortLevel.PCN, CohortLevel.ICC), "");

  static Presentation presentation() {
    return new Presentation(Map.of(), Map.of(), List.of(new Band("low", 0), new Band("moderate", 0.1),
        new Band("high", 0.25), new Band("very high", 0.5)), null, AS_OF,
        List.of("gp_events: 100 rows accepted", "housing: 10 rows accepted"), "Hub analytics, hub@example.nhs.uk");
  }

  /** A cohort row with the detail columns; only the fields the workbook shows. */
  static Row row(int rank, String status, Integer previousRank, Double change, String nhs, Boolean livesAlone,
      String conditions) {
    return row("pcn", "U00001", rank, status, previousRank, change, nhs, livesAlone, conditions);
  }

  /** A cohort row of list {@code level}/{@code group}. */
  static Row row(String level, String group, int rank, String status, Integer previousRank, Double change, String nhs,
      Boolean livesAlone, String conditions) {
    StructType schema = new StructType();
    List<Object> v = new ArrayList<>();
    add(schema = schema.add("cohort", DataTypes.StringType), v, "top5_admission_risk");
    add(schema = schema.add("cohort_level", DataTypes.StringType), v, level);
    add(schema = schema.add("cohort_group", DataTypes.StringType), v, group);
    add(schema = schema.add("rank", DataTypes.IntegerType), v, rank);
    add(schema = schema.add("status", DataTypes.StringType), v, status);
    add(schema = schema.add("previous_rank", DataTypes.IntegerType), v, previousRank);
    add(schema = schema.add(CohortDetail.RISK_CHANGE, DataTypes.DoubleType), v, change);
    add(schema = schema.add("nhs_number", DataTypes.StringType), v, nhs);
    add(schema = schema.add("date_of_birth", DataTypes.DateType), v, Date.valueOf("1940-05-06"));
    add(schema = schema.add("age", DataTypes.IntegerType), v, 85);
    add(schema = schema.add("sex", DataTypes.StringType), v, "F");
    add(schema = schema.add("practice_name", DataTypes.StringType), v, "=HYPERLINK(\"x\")");
    add(schema = schema.add("admission_risk_pct", DataTypes.DoubleType), v, 61.3);
    add(schema = schema.add("admission_risk_band", DataTypes.StringType), v, "very high");
    add(schema = schema.add("efi", DataTypes.DoubleType), v, 0.39);
    add(schema = schema.add("efi_category", DataTypes.StringType), v, "severe");
    add(schema = schema.add(CohortDetail.LTC_NAMES, DataTypes.StringType), v, conditions);
    add(schema = schema.add(CohortDetail.EFI_DEFICIT_NAMES, DataTypes.StringType), v, "Falls; Hearing impairment");
    add(schema = schema.add(CohortDetail.LAST_EMERGENCY_ADMISSION, DataTypes.DateType), v, Date.valueOf("2026-01-15"));
    add(schema = schema.add("emergency_admissions_12m", DataTypes.IntegerType), v, 2);
    add(schema = schema.add("ae_attendances_12m", DataTypes.IntegerType), v, 3);
    add(schema = schema.add("bed_days_12m", DataTypes.IntegerType), v, 12);
    add(schema = schema.add("social_care_service", DataTypes.StringType), v, null);
    add(schema = schema.add("lives_alone", DataTypes.BooleanType), v, livesAlone);
    add(schema = schema.add("category1_hazard", DataTypes.BooleanType), v, livesAlone == null ? null : false);
    add(schema = schema.add("homeless_or_temporary", DataTypes.BooleanType), v, livesAlone == null ? null : false);
    add(schema = schema.add(CohortDetail.FACTORS, DataTypes.StringType), v, "Age 80 or over; Severe frailty");
    add(schema = schema.add("pcn_name", DataTypes.StringType), v, "Riverside PCN");
    add(schema = schema.add("icc_name", DataTypes.StringType), v, "North ICC");
    return new GenericRowWithSchema(v.toArray(), schema);
  }

  static final LocalDate FROM = LocalDate.of(2026, 3, 1);
  static final StructType REGISTER = registerSchema();

  private static StructType registerSchema() {
    StructType t = new StructType();
    for (String c : org.openstrat.cohort.Register.ROW) {
      t = t.add(c, switch (c) {
        case "date_of_birth", "event_date", "admission_date", "discharge_date" -> DataTypes.DateType;
        case "age", "length_of_stay_days" -> DataTypes.IntegerType;
        case "in_hospital", "readmission_30d", "on_cohort_list" -> DataTypes.BooleanType;
        case "admission_risk", "efi" -> DataTypes.DoubleType;
        default -> DataTypes.StringType;
      });
    }
    return t.add("window_start", DataTypes.DateType);
  }

  /**
   * A register row of list {@code level}/{@code group} (docs/register-record.avsc): a spell when
   * {@code event} is not ae_attendance ({@code discharged} null: still in hospital).
   */
  static Row event(String level, String group, String pcn, String nhs, String event, String date, String id,
      String admitted, String discharged, Boolean readmission) {
    boolean spell = !event.equals("ae_attendance");
    java.util.Map<String, Object> v = new java.util.HashMap<>();
    v.put("register_level", level);
    v.put("register_group", group);
    v.put("nhs_number", nhs);
    v.put("date_of_birth", Date.valueOf("1938-02-03"));
    v.put("age", 88);
    v.put("sex", "M");
    v.put("practice_code", pcn.equals("U00001") ? "A00001" : "B00001");
    v.put("practice_name", pcn.equals("U00001") ? "Riverside Surgery" : "Hill Surgery");
    v.put("pcn_code", pcn);
    v.put("pcn_name", pcn.equals("U00001") ? "Riverside PCN" : "Hill PCN");
    v.put("icc_code", "ICC01");
    v.put("icc_name", "North ICC");
    v.put("event", event);
    v.put("event_date", Date.valueOf(date));
    v.put("event_id", id);
    v.put("provider_code", spell ? "RXX" : null);
    v.put("admission_date", admitted == null ? null : Date.valueOf(admitted));
    v.put("discharge_date", discharged == null ? null : Date.valueOf(discharged));
    v.put("in_hospital", spell ? discharged == null : null);
    v.put("length_of_stay_days", spell ? 4 : null);
    v.put("admission_method", spell ? "21" : null);
    v.put("department_type", spell ? null : "01");
    v.put("diagnosis_group", spell ? "Diseases of the respiratory system" : null);
    v.put("readmission_30d", readmission);
    v.put("on_cohort_list", nhs.equals("9434765870"));
    v.put("cohorts", nhs.equals("9434765870") ? "top5_admission_risk" : null);
    v.put("admission_risk", 0.6134);
    v.put("admission_risk_band", "very high");
    v.put("efi", 0.39);
    v.put("efi_category", "severe");
    v.put("window_start", Date.valueOf(FROM));
    Object[] values = new Object[REGISTER.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = v.get(REGISTER.fields()[i].name());
    }
    return new GenericRowWithSchema(values, REGISTER);
  }

  /**
   * U00001's register in its CSV's order (date, NHS number): a discharge, an A&E attendance, and a
   * readmission still in hospital.
   */
  static List<Row> events() {
    return List.of(
        event("pcn", "U00001", "U00001", "9434765870", "discharge", "2026-03-05", "S1", "2026-02-25", "2026-03-05", false),
        event("pcn", "U00001", "U00001", "9434765889", "ae_attendance", "2026-03-12", "A7", null, null, null),
        event("pcn", "U00001", "U00001", "9434765870", "emergency_admission", "2026-03-20", "S2", "2026-03-20", null, true));
  }

  private static void add(StructType ignored, List<Object> v, Object value) {
    v.add(value);
  }

  static Row leaver() {
    StructType schema = new StructType().add("cohort", DataTypes.StringType).add("nhs_number", DataTypes.StringType)
        .add("previous_rank", DataTypes.IntegerType).add("practice_code", DataTypes.StringType)
        .add("reason", DataTypes.StringType);
    return new GenericRowWithSchema(new Object[] {"top5_admission_risk", "9434765919", 4, "A00001", "died"}, schema);
  }

  private Path write(String name) throws Exception {
    Path f = tmp.resolve(name);
    Workbook.write(f, new Workbook.Title("pcn", "U00001", "Riverside PCN", AS_OF, presentation(), List.of(TOP5)),
        List.of(row(1, "continuing", 3, 12.4, "9434765870", true, "Asthma; Heart failure"),
            row(2, "new", null, null, "9434765889", null, "Diabetes")),
        List.of(leaver()));
    return f;
  }

  @Test
  void aClinicianCanReadAndPrintTheList() throws Exception {
    Path f = write("U00001_2026-03-31.xlsx");
    try (InputStream in = Files.newInputStream(f); XSSFWorkbook wb = new XSSFWorkbook(in)) {
      assertThat(wb.getSheetAt(0).getSheetName()).isEqualTo(Workbook.ABOUT);
      assertThat(wb.getSheetName(1)).isEqualTo("top5_admission_risk");
      assertThat(wb.getSheetName(2)).isEqualTo(Workbook.LEFT);
      assertThat(wb.getSheetName(3)).isEqualTo(Workbook.READ_ME);

      String about = text(wb.getSheet(Workbook.ABOUT));
      assertThat(about).contains("Riverside PCN (U00001)", "2026-03-31",
          "The top 5% of registered adults by emergency admission risk. 2 patients in this list.",
          "extracts dated 2026-03-31", "housing: 10 rows accepted", "Hub analytics, hub@example.nhs.uk");

      XSSFSheet sh = wb.getSheet("top5_admission_risk");
      assertThat(text(sh)).startsWith("Riverside PCN (U00001): top5_admission_risk, 2 patients, as of 2026-03-31");
      int h = Workbook.HEADER_ROW;
      assertThat(sh.getPaneInformation().isFreezePane()).isTrue();
      assertThat(sh.getPaneInformation().getHorizontalSplitPosition()).isEqualTo((short) (h + 1));
      assertThat(sh.getCTWorksheet().getAutoFilter().getRef()).isEqualTo("A4:" + col(Workbook.COLUMNS.size()) + "6");
      assertThat(sh.getRepeatingRows()).isEqualTo(new CellRangeAddress(h, h, -1, -1));
      assertThat(sh.getPrintSetup().getLandscape()).isTrue();
      assertThat(sh.getPrintSetup().getPaperSize()).isEqualTo(org.apache.poi.ss.usermodel.PrintSetup.A4_PAPERSIZE);
      assertThat(sh.getFitToPage()).isTrue();
      assertThat(sh.getPrintSetup().getFitWidth()).isEqualTo((short) 1);
      assertThat(sh.getPrintSetup().getFitHeight()).isEqualTo((short) 0);
      for (int c = 0; c < Workbook.COLUMNS.size(); c++) {
        assertThat(sh.getColumnWidth(c)).as("width of column " + c).isEqualTo(Workbook.COLUMNS.get(c).width() * 256);
      }

      XSSFRow first = sh.getRow(h + 1);
      XSSFRow second = sh.getRow(h + 2);
      assertThat(cell(sh, first, "Long-term conditions (named)")).isEqualTo("Asthma; Heart failure");
      assertThat(cell(sh, first, "Previous rank")).isEqualTo("3.0");
      assertThat(cell(sh, first, "Change in risk (points)")).isEqualTo("12.4");
      assertThat(cell(sh, second, "Previous rank")).isEmpty();
      assertThat(cell(sh, first, "Lives alone")).isEqualTo("Yes");
      assertThat(cell(sh, first, "Category 1 housing hazard")).isEqualTo("No");
      assertThat(cell(sh, second, "Category 1 housing hazard")).isEqualTo("Not known");
      assertThat(cell(sh, second, "Lives alone")).isEqualTo("Not known");
      // a text cell stays text, never a formula
      assertThat(first.getCell(index(sh, "Practice")).getCellType()).isEqualTo(CellType.STRING);
      var dob = first.getCell(index(sh, "Last emergency admission"));
      assertThat(dob.getCellType()).isEqualTo(CellType.NUMERIC);
      assertThat(DateUtil.isCellDateFormatted(dob)).isTrue();
      assertThat(dob.getLocalDateTimeCellValue().toLocalDate()).isEqualTo(LocalDate.of(2026, 1, 15));

      String left = text(wb.getSheet(Workbook.LEFT));
      assertThat(left).contains("9434765919", "Died");
      String readMe = text(wb.getSheet(Workbook.READ_ME));
      assertThat(readMe).contains("Not known", "not the same as No", "Risk band very high", "from 50%",
          "eFI category", "Previous rank");
    }
  }

  private Path writeWithRegister(String name, List<Row> events) throws Exception {
    Path f = tmp.resolve(name);
    Workbook.write(f, new Workbook.Title("pcn", "U00001", "Riverside PCN", AS_OF, presentation(), List.of(TOP5)),
        List.of(row(1, "continuing", 3, 12.4, "9434765870", true, "Asthma; Heart failure")), List.of(leaver()),
        new RegisterSheet.Events(FROM, AS_OF, events));
    return f;
  }

  @Test
  void theAdmissionRegisterIsASheetLikeTheCohorts() throws Exception {
    try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(writeWithRegister("r.xlsx", events())))) {
      assertThat(List.of(wb.getSheetName(1), wb.getSheetName(2), wb.getSheetName(3)))
          .containsExactly("top5_admission_risk", RegisterSheet.NAME, Workbook.LEFT);
      XSSFSheet sh = wb.getSheet(RegisterSheet.NAME);
      assertThat(text(sh)).startsWith(
          "Riverside PCN (U00001): admission register, 3 events (2 patients), 2026-03-01 to 2026-03-31");
      int h = Workbook.HEADER_ROW;
      assertThat(sh.getPaneInformation().getHorizontalSplitPosition()).isEqualTo((short) (h + 1));
      assertThat(sh.getCTWorksheet().getAutoFilter().getRef())
          .isEqualTo("A4:" + col(RegisterSheet.COLUMNS.size()) + "7");
      assertThat(sh.getRepeatingRows()).isEqualTo(new CellRangeAddress(h, h, -1, -1));
      assertThat(sh.getPrintSetup().getLandscape()).isTrue();
      assertThat(sh.getPrintSetup().getFitWidth()).isEqualTo((short) 1);
      for (int c = 0; c < RegisterSheet.COLUMNS.size(); c++) {
        assertThat(sh.getColumnWidth(c)).isEqualTo(RegisterSheet.COLUMNS.get(c).shown().width() * 256);
      }
      assertThat(registerRows(sh)).containsExactly(
          "2026-03-05 9434765870 S1", "2026-03-12 9434765889 A7", "2026-03-20 9434765870 S2");

      XSSFRow discharge = sh.getRow(h + 1);
      XSSFRow ae = sh.getRow(h + 2);
      XSSFRow admission = sh.getRow(h + 3);
      assertThat(cell(sh, discharge, "Event")).isEqualTo("Discharged");
      var date = discharge.getCell(index(sh, "Discharge date"));
      assertThat(DateUtil.isCellDateFormatted(date)).isTrue();
      assertThat(date.getLocalDateTimeCellValue().toLocalDate()).isEqualTo(LocalDate.of(2026, 3, 5));
      assertThat(discharge.getCell(index(sh, "Date of birth")).getLocalDateTimeCellValue().toLocalDate())
          .isEqualTo(LocalDate.of(1938, 2, 3));
      assertThat(cell(sh, discharge, "Readmission within 30 days")).isEqualTo("No");
      // still in hospital: said in the discharge date's place
      assertThat(cell(sh, admission, "Discharge date")).isEqualTo(RegisterSheet.STILL_IN);
      assertThat(cell(sh, admission, "Event")).isEqualTo("Emergency admission");
      assertThat(cell(sh, admission, "How admitted")).isEqualTo("Emergency: via A&E");
      // a readmission is marked: Yes, bold on a fill
      var readmission = admission.getCell(index(sh, "Readmission within 30 days"));
      assertThat(readmission.getStringCellValue()).isEqualTo("Yes");
      assertThat(wb.getFontAt(readmission.getCellStyle().getFontIndex()).getBold()).isTrue();
      assertThat(readmission.getCellStyle().getFillPattern())
          .isEqualTo(org.apache.poi.ss.usermodel.FillPatternType.SOLID_FOREGROUND);
      assertThat(discharge.getCell(index(sh, "Readmission within 30 days")).getCellStyle().getFillPattern())
          .isEqualTo(org.apache.poi.ss.usermodel.FillPatternType.NO_FILL);
      assertThat(cell(sh, admission, "On a cohort list")).isEqualTo("Yes");
      assertThat(cell(sh, admission, "Cohorts")).isEqualTo("top5_admission_risk");
      // an A&E attendance is not a spell: no discharge, no readmission flag (not "Not known")
      assertThat(cell(sh, ae, "Discharge date")).isEmpty();
      assertThat(cell(sh, ae, "Readmission within 30 days")).isEmpty();
      assertThat(cell(sh, ae, "A&E department")).isEqualTo("Type 1: emergency department");
      assertThat(cell(sh, ae, "On a cohort list")).isEqualTo("No");
      // risk as a percentage, a number
      assertThat(cell(sh, ae, "Emergency admission risk (%)")).isEqualTo("61.3");
      assertThat(cell(sh, ae, "Age")).isEqualTo("88.0");

      assertThat(text(wb.getSheet(Workbook.ABOUT))).contains("3 events (2 patients) from 2026-03-01 to 2026-03-31");
      assertThat(text(wb.getSheet(Workbook.READ_ME)))
          .contains("Columns of the Admission register sheet", "Readmission within 30 days", "Still in hospital");
    }
  }

  @Test
  void anEmptyRegisterSaysNothingHappened() throws Exception {
    try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(writeWithRegister("e.xlsx", List.of())))) {
      XSSFSheet sh = wb.getSheet(RegisterSheet.NAME);
      assertThat(text(sh)).contains("admission register, 0 events (0 patients)");
      assertThat(sh.getRow(Workbook.HEADER_ROW + 1).getCell(0).getStringCellValue()).isEqualTo(
          "No emergency admissions, discharges or A&E attendances of this list's patients between 2026-03-01"
              + " and 2026-03-31.");
      assertThat(sh.getLastRowNum()).isEqualTo(Workbook.HEADER_ROW + 1);
    }
  }

  @Test
  void withoutARegisterThereIsNoRegisterSheet() throws Exception {
    try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(write("n.xlsx")))) {
      assertThat(wb.getSheet(RegisterSheet.NAME)).isNull();
      assertThat(text(wb.getSheet(Workbook.READ_ME))).doesNotContain("Admission register");
      assertThat(text(wb.getSheet(Workbook.ABOUT))).doesNotContain("Admission register");
    }
  }

  /**
   * Through {@link Workbook#writeAll} with Spark: each PCN's and ICC's workbook holds exactly its
   * own register rows, the same rows in the same order as its register CSV; a PCN with register
   * rows but no cohort rows still gets a workbook; the rerun gives the same bytes.
   */
  @Test
  void eachListsWorkbookHoldsExactlyItsRegisterCsvsRows() throws Exception {
    var spark = org.openstrat.testing.SparkTestBase.spark();
    List<Row> ev = new ArrayList<>(events());
    ev.add(event("pcn", "U00002", "U00002", "9434765901", "emergency_admission", "2026-03-10", "S9", "2026-03-10",
        "2026-03-14", false));
    for (Row r : List.copyOf(ev)) { // the ICC's register: the same events at ICC level
      Object[] v = ((GenericRowWithSchema) r).values().clone();
      v[0] = "icc";
      v[1] = "ICC01";
      ev.add(new GenericRowWithSchema(v, REGISTER));
    }
    java.util.Collections.reverse(ev); // the writer sorts, not the input
    var register = spark.createDataFrame(ev, REGISTER);
    List<Row> cohortRows = List.of(row(1, "continuing", 3, 12.4, "9434765870", true, "Asthma"),
        row("icc", "ICC01", 1, "new", null, null, "9434765870", true, "Asthma"));
    var cohort = spark.createDataFrame(cohortRows, cohortRows.get(0).schema());
    CohortConfig config = CohortConfig.defaults();
    for (String run : List.of("a", "b")) {
      Path root = tmp.resolve(run);
      int n = Workbook.writeAll(root, cohort, null, new Workbook.Admissions(register, FROM), AS_OF, presentation(),
          config);
      assertThat(n).isEqualTo(3); // U00001, U00002 (register rows only), ICC01
      RegisterFiles.write(root, register, AS_OF, List.of("U00001", "U00002"), List.of("ICC01"));
      PublishCheck.workbooks(root, n, true);
    }
    Path a = tmp.resolve("a");
    Map<String, String> books = Map.of("U00001", "cohort_xlsx/U00001_2026-03-31.xlsx",
        "U00002", "cohort_xlsx/U00002_2026-03-31.xlsx", "icc/ICC01", "cohort_xlsx/icc/ICC01_2026-03-31.xlsx");
    for (var b : books.entrySet()) {
      List<String> csv = csvRows(a.resolve("register_csv/" + b.getKey() + ".csv"));
      try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(a.resolve(b.getValue())))) {
        assertThat(registerRows(wb.getSheet(RegisterSheet.NAME))).as(b.getKey()).isEqualTo(csv);
        assertThat(wb.getSheetName(wb.getNumberOfSheets() - 2)).isEqualTo(Workbook.LEFT);
      }
      assertThat(Files.readAllBytes(tmp.resolve("b").resolve(b.getValue()))).as(b.getValue())
          .isEqualTo(Files.readAllBytes(a.resolve(b.getValue())));
    }
    assertThat(csvRows(a.resolve("register_csv/U00001.csv"))).hasSize(3).noneMatch(r -> r.contains("9434765901"));
    assertThat(csvRows(a.resolve("register_csv/icc/ICC01.csv"))).hasSize(4);
    try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(a.resolve(books.get("U00002"))))) {
      // no cohort rows: named from its register rows, an empty cohort sheet, its one admission
      assertThat(text(wb.getSheet(Workbook.ABOUT))).contains("Hill PCN (U00002)");
      assertThat(text(wb.getSheet("top5_admission_risk"))).contains("0 patients");
      assertThat(registerRows(wb.getSheet(RegisterSheet.NAME))).containsExactly("2026-03-10 9434765901 S9");
    }
    // Lists are written side by side: one that cannot be written fails the call, not a thread.
    Path c = tmp.resolve("c");
    Files.createDirectories(c.resolve("cohort_xlsx/icc"));
    Files.writeString(c.resolve(books.get("icc/ICC01")), "already here");
    assertThatThrownBy(() -> Workbook.writeAll(c, cohort, null, new Workbook.Admissions(register, FROM), AS_OF,
        presentation(), config))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
  }

  /** Date, NHS number and id of each register CSV row, in file order. */
  private static List<String> csvRows(Path csv) throws Exception {
    List<String> out = new ArrayList<>();
    try (var rd = Files.newBufferedReader(csv)) {
      rd.read(); // the BOM
      for (var r : org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
          .parse(rd)) {
        out.add(r.get("Date") + " " + r.get("NHS number") + " " + r.get("Spell or attendance id"));
      }
    }
    return out;
  }

  /** Date, NHS number and id of each register sheet row, in sheet order; the dates must be dates. */
  private static List<String> registerRows(XSSFSheet sh) {
    List<String> out = new ArrayList<>();
    for (int r = Workbook.HEADER_ROW + 1; r <= sh.getLastRowNum(); r++) {
      XSSFRow x = sh.getRow(r);
      var date = x.getCell(index(sh, "Date"));
      if (date.getCellType() != CellType.NUMERIC) {
        continue; // the empty register's sentence
      }
      assertThat(DateUtil.isCellDateFormatted(date)).isTrue();
      out.add(date.getLocalDateTimeCellValue().toLocalDate() + " " + cell(sh, x, "NHS number") + " "
          + cell(sh, x, "Spell or attendance id"));
    }
    return out;
  }

  @Test
  void registerHeadersBreakOnlyBetweenWords() {
    for (RegisterSheet.Column rc : RegisterSheet.COLUMNS) {
      PeopleColumn c = rc.shown();
      for (String word : c.header().split(" ")) {
        assertThat(word.length()).as("'%s' in the %d-wide column '%s'", word, c.width(), c.header())
            .isLessThanOrEqualTo((int) (c.width() * Workbook.HEADER_CHARS_PER_UNIT));
      }
      assertThat(Workbook.headerLines(c)).as(c.header()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void headersBreakOnlyBetweenWordsAndFitTheirRow() throws Exception {
    for (PeopleColumn c : Workbook.COLUMNS) {
      for (String word : c.header().split(" ")) {
        // no "Previo|us rank": every header word fits its column on one line
        assertThat(word.length()).as("'%s' in the %d-wide column '%s'", word, c.width(), c.header())
            .isLessThanOrEqualTo((int) (c.width() * Workbook.HEADER_CHARS_PER_UNIT));
      }
      assertThat(Workbook.headerLines(c)).as(c.header()).isLessThanOrEqualTo(3);
      if (c.kind() == PeopleColumn.Kind.YES_NO) {
        assertThat(c.width()).as(c.header()).isGreaterThanOrEqualTo(PeopleColumn.NOT_KNOWN.length() + 1);
      }
    }
    try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(write("h.xlsx")))) {
      XSSFSheet sh = wb.getSheet("top5_admission_risk");
      int max = Workbook.COLUMNS.stream().mapToInt(Workbook::headerLines).max().orElseThrow();
      assertThat(sh.getRow(Workbook.HEADER_ROW).getHeightInPoints()).isGreaterThanOrEqualTo(max * 12.5f);
    }
  }

  @Test
  void wrappedRowsAreAsTallAsTheirWordsNeed() {
    assertThat(Workbook.lines("Asthma; Heart failure", 30.8)).isEqualTo(1);
    // 28 wide: about 31 characters a line, broken at spaces
    String conditions = "Atrial fibrillation; Chronic kidney disease; Diabetes; Heart failure; Hypertension";
    assertThat(Workbook.lines(conditions, 28 * Workbook.BODY_CHARS_PER_UNIT)).isEqualTo(3);
    assertThat(Workbook.lines("Previous rank", 9)).isEqualTo(2);
    assertThat(Workbook.lines("Supercalifragilistic", 8)).isEqualTo(3); // a long word is broken
    assertThat(Workbook.lines("", 8)).isEqualTo(1);
  }

  @Test
  void theSameRowsGiveTheSameBytes() throws Exception {
    assertThat(Files.readAllBytes(write("a.xlsx"))).isEqualTo(Files.readAllBytes(write("b.xlsx")));
    assertThat(Files.readAllBytes(writeWithRegister("ra.xlsx", events())))
        .isEqualTo(Files.readAllBytes(writeWithRegister("rb.xlsx", events())));
  }

  /**
   * Patients' rows go from memory to the workbook's file and nowhere else: POI's streaming writer
   * would otherwise put each sheet's rows, and the workbook, in temporary files (under
   * java.io.tmpdir, outside the run's folders and its clean-up).
   */
  @Test
  void noRowIsWrittenToATemporaryFile() throws Exception {
    List<String> asked = new java.util.ArrayList<>();
    org.apache.poi.util.TempFileCreationStrategy refuse = new org.apache.poi.util.TempFileCreationStrategy() {
      @Override
      public java.io.File createTempFile(String prefix, String suffix) throws java.io.IOException {
        asked.add(prefix + "*" + suffix);
        throw new java.io.IOException("a temporary file was asked for: " + prefix + "*" + suffix);
      }

      @Override
      public java.io.File createTempDirectory(String prefix) throws java.io.IOException {
        asked.add(prefix);
        throw new java.io.IOException("a temporary folder was asked for: " + prefix);
      }
    };
    org.apache.poi.util.TempFile.setTempFileCreationStrategy(refuse);
    try {
      Path f = writeWithRegister("no-temp.xlsx", events());
      write("no-temp-plain.xlsx");
      assertThat(f).isNotEmptyFile();
    } finally {
      org.apache.poi.util.TempFile.setTempFileCreationStrategy(
          new org.apache.poi.util.DefaultTempFileCreationStrategy());
    }
    assertThat(asked).isEmpty();
  }

  @Test
  void cohortDefinitionsInWords() {
    assertThat(Workbook.words(new CohortDefinition("mb", "efi", CohortConfig.ALL, List.of(CohortLevel.ICC),
        "efi_category = moderate and age >= 65")))
        .isEqualTo("All registered adults matching efi_category = moderate and age >= 65, ranked by electronic Frailty Index.");
  }

  private static String col(int n) {
    return org.apache.poi.ss.util.CellReference.convertNumToColString(n - 1);
  }

  private static int index(XSSFSheet sh, String header) {
    XSSFRow h = sh.getRow(Workbook.HEADER_ROW);
    for (int c = 0; c < h.getLastCellNum(); c++) {
      if (h.getCell(c).getStringCellValue().equals(header)) {
        return c;
      }
    }
    throw new AssertionError("no column " + header);
  }

  static String cell(XSSFSheet sh, XSSFRow r, String header) {
    var c = r.getCell(index(sh, header));
    if (c == null) {
      return "";
    }
    return switch (c.getCellType()) {
      case NUMERIC -> Double.toString(c.getNumericCellValue());
      case BLANK -> "";
      default -> c.getStringCellValue();
    };
  }

  static String text(XSSFSheet sh) {
    StringBuilder b = new StringBuilder();
    for (var r : sh) {
      for (var c : r) {
        if (c.getCellType() == CellType.STRING) {
          b.append(c.getStringCellValue()).append(' ');
        }
      }
      b.append('\n');
    }
    return b.toString();
  }
}
