package org.openstrat.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractWriterTest {
  @Test
  void parquetRowGroupsHoldAtMostTheirRowCount(@TempDir Path dir) throws Exception {
    // Short values, so the byte-size limit alone would have put them all in one group.
    Path file = dir.resolve("gp_events.parquet");
    int rows = 2 * ExtractWriter.Parquet.ROWS_PER_GROUP + 1;
    try (ExtractWriter w = ExtractWriter.open(file, List.of("snomed_code"), false)) {
      for (int i = 0; i < rows; i++) {
        w.write(new String[] {i % 7 == 0 ? null : "1234" + (i % 10)});
      }
    }
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(false)))) {
      List<Long> groups = r.getRowGroups().stream().map(BlockMetaData::getRowCount).toList();
      assertThat(groups).containsExactly(
          (long) ExtractWriter.Parquet.ROWS_PER_GROUP, (long) ExtractWriter.Parquet.ROWS_PER_GROUP,
          1L);
    }
  }
}
