package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.spark.sql.Row;
import org.openstrat.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes writing the same rows can list a column's encodings in different orders
 * (identity hash codes); after {@link ParquetFooters#normalize} the files are the same bytes.
 */
class ParquetFootersTest extends SparkTestBase {

  @TempDir Path tmp;

  @Test
  void filesThatDifferOnlyInEncodingOrderBecomeIdentical() throws IOException {
    Path dir = tmp.resolve("written");
    spark().range(0, 200).selectExpr("id", "cast(id % 7 as string) as code")
        .coalesce(1).write().parquet(dir.toString());
    Path written;
    try (var s = Files.list(dir)) {
      written = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    // a in sorted order whatever order this JVM wrote (the order is the very thing that varies)
    Path a = Files.copy(written, tmp.resolve("a.parquet"));
    ParquetFooters.normalizeFile(a);
    // the checksum Hadoop wrote beside the file, which a rewritten footer no longer matches
    Path crc = Files.copy(written.resolveSibling("." + written.getFileName() + ".crc"),
        tmp.resolve(".b.parquet.crc"));
    Path b = Files.copy(a, tmp.resolve("b.parquet"));
    // b as another JVM might have written it: every encodings list in the other order
    assertThat(permute(b)).as("some column has more than one encoding").isTrue();
    assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(b));

    assertThat(ParquetFooters.normalizeFile(a)).as("already sorted: left alone").isFalse();
    assertThat(ParquetFooters.normalizeFile(b)).isTrue();

    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(crc).as("a stale checksum would make Hadoop refuse the file").doesNotExist();
    List<Row> rows = spark().read().parquet(b.toString()).orderBy("id").collectAsList();
    assertThat(rows).hasSize(200);
    assertThat(rows.get(9).getString(1)).isEqualTo("2");
    assertThat(ParquetFooters.normalizeFile(b)).as("already sorted: left alone").isFalse();
  }

  @Test
  void aFileThatIsNotParquetIsRefused() throws IOException {
    Path f = Files.writeString(tmp.resolve("x.parquet"), "not parquet at all");
    assertThatThrownBy(() -> ParquetFooters.normalizeFile(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("not a Parquet file");
  }

  /** Reverses every column chunk's encodings list in place; true when any list had two or more. */
  private static boolean permute(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int length = ByteBuffer.wrap(all, all.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int start = all.length - 8 - length;
    FileMetaData meta =
        Util.readFileMetaData(new ByteArrayInputStream(all, start, length));
    boolean any = false;
    for (ColumnChunk cc : meta.getRow_groups().get(0).getColumns()) {
      List<Encoding> e = new ArrayList<>(cc.getMeta_data().getEncodings());
      any |= e.size() > 1;
      Collections.reverse(e);
      cc.getMeta_data().setEncodings(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Util.writeFileMetaData(meta, out);
    System.arraycopy(out.toByteArray(), 0, all, start, length);
    Files.write(file, all);
    return any;
  }
}
