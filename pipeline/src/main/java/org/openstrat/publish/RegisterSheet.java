package org.openstrat.publish;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.DeferredSXSSFSheet;
import org.apache.poi.xssf.streaming.DeferredSXSSFWorkbook;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.cohort.CohortColumns;
import org.openstrat.cohort.Register;

/**
 * The workbook's "Admission register" sheet: the list's register rows ({@link Register}), the same
 * rows in the same order as its {@code register_csv/} file, laid out as a cohort sheet is (title
 * block, frozen header, autofilter, set widths, dates as dates, risk as a percentage, A4
 * landscape), so a team can work from admissions as from the cohorts without opening the CSV.
 *
 * <p>Shown for people rather than copied: practice, PCN and ICC codes are left out (the workbook is
 * the list's; the CSV keeps them); a discharge date reads "Still in hospital" when there is none
 * yet, in place of the CSV's separate Yes/No column; a readmission within 30 days is marked; an
 * A&amp;E attendance, which is not a spell, leaves the readmission cell empty.
 */
final class RegisterSheet {
  static final String NAME = "Admission register";
  /** A spell with no discharge by the as-of date, in the discharge date column. */
  static final String STILL_IN = "Still in hospital";

  private RegisterSheet() {}

  /**
   * One list's register: the window (both days included) and its rows, in {@link #sorted} order.
   */
  record Events(LocalDate from, LocalDate to, List<Row> rows) {}

  /** A column: how it is shown (header, kind, width, meaning), its value, and when it is marked. */
  record Column(PeopleColumn shown, Function<Row, Object> value, Predicate<Row> marked) {}

  /**
   * The register rows in each list's CSV order (RegisterFiles), lists one after the other: one
   * partition, as {@link GroupedFiles#sorted} does for the CSVs.
   */
  static Dataset<Row> sorted(Dataset<Row> register) {
    String[] order = new String[RegisterFiles.CSV_ORDER.length + 1];
    order[0] = Register.LEVEL;
    System.arraycopy(RegisterFiles.CSV_ORDER, 0, order, 1, RegisterFiles.CSV_ORDER.length);
    return GroupedFiles.sorted(register, order);
  }

  static final List<Column> COLUMNS = columns();

  private static List<Column> columns() {
    List<Column> c = new ArrayList<>();
    // 19 wide: "Emergency admission" is not cut off by the date beside it
    c.add(col("Event", PeopleColumn.Kind.TEXT, 19, r -> RegisterFiles.event(r.getAs(Register.EVENT)),
        "Emergency admission (admitted in the window), Discharged (from an emergency admission before the"
            + " window) or A&E attendance."));
    c.add(field("Date", Register.EVENT_DATE, PeopleColumn.Kind.DATE, 11,
        "The day of the event: admission, discharge or arrival at A&E."));
    c.add(field("NHS number", CohortColumns.NHS_NUMBER, PeopleColumn.Kind.TEXT, 11, "The patient's NHS number."));
    c.add(field("Date of birth", "date_of_birth", PeopleColumn.Kind.DATE, 11, "Date of birth."));
    c.add(field("Age", "age", PeopleColumn.Kind.INTEGER, 4, "Age in completed years on the as-of date."));
    c.add(field("Sex", "sex", PeopleColumn.Kind.TEXT, 4, "Sex as recorded by the practice."));
    c.add(field("Practice", "practice_name", PeopleColumn.Kind.TEXT, 14,
        "The practice the patient is registered with on the as-of date."));
    c.add(field("Hospital provider", "provider_code", PeopleColumn.Kind.TEXT, 9,
        "The hospital trust's code (admissions and discharges)."));
    c.add(field("Admission date", "admission_date", PeopleColumn.Kind.DATE, 11, "The day the spell began."));
    c.add(col("Discharge date", PeopleColumn.Kind.DATE, 11, RegisterSheet::discharge,
        STILL_IN + ": no discharge by the as-of date. Empty for an A&E attendance."));
    c.add(field("Length of stay (days)", "length_of_stay_days", PeopleColumn.Kind.INTEGER, 7,
        "Days from admission to discharge, or to the as-of date while still in hospital."));
    c.add(col("How admitted", PeopleColumn.Kind.TEXT, 20, r -> blank(RegisterFiles.admissionMethod(r.getAs("admission_method"))),
        "The admission method (NHS Data Dictionary), in words."));
    c.add(col("A&E department", PeopleColumn.Kind.TEXT, 22, r -> blank(RegisterFiles.department(r.getAs("department_type"))),
        "The type of A&E department attended (ECDS)."));
    c.add(field("Diagnosis group", "diagnosis_group", PeopleColumn.Kind.TEXT, 24,
        "The chapter of ICD-10 that the primary diagnosis is in (never the code itself)."));
    c.add(new Column(new PeopleColumn("Readmission within 30 days", "readmission_30d", PeopleColumn.Kind.TEXT, 13,
            "Yes (marked): admitted within 30 days of the discharge from an earlier hospital spell. Empty for an"
                + " A&E attendance."),
        r -> flag(r.getAs("readmission_30d")), r -> Boolean.TRUE.equals(r.getAs("readmission_30d"))));
    c.add(col("On a cohort list", PeopleColumn.Kind.TEXT, 8, r -> flag(r.getAs("on_cohort_list")),
        "Yes: already on one of this workbook's cohort lists (named in Cohorts)."));
    c.add(field("Cohorts", "cohorts", PeopleColumn.Kind.TEXT, 20, "The cohort lists the patient is on, if any."));
    c.add(col("Emergency admission risk (%)", PeopleColumn.Kind.DECIMAL, 11,
        r -> CohortFiles.percentValue(r.getAs(CohortColumns.ADMISSION_RISK)),
        "The patient's current estimated chance of an emergency admission in the next 12 months, as a percentage."));
    c.add(field("Risk band", "admission_risk_band", PeopleColumn.Kind.TEXT, 8, "Band of that risk."));
    c.add(field("eFI", "efi", PeopleColumn.Kind.DECIMAL, 5, "The patient's current electronic Frailty Index."));
    c.add(field("eFI category", "efi_category", PeopleColumn.Kind.TEXT, 9, "fit, mild, moderate or severe frailty."));
    c.add(field("Spell or attendance id", Register.EVENT_ID, PeopleColumn.Kind.TEXT, 12,
        "The hospital's spell id (SUS) or the A&E attendance id (ECDS), to look the event up."));
    return List.copyOf(c);
  }

  private static Column field(String header, String field, PeopleColumn.Kind kind, int width, String meaning) {
    return new Column(new PeopleColumn(header, field, kind, width, meaning), r -> r.getAs(field), r -> false);
  }

  /** A column whose value is worked out from the row ({@code field} names it for the read-me only). */
  private static Column col(String header, PeopleColumn.Kind kind, int width, Function<Row, Object> value,
      String meaning) {
    return new Column(new PeopleColumn(header, header, kind, width, meaning), value, r -> false);
  }

  /** The discharge date; "Still in hospital" for a spell without one; empty for an A&E attendance. */
  static Object discharge(Row r) {
    Object d = r.getAs("discharge_date");
    return d == null && Boolean.TRUE.equals(r.getAs("in_hospital")) ? STILL_IN : d;
  }

  /** Yes or No; empty where the flag does not apply (an A&E attendance is not a spell). */
  private static String flag(Boolean b) {
    return b == null ? null : b ? "Yes" : "No";
  }

  private static String blank(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The "About this list" line. */
  static String about(Events e) {
    return count(e) + " from " + e.from() + " to " + e.to() + " (emergency admissions, discharges from them and"
        + " A&E attendances of this list's patients): the \"" + NAME + "\" sheet.";
  }

  private static String count(Events e) {
    long people = e.rows().stream().map(r -> (Object) r.getAs(CohortColumns.NHS_NUMBER)).distinct().count();
    int n = e.rows().size();
    return n + " event" + (n == 1 ? "" : "s") + " (" + people + " patient" + (people == 1 ? "" : "s") + ")";
  }

  /** The sentence an empty register shows, so "nothing happened" is said, not left to guess. */
  static String none(Events e) {
    return "No emergency admissions, discharges or A&E attendances of this list's patients between " + e.from()
        + " and " + e.to() + ".";
  }

  /** Adds the sheet to {@code wb}. */
  static void write(DeferredSXSSFWorkbook wb, Workbook.Styles s, Workbook.Title t, Events e) {
    DeferredSXSSFSheet sheet = wb.createSheet(NAME);
    List<PeopleColumn> shown = COLUMNS.stream().map(Column::shown).toList();
    Workbook.columnWidths(sheet, shown);
    Workbook.listSetup(sheet, t, NAME, Workbook.HEADER_ROW + e.rows().size(), COLUMNS.size());
    CellStyle mark = mark(wb, s); // styles are made before the rows: they are written first
    sheet.setRowGenerator(sh -> rows(sh, s, t, e, shown, mark));
  }

  private static void rows(Sheet sh, Workbook.Styles s, Workbook.Title t, Events e,
      List<PeopleColumn> shown, CellStyle mark) {
    Workbook.cell(sh, 0, 0, t.name() + " (" + t.code() + "): admission register, " + count(e) + ", "
        + e.from() + " to " + e.to(), s.title);
    Workbook.cell(sh, 1, 0, "Emergency admissions, discharges from them and A&E attendances, as known on "
        + t.asOf() + ". A readmission within 30 days is marked Yes on a yellow background.", s.plain);
    Workbook.cell(sh, 2, 0, "Confidential: identifies patients. For their direct care only.", s.plain);
    Workbook.headerRow(sh, s, shown);
    int r = Workbook.HEADER_ROW + 1;
    for (Row row : e.rows()) {
      org.apache.poi.ss.usermodel.Row x = sh.createRow(r++);
      int lines = 1;
      for (int c = 0; c < COLUMNS.size(); c++) {
        Column col = COLUMNS.get(c);
        Cell cell = x.createCell(c);
        lines = Math.max(lines, Workbook.show(cell, col.shown(), col.value().apply(row), s));
        if (col.marked().test(row)) {
          cell.setCellStyle(mark);
        }
      }
      x.setHeightInPoints(lines * Workbook.LINE_POINTS + 2);
    }
    if (e.rows().isEmpty()) {
      Workbook.cell(sh, r, 0, none(e), s.plain);
    }
  }

  /** Bold on a light fill: a readmission stands out on screen and in a black-and-white print. */
  private static CellStyle mark(DeferredSXSSFWorkbook wb, Workbook.Styles s) {
    CellStyle m = wb.createCellStyle();
    m.cloneStyleFrom(s.bold);
    m.setFillForegroundColor(IndexedColors.LIGHT_YELLOW.getIndex());
    m.setFillPattern(FillPatternType.SOLID_FOREGROUND);
    return m;
  }

  /** The read-me sheet's part on the register: each column; returns the next free row. */
  static int readMe(Sheet sh, Workbook.Styles s, int r) {
    Workbook.cell(sh, r++, 0, "Columns of the " + NAME + " sheet", s.bold);
    r = Workbook.pair(sh, r, s, "What it lists",
        "This list's patients with an emergency hospital admission, a discharge from one, or an A&E attendance"
            + " in the window named in the sheet's title (from the day after the previous publication, or the last"
            + " register.window_days days, to the as-of date). The same rows as the register CSV (register_csv/),"
            + " in the same order.");
    for (Column c : COLUMNS) {
      r = Workbook.pair(sh, r, s, c.shown().header(), c.shown().meaning());
    }
    return r;
  }
}
