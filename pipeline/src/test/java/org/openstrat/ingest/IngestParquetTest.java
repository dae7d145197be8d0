package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.Validate;
import org.openstrat.quality.Validated;
import org.openstrat.testing.SparkTestBase;

/** Parquet extracts: columns by name, typed columns read as ISO text, row numbers, raw text. */
class IngestParquetTest extends SparkTestBase {

  private static void writeMinimal(Path dir) {
    Path csvDir = dir;
    org.openstrat.quality.FixtureAccess.practicesAndPatients(csvDir);
  }

  @Test
  void parquetFolderIsReadByNameWithRowNumbersAndRawText(@TempDir Path dir) {
    writeMinimal(dir);
    // Columns in another order, event_date typed DATE: accepted and read as its ISO text.
    StructType schema =
        new StructType()
            .add("snomed_code", DataTypes.StringType)
            .add("event_date", DataTypes.DateType)
            .add("nhs_number", DataTypes.StringType)
            .add("numeric_value", DataTypes.StringType);
    List<Row> rows =
        List.of(
            RowFactory.create("73211009", java.sql.Date.valueOf("2024-06-01"), "9434765919", null),
            RowFactory.create("73211008", java.sql.Date.valueOf("2024-06-02"), "9434765919", "1,5"));
    spark().createDataFrame(rows, schema).coalesce(1).write()
        .parquet(dir.resolve("gp_events").toString());
    RawExtracts raw = Ingest.read(spark(), dir);
    assertThat(raw.files().get(Extract.GP_EVENTS)).hasSize(1);
    Validated v =
        Validate.apply(raw, LocalDate.of(2025, 1, 1), LocalDate.of(2025, 3, 31),
            QualityConfig.defaults());
    List<Row> rej = v.rejected(Extract.GP_EVENTS).collectAsList();
    assertThat(rej).hasSize(1);
    Row r = rej.get(0);
    assertThat(r.getString(1)).isEqualTo("INVALID_SNOMED");
    assertThat(r.getString(2)).startsWith("gp_events/part-").endsWith(".parquet");
    assertThat(r.getLong(3)).isEqualTo(2L);
    assertThat(r.getString(4)).isEqualTo("9434765919,2024-06-02,73211008,\"1,5\"");
    assertThat(v.accepted().get(Extract.GP_EVENTS).count()).isEqualTo(1);
  }

  @Test
  void parquetWithAMissingColumnIsExit4(@TempDir Path dir) {
    writeMinimal(dir);
    StructType schema =
        new StructType()
            .add("nhs_number", DataTypes.StringType)
            .add("event_date", DataTypes.StringType)
            .add("snomed", DataTypes.StringType)
            .add("numeric_value", DataTypes.StringType);
    spark().createDataFrame(List.of(RowFactory.create("1", "2", "3", "4")), schema).write()
        .parquet(dir.resolve("gp_events.parquet").toString());
    assertThatThrownBy(() -> Ingest.read(spark(), dir))
        .isInstanceOf(StratException.class)
        .hasMessageContaining("gp_events.parquet")
        .hasMessageContaining("missing column(s) snomed_code")
        .hasMessageContaining("unknown column(s) snomed")
        .extracting(e -> ((StratException) e).exitCode())
        .isEqualTo(ExitCode.INPUT);
  }
}
