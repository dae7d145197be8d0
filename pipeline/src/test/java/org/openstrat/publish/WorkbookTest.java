package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;

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
    StructType schema = new StructType();
    List<Object> v = new ArrayList<>();
    add(schema = schema.add("cohort", DataTypes.StringType), v, "top5_admission_risk");
    add(schema = schema.add("cohort_level", DataTypes.StringType), v, "pcn");
    add(schema = schema.add("cohort_group", DataTypes.StringType), v, "U00001");
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
    return new GenericRowWithSchema(v.toArray(), schema);
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
      assertThat(cell(sh, first, "Change in risk since last list (points)")).isEqualTo("12.4");
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

  @Test
  void theSameRowsGiveTheSameBytes() throws Exception {
    assertThat(Files.readAllBytes(write("a.xlsx"))).isEqualTo(Files.readAllBytes(write("b.xlsx")));
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
