package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.quality.FixtureAccess;
import org.openstrat.testing.SparkTestBase;

/** What ingest makes of the text of a CSV extract: blank lines, encodings, compression, sizes. */
class IngestTextTest extends SparkTestBase {
  static final String PRACTICES_HEADER =
      "practice_code,practice_name,pcn_code,pcn_name,icc_code,icc_name,icp_code,icp_name,start_date,end_date\n";

  static String practice(int i) {
    return String.format("P%05d,Practice %d,U00001,PCN One,I1,ICC One,Q1,ICP One,2020-01-01,%n", i, i);
  }

  /** The raw practices rows as "line:structure error or practice code". */
  static List<String> practices(Path dir) {
    RawExtracts raw = Ingest.read(spark(), dir);
    return raw.raw().get(Extract.PRACTICES).orderBy(Ingest.LINE).collectAsList().stream()
        .map(r -> r.getLong(r.fieldIndex(Ingest.LINE)) + ":"
            + (r.isNullAt(r.fieldIndex(Ingest.STRUCTURE_ERROR))
                ? r.getString(r.fieldIndex("practice_code"))
                : r.getString(r.fieldIndex(Ingest.STRUCTURE_ERROR))))
        .toList();
  }

  @Test
  void aTrailingBlankLineIsNotARow(@TempDir Path dir) throws IOException {
    FixtureAccess.full(dir);
    StringBuilder csv = new StringBuilder(PRACTICES_HEADER);
    for (int i = 1; i <= 18; i++) {
      csv.append(practice(i));
    }
    csv.append("\n"); // the blank line that once made 1 reject in 19 rows, above 5%
    Files.writeString(dir.resolve("practices.csv"), csv, StandardCharsets.UTF_8);
    List<String> rows = practices(dir);
    assertThat(rows).hasSize(18).allMatch(r -> r.matches("\\d+:P\\d{5}"));
  }

  @Test
  void blankAndWhitespaceLinesBetweenRowsAreSkippedWithPhysicalLineNumbers(@TempDir Path dir)
      throws IOException {
    FixtureAccess.full(dir);
    Files.writeString(dir.resolve("practices.csv"),
        PRACTICES_HEADER + practice(1) + "\n  \t\n" + practice(2) + "\r\n" + practice(3),
        StandardCharsets.UTF_8);
    assertThat(practices(dir)).containsExactly("2:P00001", "5:P00002", "7:P00003");
  }
}
