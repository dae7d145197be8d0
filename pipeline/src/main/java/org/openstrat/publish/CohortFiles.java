package org.openstrat.publish;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.core.StratException;
import org.openstrat.cohort.CohortColumns;
import org.openstrat.cohort.CohortLevel;

/**
 * Writes the cohort outputs from the driver, one PCN (or ICC) at a time via toLocalIterator over
 * a sorted Dataset (never a collect of everything):
 *
 * <pre>
 * cohort/pcn_code=U#####/part-00000.snappy.parquet       every cohort row (CohortRecord)
 * cohort_left/pcn_code=U#####/part-00000.snappy.parquet  who left since the previous run
 * cohort_csv/U#####.csv           the PCN-level cohorts of that PCN, for Excel
 * cohort_csv/left/U#####.csv      who left those cohorts, and why
 * cohort_csv/icc/ICC.csv          the ICC-level cohorts of that ICC (and icc/left/ICC.csv)
 * </pre>
 *
 * Rows are sorted by (pcn_code, cohort, cohort_level, cohort_group, rank) in Parquet and by
 * (cohort, rank) in each CSV; file names come only from validated codes ({@link SafeNames}).
 */
public final class CohortFiles {
  public static final String PARQUET_FILE = "part-00000.snappy.parquet";

  private CohortFiles() {}

  /** Counts written, by output. */
  public record Written(
      long cohortRows, long cohortPcnRows, long cohortIccRows, long leaverRows,
      long leaverPcnRows, long leaverIccRows, int pcnFiles, int iccFiles) {}

  public static Written write(Path root, Dataset<Row> cohort, Dataset<Row> leavers, LocalDate asOf)
      throws IOException {
    long rows = parquetByPcn(root.resolve("cohort"), cohort, AvroRecords.COHORT, asOf,
        new String[] {"pcn_code", "cohort", "cohort_level", "cohort_group", "rank"});
    Path csv = root.resolve("cohort_csv");
    Files.createDirectories(csv);
    long[] pcn = csvByGroup(csv, cohort, CohortLevel.PCN, SafeNames.PCN, CohortCsv.COHORT);
    long[] icc = csvByGroup(csv.resolve("icc"), cohort, CohortLevel.ICC, SafeNames.ICC, CohortCsv.COHORT);
    long left = 0;
    long[] lpcn = {0, 0};
    long[] licc = {0, 0};
    if (leavers != null) {
      left = parquetByPcn(root.resolve("cohort_left"), leavers, AvroRecords.LEAVER, asOf,
          new String[] {"pcn_code", "cohort", "cohort_level", "cohort_group", "previous_rank"});
      lpcn = csvByGroup(csv.resolve("left"), leavers, CohortLevel.PCN, SafeNames.PCN, CohortCsv.LEAVER);
      licc = csvByGroup(csv.resolve("icc").resolve("left"), leavers, CohortLevel.ICC, SafeNames.ICC, CohortCsv.LEAVER);
    }
    return new Written(rows, pcn[0], icc[0], left, lpcn[0], licc[0], (int) pcn[1], (int) icc[1]);
  }

  private static long parquetByPcn(
      Path dir, Dataset<Row> ds, Schema schema, LocalDate asOf, String[] order) throws IOException {
    return GroupedFiles.parquetByPcn(dir, ds, schema, asOf, order, null);
  }

  /** Returns {rows, files}. */
  private static long[] csvByGroup(
      Path dir, Dataset<Row> ds, CohortLevel level, Pattern codePattern, CohortCsv layout)
      throws IOException {
    String orderLast = layout == CohortCsv.COHORT ? CohortColumns.RANK : CohortColumns.PREVIOUS_RANK;
    return GroupedFiles.csvByGroup(dir, GroupedFiles.where(ds, CohortColumns.LEVEL, level.key()),
        CohortColumns.GROUP, codePattern, level == CohortLevel.PCN ? "PCN" : "ICC",
        new GroupedFiles.Csv(layout.headers(), layout::cells),
        new String[] {CohortColumns.GROUP, CohortColumns.COHORT, orderLast}, null);
  }

  /** Column layouts of the CSV files: plain-English header and a cell function per column. */
  public enum CohortCsv {
    COHORT(cohortColumns()),
    LEAVER(leaverColumns());

    private final Map<String, Function<Row, String>> columns;

    CohortCsv(Map<String, Function<Row, String>> columns) {
      this.columns = columns;
    }

    public List<String> headers() {
      return new ArrayList<>(columns.keySet());
    }

    List<String> cells(Row r) {
      List<String> out = new ArrayList<>(columns.size());
      columns.values().forEach(f -> out.add(f.apply(r)));
      return out;
    }
  }

  /** The header of the PCN column in cohort CSVs (checked before publishing). */
  public static final String PCN_HEADER = "PCN code";
  public static final String ICC_HEADER = "ICC code";
  public static final String PRACTICE_HEADER = "Practice code";

  private static Map<String, Function<Row, String>> cohortColumns() {
    Map<String, Function<Row, String>> m = new LinkedHashMap<>();
    m.put("Rank", r -> num(r, "rank"));
    m.put("Status", r -> text(r, "status"));
    m.put("NHS number", r -> text(r, "nhs_number"));
    m.put("Date of birth", r -> date(r, "date_of_birth"));
    m.put("Age", r -> num(r, "age"));
    m.put("Sex", r -> text(r, "sex"));
    m.put(PRACTICE_HEADER, r -> text(r, "practice_code"));
    m.put("Practice", r -> text(r, "practice_name"));
    m.put(PCN_HEADER, r -> text(r, "pcn_code"));
    m.put(ICC_HEADER, r -> text(r, "icc_code"));
    m.put("Emergency admission risk (%)", r -> num(r, CohortDetail.RISK_PCT));
    m.put("Risk band", r -> text(r, "admission_risk_band"));
    m.put("eFI", r -> round2(r, "efi"));
    m.put("eFI category", r -> text(r, "efi_category"));
    m.put("HFRS", r -> round2(r, "hfrs"));
    m.put("HFRS band", r -> text(r, "hfrs_band"));
    m.put("Long-term conditions", r -> num(r, "ltc_count"));
    m.put("Multimorbidity score (CMS)", r -> round2(r, "cms_score"));
    m.put("Emergency admissions (12 months)", r -> num(r, "emergency_admissions_12m"));
    m.put("Open social care service", r -> text(r, "social_care_service"));
    m.put("Lives alone", r -> yesNo(r, "lives_alone"));
    m.put("Category 1 housing hazard", r -> yesNo(r, "category1_hazard"));
    m.put("Homeless or temporary accommodation", r -> yesNo(r, "homeless_or_temporary"));
    m.put("Main factor 1", r -> text(r, "factor_1"));
    m.put("Main factor 2", r -> text(r, "factor_2"));
    m.put("Main factor 3", r -> text(r, "factor_3"));
    m.put("Cohort", r -> text(r, "cohort"));
    m.put("Patients in list", r -> num(r, "eligible"));
    m.put("Risk rise (percentage points)", r -> num(r, CohortColumns.RISE_PCT));
    for (PeopleColumn c : PeopleColumn.DETAIL) {
      m.put(c.header(), c::csv);
    }
    return m;
  }

  private static Map<String, Function<Row, String>> leaverColumns() {
    Map<String, Function<Row, String>> m = new LinkedHashMap<>();
    m.put("Cohort", r -> text(r, "cohort"));
    m.put("NHS number", r -> text(r, "nhs_number"));
    m.put("Previous rank", r -> num(r, "previous_rank"));
    m.put(PRACTICE_HEADER, r -> text(r, "practice_code"));
    m.put(PCN_HEADER, r -> text(r, "pcn_code"));
    m.put("Reason", r -> reason(r.getAs("reason")));
    return m;
  }

  static String reason(String code) {
    return switch (code == null ? "" : code) {
      case CohortColumns.DIED -> "Died";
      case CohortColumns.DEREGISTERED -> "No longer registered (or no longer in scope)";
      case CohortColumns.MOVED -> "Moved to another list";
      case CohortColumns.NO_LONGER_ELIGIBLE -> "No longer meets the cohort's criteria";
      case CohortColumns.RISK_FELL -> "Risk fell below the cut-off";
      default -> ExcelCsv.text(code);
    };
  }

  static String text(Row r, String c) {
    Object v = r.getAs(c);
    return ExcelCsv.text(v == null ? null : v.toString());
  }

  static String num(Row r, String c) {
    return ExcelCsv.number(r.getAs(c));
  }

  /** A probability as a percentage to 1 decimal, for files read by people. */
  static String percent(Row r, String c) {
    Double d = percentValue(r.getAs(c));
    return d == null ? "" : ExcelCsv.number(d);
  }

  /** A probability as a percentage to 1 decimal (null stays null): the CSV's and workbook's value. */
  static Double percentValue(Double probability) {
    return probability == null ? null : Math.round(probability * 1000) / 10.0;
  }

  static String round2(Row r, String c) {
    Double d = r.getAs(c);
    return d == null ? "" : ExcelCsv.number(Math.round(d * 100) / 100.0);
  }

  static String date(Row r, String c) {
    Object v = r.getAs(c);
    return v == null ? "" : v.toString(); // java.sql.Date / LocalDate print yyyy-MM-dd
  }

  static String yesNo(Row r, String c) {
    return PeopleColumn.yesNo(r.getAs(c)); // null: the source has no record, not "No"
  }

  static StratException mismatch(String msg) {
    return StratException.publish("Publish check failed: " + msg);
  }
}
