package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.ScoresFixture;
import org.openstrat.rules.Band;
import org.openstrat.testing.SparkTestBase;

/**
 * The files for people through the real Publisher, over two publications: the workbook shows the
 * named conditions and each patient's previous rank and change in risk; each practice's import
 * list holds exactly its own cohort patients; the run report is published without NHS numbers.
 */
@Tag("slow")
class PeopleOutputsTest extends SparkTestBase {
  @TempDir Path tmp;

  private void publish(Path out, Dataset<Row> scores, LocalDate asOf) {
    Presentation p = new Presentation(Map.of("asthma", "Asthma", "copd", "Chronic obstructive pulmonary disease"),
        Map.of(), List.of(new Band("low", 0)), null, asOf, List.of(), "hub");
    Publication pub = Publication.begin(out, asOf, "t-" + asOf);
    Publisher.publish(new Publisher.Request(out, asOf, scores, null, CohortConfig.defaults(),
            PublishFixtures.PRACTICE_TO_PCN, Optional.empty(), List.of(), p),
        pub, new Progress(new PrintWriter(new StringWriter()), new Manifest("t")));
  }

  @Test
  void twoPublicationsGiveRankChangesImportListsAndAReport() throws Exception {
    Path out = tmp.resolve("out");
    // U00001's list is 2 long. First: nhs(29) 0.49 and nhs(26) 0.46 (shift 0.1 x i % 3).
    publish(out, PublishFixtures.scores(spark(), 0.1), PublishFixtures.AS_OF);
    // A month on, nhs(29) has gone and risks rose: nhs(26) moves from rank 2 to 1 at 0.66.
    publish(out, PublishFixtures.scores(spark(), 0.2).filter("nhs_number <> '" + ScoresFixture.nhs(29) + "'"),
        PublishFixtures.AS_OF.plusMonths(1));
    Path pub = out.resolve("2025-05-01");

    Path book = pub.resolve("cohort_xlsx/U00001_2025-05-01.xlsx");
    try (InputStream in = Files.newInputStream(book); XSSFWorkbook wb = new XSSFWorkbook(in)) {
      XSSFSheet sh = wb.getSheet("top5_admission_risk");
      var top = sh.getRow(Workbook.HEADER_ROW + 1);
      assertThat(WorkbookTest.cell(sh, top, "Long-term conditions (named)"))
          .isEqualTo("Asthma; Chronic obstructive pulmonary disease");
      assertThat(WorkbookTest.cell(sh, top, "NHS number")).isEqualTo(ScoresFixture.nhs(26));
      assertThat(WorkbookTest.cell(sh, top, "Rank")).isEqualTo("1.0");
      assertThat(WorkbookTest.cell(sh, top, "Status")).isEqualTo("continuing");
      assertThat(WorkbookTest.cell(sh, top, "Previous rank")).isEqualTo("2.0");
      assertThat(WorkbookTest.cell(sh, top, "Change in risk (points)")).isEqualTo("20.0");
      var second = sh.getRow(Workbook.HEADER_ROW + 2);
      assertThat(WorkbookTest.cell(sh, second, "NHS number")).isEqualTo(ScoresFixture.nhs(23));
      assertThat(WorkbookTest.cell(sh, second, "Status")).isEqualTo("new");
      assertThat(WorkbookTest.cell(sh, second, "Previous rank")).isEmpty();
      assertThat(WorkbookTest.text(wb.getSheet(Workbook.LEFT))).contains(ScoresFixture.nhs(29), "No longer registered");
    }
    String csv = Files.readString(pub.resolve("cohort_csv/U00001.csv"));
    assertThat(csv.split("\r\n")[0]).endsWith(",Previous rank,Change in risk since last list (points)");
    assertThat(csv.split("\r\n")[1]).startsWith("1,continuing,").endsWith(",2,20");

    // Each practice's list: only its own registered patients in the PCN cohort.
    assertThat(Files.readString(pub.resolve("practice_import/A00001.txt"))).isEqualTo(ScoresFixture.nhs(26) + "\r\n");
    assertThat(Files.readString(pub.resolve("practice_import/A00002.txt"))).isEqualTo(ScoresFixture.nhs(23) + "\r\n");
    assertThat(Files.readString(pub.resolve("practice_import/B00001.txt")).split("\r\n"))
        .containsExactly(ScoresFixture.nhs(119), ScoresFixture.nhs(120));

    String report = Files.readString(pub.resolve(RunReport.FILE));
    assertThat(report).contains("2025-04-01", "2025-05-01", "data-chart=\"cohort-sizes\"")
        .doesNotContain(ScoresFixture.nhs(29), ScoresFixture.nhs(120));
  }

  @Test
  void aListWhosePatientsAllLeftStillGetsItsWorkbookWithTheLeftSheet() throws Exception {
    Path out = tmp.resolve("out");
    publish(out, PublishFixtures.scores(spark(), 0), PublishFixtures.AS_OF);
    // A month on, no one in U00002 (ICC02) is in the scored population: no cohort rows, only leavers.
    publish(out, PublishFixtures.scores(spark(), 0).filter("pcn_code <> 'U00002'"), PublishFixtures.AS_OF.plusMonths(1));
    Path pub = out.resolve("2025-05-01");
    assertThat(pub.resolve("cohort_csv/U00002.csv")).doesNotExist(); // no rows: no cohort CSV
    for (Path book : List.of(pub.resolve("cohort_xlsx/U00002_2025-05-01.xlsx"),
        pub.resolve("cohort_xlsx/icc/ICC02_2025-05-01.xlsx"))) {
      try (InputStream in = Files.newInputStream(book); XSSFWorkbook wb = new XSSFWorkbook(in)) {
        assertThat(WorkbookTest.text(wb.getSheet("top5_admission_risk"))).as(book.toString()).contains("0 patients");
        assertThat(WorkbookTest.text(wb.getSheet(Workbook.LEFT))).as(book.toString())
            .contains(ScoresFixture.nhs(120), ScoresFixture.nhs(119), "No longer registered");
      }
    }
    // The other lists are as before: one workbook each.
    try (var s = Files.list(pub.resolve("cohort_xlsx"))) {
      assertThat(s.map(x -> x.getFileName().toString()).sorted().toList())
          .containsExactly("U00001_2025-05-01.xlsx", "U00002_2025-05-01.xlsx", "icc");
    }
  }
}
