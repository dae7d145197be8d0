package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.quality.FixtureAccess;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.Validate;
import org.openstrat.quality.Validated;
import org.openstrat.testing.SparkTestBase;

/** CSV extracts staged as Parquet validate exactly as they do read as text. */
@Tag("slow")
class IngestStageTest extends SparkTestBase {
  static final LocalDate AS_OF = LocalDate.of(2025, 1, 1);
  static final LocalDate EXTRACT_DATE = LocalDate.of(2025, 3, 31);

  @Test
  void stagedExtractsGiveTheSameRejectedRowsRawTextAndAcceptedCounts(
      @TempDir Path dir, @TempDir Path work) {
    FixtureAccess.full(dir);
    RawExtracts text = Ingest.read(spark(), dir);
    RawExtracts staged = Ingest.stageCsv(spark(), text, work, 0);

    assertThat(staged.staged()).isEqualTo(text.raw().keySet());
    assertThat(staged.isColumnar(Extract.GP_EVENTS)).isTrue();
    assertThat(text.isColumnar(Extract.GP_EVENTS)).isFalse();
    assertThat(staged.files()).isEqualTo(text.files());
    assertThat(Files.isDirectory(work.resolve("gp_events"))).isTrue();

    Validated a = Validate.apply(text, AS_OF, EXTRACT_DATE, QualityConfig.defaults());
    Validated b = Validate.apply(staged, AS_OF, EXTRACT_DATE, QualityConfig.defaults());
    List<String> rejectedText = rows(a);
    assertThat(rejectedText).isNotEmpty();
    // Structure errors, quoted fields and duplicates among them: same reasons, lines, raw text.
    assertThat(rejectedText).anyMatch(s -> s.contains("UNTERMINATED_QUOTE"));
    assertThat(rows(b)).containsExactlyElementsOf(rejectedText);
    assertThat(accepted(b)).isEqualTo(accepted(a));
  }

  @Test
  void onlyExtractsOfAtLeastTheMinimumSizeAreStaged(@TempDir Path dir, @TempDir Path work) {
    FixtureAccess.full(dir);
    RawExtracts text = Ingest.read(spark(), dir);
    RawExtracts staged = Ingest.stageCsv(spark(), text, work, Long.MAX_VALUE);
    assertThat(staged.staged()).isEmpty();
    assertThat(staged.raw()).isEqualTo(text.raw());
  }

  @Test
  void rawTextIsKeptOnlyWhereTheFieldsDoNotGiveItBack() {
    Object[] v = {"a", null, "x,y", "say \"hi\"", "f", 7L};
    assertThat(CsvExtracts.csvLine(v, 5)).isEqualTo("a,,\"x,y\",\"say \"\"hi\"\"\",f");
    assertThat(CsvExtracts.csvLine(new Object[] {"a\nb"}, 1)).isEqualTo("\"a\nb\"");
  }

  private static List<String> rows(Validated v) {
    return v.rejected().collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  private static Map<Extract, Long> accepted(Validated v) {
    Map<Extract, Long> m = new TreeMap<>();
    v.accepted().forEach((e, d) -> m.put(e, d.count()));
    return m;
  }
}
