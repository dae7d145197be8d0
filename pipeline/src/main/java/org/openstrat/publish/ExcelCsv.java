package org.openstrat.publish;

import org.openstrat.util.CsvText;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A CSV file for people who open it in Excel: UTF-8 with a byte-order mark (so Excel reads it
 * as UTF-8), CRLF line ends, RFC 4180 quoting (a field holding a comma, quote, CR or LF is quoted
 * and its quotes doubled), and formula injection neutralised: any text cell starting with
 * {@code = + - @}, tab or CR gets a leading {@code '} (OWASP's CSV-injection advice), so Excel
 * shows the text instead of running it. Numbers are written by the caller as plain numbers and
 * are not text cells, so negative numbers stay numbers.
 */
public final class ExcelCsv implements Closeable {
  private static final String CRLF = "\r\n";
  private final BufferedWriter out;
  private long rows;

  private ExcelCsv(BufferedWriter out) {
    this.out = out;
  }

  /** Creates the file (it must not exist) and writes the BOM and the header. */
  public static ExcelCsv create(Path file, List<String> header) throws IOException {
    BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW),
                StandardCharsets.UTF_8));
    w.write('\uFEFF');
    ExcelCsv csv = new ExcelCsv(w);
    csv.writeRaw(header.stream().map(ExcelCsv::text).toList());
    csv.rows = 0;
    return csv;
  }

  /** Writes one row; each cell already formatted by {@link #text} or {@link #number}. */
  public void row(List<String> cells) throws IOException {
    writeRaw(cells);
  }

  private void writeRaw(List<String> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(quote(cells.get(i)));
    }
    out.write(CRLF);
    rows++;
  }

  /** Data rows written (header excluded). */
  public long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** A text cell: null becomes empty; a leading = + - @ tab or CR is neutralised with '. */
  public static String text(String s) {
    if (s == null || s.isEmpty()) {
      return "";
    }
    char c = s.charAt(0);
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
      return "'" + s;
    }
    return s;
  }

  /** A numeric cell, written as-is (never neutralised; Excel reads it as a number). */
  public static String number(Number n) {
    if (n == null) {
      return "";
    }
    if (n instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return "";
      }
      return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return n.toString();
  }

  static String quote(String cell) {
    return CsvText.quote(cell);
  }
}
