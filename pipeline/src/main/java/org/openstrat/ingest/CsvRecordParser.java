package org.openstrat.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.openstrat.core.Reason;

/**
 * The contract's CSV record parser (docs/data-contract.md, "Row checks" 1), one file at a time.
 *
 * <p>RFC 4180 quoting: a field that starts with {@code "} is quoted; {@code ""} inside it is one
 * quote; it may hold commas and line breaks. A quote inside an unquoted field is an ordinary
 * character. A record that spans several physical lines is accepted only if its quotes close and it
 * has exactly the header's field count; otherwise its first physical line alone is rejected
 * ({@link Reason#UNTERMINATED_QUOTE}) and parsing resumes at the next physical line, so an unquoted
 * line break splits a row into two rejected lines. A single-line record with the wrong field count
 * is {@link Reason#SHORT_ROW} or {@link Reason#LONG_ROW}.
 *
 * <p>A record may span at most {@link #MAX_RECORD_LINES} physical lines: a lone quote would
 * otherwise make every later line a candidate continuation and parsing quadratic. A longer quoted
 * field is rejected as an unterminated quote.
 *
 * <p>A record any of whose physical lines is not valid UTF-8 ({@link Utf8Lines.Line#malformed()})
 * is rejected as {@link Reason#INVALID_ENCODING}, first of the structure reasons, whatever else
 * is wrong with it; its raw text has U+FFFD in place of the bad bytes.
 *
 * <p>A physical line longer than {@link Utf8Lines#MAX_LINE_BYTES} is cut there (memory stays
 * bounded) and its record rejected as {@link Reason#FIELD_TOO_LONG}: such a line must hold a field
 * over the maximum. Shorter fields over the maximum are found by the field checks.
 *
 * <p>A blank line (empty, or only spaces and tabs) between records is skipped: it is not a row, so
 * it is neither read nor rejected (a trailing blank line is common and harmless).
 *
 * <p>Line numbers are physical, the header is line 1. Empty fields are null. The header line and
 * a leading BOM are consumed by {@link #readHeader}. Plain Java: no Spark, so it is unit-tested
 * directly and runs inside one Spark task per file.
 */
public final class CsvRecordParser implements Iterator<CsvRecordParser.Record> {

  /** Default cap on physical lines per record; 50 covers any realistic multi-line free text. */
  public static final int MAX_RECORD_LINES = 50;

  /**
   * One parsed record: its fields (null on a structure error), first physical line number, the
   * raw text (physical lines joined by {@code \n}) and the structure error, if any.
   */
  public record Record(String[] fields, long line, String raw, Reason error) {}

  /** Where physical lines come from: a file's {@link Utf8Lines}, or a reader's lines (tests). */
  public interface LineSource {
    /** The next physical line, or null at the end. */
    Utf8Lines.Line next() throws IOException;
  }

  private final LineSource in;
  private final int fieldCount;
  private final ArrayDeque<Utf8Lines.Line> pending = new ArrayDeque<>();
  private long nextLine; // physical line number of pending.peekFirst()
  private boolean eof;
  private Record next;

  /**
   * @param in the file, positioned after the header line
   * @param fieldCount the header's field count
   * @param firstLine the physical line number of the first line after the header (2 normally)
   */
  public CsvRecordParser(BufferedReader in, int fieldCount, long firstLine) {
    this(() -> {
      String l = in.readLine();
      return l == null ? null : new Utf8Lines.Line(l, false);
    }, fieldCount, firstLine);
  }

  /**
   * @param in the file's lines, positioned after the header line
   * @param fieldCount the header's field count
   * @param firstLine the physical line number of the first line after the header (2 normally)
   */
  public CsvRecordParser(LineSource in, int fieldCount, long firstLine) {
    this.in = in;
    this.fieldCount = fieldCount;
    this.nextLine = firstLine;
  }

  /** Reads the header line (BOM stripped) and splits it; null if the file is empty. */
  public static List<String> readHeader(BufferedReader in) throws IOException {
    String h = in.readLine();
    return h == null ? null : splitHeader(h);
  }

  /** Splits a header line (BOM stripped, names trimmed). */
  public static List<String> splitHeader(String h) {
    if (!h.isEmpty() && h.charAt(0) == '\uFEFF') {
      h = h.substring(1);
    }
    List<String> out = new ArrayList<>();
    State st = new State();
    st.feed(h);
    st.endField();
    for (String f : st.fields) {
      out.add(f == null ? "" : f.trim());
    }
    return out;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public Record next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Record r = next;
    next = null;
    return r;
  }

  private Utf8Lines.Line line(int i) {
    while (pending.size() <= i && !eof) {
      try {
        Utf8Lines.Line l = in.next();
        if (l == null) {
          eof = true;
        } else {
          pending.addLast(l);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (pending.size() <= i) {
      return null;
    }
    // ArrayDeque has no index access; records rarely span more than one line.
    if (i == 0) {
      return pending.peekFirst();
    }
    int k = 0;
    for (Utf8Lines.Line s : pending) {
      if (k++ == i) {
        return s;
      }
    }
    return null;
  }

  private Record advance() {
    Utf8Lines.Line firstLine = line(0);
    // A blank line (empty or whitespace only) between records is not a row: skipped, not
    // rejected, and not counted; the line numbers of later records stay physical. (Inside a
    // quoted field a blank line is part of the field: that is read below, not here.)
    while (firstLine != null && !firstLine.malformed() && firstLine.text().isBlank()) {
      consume(1);
      firstLine = line(0);
    }
    if (firstLine == null) {
      return null;
    }
    String first = firstLine.text();
    long lineNo = nextLine;
    State st = new State();
    st.feed(first);
    if (!st.inQuotes) {
      st.endField();
      consume(1);
      int n = st.fields.size();
      if (firstLine.malformed()) {
        return new Record(null, lineNo, first, Reason.INVALID_ENCODING);
      }
      if (firstLine.tooLong()) {
        return new Record(null, lineNo, first, Reason.FIELD_TOO_LONG);
      }
      if (n == fieldCount) {
        return new Record(st.fields.toArray(new String[0]), lineNo, first, null);
      }
      return new Record(null, lineNo, first, n < fieldCount ? Reason.SHORT_ROW : Reason.LONG_ROW);
    }
    // A quote is open at the end of the first line: try to close it on a later line.
    StringBuilder raw = new StringBuilder(first);
    boolean malformed = firstLine.malformed();
    boolean tooLong = firstLine.tooLong();
    for (int i = 1; i < MAX_RECORD_LINES; i++) {
      Utf8Lines.Line l = line(i);
      if (l == null) {
        break;
      }
      st.newline();
      st.feed(l.text());
      raw.append('\n').append(l.text());
      malformed |= l.malformed();
      tooLong |= l.tooLong();
      if (!st.inQuotes) {
        st.endField();
        if (st.fields.size() == fieldCount) {
          consume(i + 1);
          if (malformed || tooLong) {
            return new Record(null, lineNo, raw.toString(),
                malformed ? Reason.INVALID_ENCODING : Reason.FIELD_TOO_LONG);
          }
          return new Record(st.fields.toArray(new String[0]), lineNo, raw.toString(), null);
        }
        break;
      }
      if (st.fields.size() > fieldCount) {
        break;
      }
    }
    consume(1);
    return new Record(null, lineNo, first,
        firstLine.malformed() ? Reason.INVALID_ENCODING
            : firstLine.tooLong() ? Reason.FIELD_TOO_LONG : Reason.UNTERMINATED_QUOTE);
  }

  private void consume(int lines) {
    for (int i = 0; i < lines; i++) {
      pending.pollFirst();
    }
    nextLine += lines;
  }

  /** Field-splitting state carried across the physical lines of one record. */
  private static final class State {
    final List<String> fields = new ArrayList<>();
    final StringBuilder cur = new StringBuilder();
    boolean inQuotes;
    boolean quoted; // the current field started with a quote
    boolean atFieldStart = true;

    void feed(String s) {
      int n = s.length();
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (inQuotes) {
          if (c == '"') {
            if (i + 1 < n && s.charAt(i + 1) == '"') {
              cur.append('"');
              i++;
            } else {
              inQuotes = false;
            }
          } else {
            cur.append(c);
          }
        } else if (c == ',') {
          endField();
        } else if (c == '"' && atFieldStart) {
          inQuotes = true;
          quoted = true;
          atFieldStart = false;
        } else {
          cur.append(c);
          atFieldStart = false;
        }
      }
    }

    void newline() {
      cur.append('\n');
    }

    void endField() {
      fields.add(cur.length() == 0 ? null : cur.toString());
      cur.setLength(0);
      quoted = false;
      atFieldStart = true;
    }
  }
}
