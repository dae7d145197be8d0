package org.openstrat.publish;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One column of a cohort list for people (workbook and CSV): its header, the row field it shows,
 * how it is shown, its width in characters, and what it means (the workbook's read-me sheet).
 */
record PeopleColumn(String header, String field, Kind kind, int width, String meaning) {

  /** How a value is shown. */
  enum Kind { TEXT, INTEGER, DECIMAL, DATE, YES_NO, STATUS }

  /** Shown instead of Yes/No when the source has no record for the patient. */
  static final String NOT_KNOWN = "Not known";

  /** The value as text for a CSV cell (numbers plain, dates yyyy-MM-dd, flags Yes/No/Not known). */
  String csv(Row r) {
    Object v = r.getAs(field);
    return switch (kind) {
      case INTEGER, DECIMAL -> ExcelCsv.number((Number) v);
      case DATE -> v == null ? "" : v.toString();
      case YES_NO -> yesNo((Boolean) v);
      case TEXT, STATUS -> ExcelCsv.text(v == null ? null : v.toString());
    };
  }

  PeopleColumn withWidth(int w) {
    return new PeopleColumn(header, field, kind, w, meaning);
  }

  static String yesNo(Boolean b) {
    return b == null ? NOT_KNOWN : b ? "Yes" : "No";
  }

  /** The columns the CSV gained for issue 12, after its earlier columns (appended, so order holds). */
  static final List<PeopleColumn> DETAIL =
      List.of(
          new PeopleColumn("Long-term conditions (named)", CohortDetail.LTC_NAMES, Kind.TEXT, 40,
              "The long-term conditions counted (Cambridge Multimorbidity Score conditions, rules/multimorbidity)."),
          new PeopleColumn("eFI deficits (named)", CohortDetail.EFI_DEFICIT_NAMES, Kind.TEXT, 40,
              "The electronic Frailty Index deficits recorded (rules/efi)."),
          new PeopleColumn("Last emergency admission", CohortDetail.LAST_EMERGENCY_ADMISSION, Kind.DATE, 12,
              "Admission date of the latest emergency hospital spell on or before the as-of date; empty if none in the hospital extract."),
          new PeopleColumn("A&E attendances (12 months)", "ae_attendances_12m", Kind.INTEGER, 9,
              "A&E arrivals, any department type, in the 12 months to the as-of date."),
          new PeopleColumn("Bed days (12 months)", "bed_days_12m", Kind.INTEGER, 8,
              "Days in hospital (any spell, elective too) falling in the 12 months to the as-of date."),
          new PeopleColumn("Previous rank", "previous_rank", Kind.INTEGER, 8,
              "The patient's rank in this list at the previous publication; empty if they were not in it."),
          new PeopleColumn("Change in risk since last list (points)", CohortDetail.RISK_CHANGE, Kind.DECIMAL, 10,
              "Emergency admission risk now minus at the previous publication, in percentage points; empty if new."));
}
