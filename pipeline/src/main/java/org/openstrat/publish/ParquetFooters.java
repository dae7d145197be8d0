package org.openstrat.publish;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes the Parquet files of a publication byte-identical from one process to the next.
 *
 * <p>parquet-java lists each column chunk's encodings in its footer in the iteration order of a
 * {@code HashSet} of enum constants, whose hash codes are identity hashes: the same data written
 * by two JVMs can differ in the order of that list, and so in its bytes (apache/parquet-java
 * issue 3215, open in 1.16.0). {@link #normalize} sorts every such list by the encoding's number
 * in place. The list holds the same values in another order, so the footer keeps its length and
 * nothing else in the file moves.
 */
public final class ParquetFooters {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooters() {}

  /**
   * Sorts the encodings lists of every {@code *.parquet} file under {@code dir} (none is fine).
   *
   * @return the number of files rewritten
   */
  public static int normalize(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
    int n = 0;
    for (Path f : files) {
      if (normalizeFile(f)) {
        n++;
      }
    }
    return n;
  }

  /** Sorts one file's encodings lists in place; false when they were already sorted. */
  static boolean normalizeFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (size < 12 || ch.read(tail, size - 8) != 8 || !isMagic(tail.array())) {
        throw new IOException(file + " is not a Parquet file (no PAR1 footer)");
      }
      int length = tail.getInt(0);
      long start = size - 8 - length;
      if (length <= 0 || start < 4) {
        throw new IOException(file + ": bad Parquet footer length " + length);
      }
      ByteBuffer footer = ByteBuffer.allocate(length);
      while (footer.hasRemaining() && ch.read(footer, start + footer.position()) > 0) {
        // read until full
      }
      FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
      if (!sortEncodings(meta)) {
        return false;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(length);
      Util.writeFileMetaData(meta, out);
      if (out.size() != length) {
        throw new IOException(file + ": the Parquet footer changed length when its encodings were sorted ("
            + length + " -> " + out.size() + " bytes)");
      }
      ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
      while (b.hasRemaining()) {
        ch.write(b, start + b.position());
      }
    }
    // Hadoop's local file system keeps a checksum beside each file it writes (.NAME.crc) and
    // refuses to read a file that no longer matches it; without one it reads the file as it is.
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    return true;
  }

  /** Sorts each column chunk's encodings by number; true when any list changed. */
  static boolean sortEncodings(FileMetaData meta) {
    boolean changed = false;
    for (RowGroup rg : meta.getRow_groups()) {
      for (ColumnChunk cc : rg.getColumns()) {
        ColumnMetaData cm = cc.getMeta_data();
        if (cm == null || cm.getEncodings() == null) {
          continue;
        }
        List<Encoding> sorted = new ArrayList<>(cm.getEncodings());
        sorted.sort(Comparator.comparingInt(Encoding::getValue));
        if (!sorted.equals(cm.getEncodings())) {
          cm.setEncodings(sorted);
          changed = true;
        }
      }
    }
    return changed;
  }

  private static boolean isMagic(byte[] tail) {
    for (int i = 0; i < 4; i++) {
      if (tail[4 + i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }
}
