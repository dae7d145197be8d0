package org.openstrat.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The physical lines of a UTF-8 file, each decoded on its own, so that a byte that is not UTF-8
 * spoils only its own line, wherever it falls in the file: the line comes back {@link
 * Line#malformed() malformed} (its text with U+FFFD in place of the bad bytes) and the parser
 * rejects its record. A decoding reader would instead either stop (a strict one, at whichever
 * buffer holds the byte) or replace the byte silently (a lenient one).
 *
 * <p>Line ends are those of {@link java.io.BufferedReader#readLine}: {@code \n}, {@code \r} or
 * {@code \r\n}. Splitting bytes there is safe in UTF-8, where neither byte occurs inside a
 * multi-byte character. ASCII lines, nearly all of them, are made into strings without a decoder.
 */
public final class Utf8Lines implements Closeable {

  /**
   * One physical line: its text, whether its bytes were not valid UTF-8, and whether it was longer
   * than {@link #MAX_LINE_BYTES} (then only its first {@code MAX_LINE_BYTES} are kept).
   */
  public record Line(String text, boolean malformed, boolean tooLong) {
    public Line(String text, boolean malformed) {
      this(text, malformed, false);
    }
  }

  /**
   * The longest physical line kept whole, 1 MiB: far above any valid row (every field is at most
   * {@code Reason.MAX_FIELD_CHARS} characters), and a bound on memory when a file has no line ends
   * (binary data, a runaway field).
   */
  public static final int MAX_LINE_BYTES = 1 << 20;

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int lim;
  private boolean eof;
  private boolean skipLf;
  private byte[] acc = new byte[256];
  private int accLen;
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  public Utf8Lines(InputStream in) {
    this(in, 1 << 16);
  }

  Utf8Lines(InputStream in, int bufferSize) {
    this(in, bufferSize, MAX_LINE_BYTES);
  }

  Utf8Lines(InputStream in, int bufferSize, int maxLineBytes) {
    this.in = in;
    this.buf = new byte[bufferSize];
    this.maxLineBytes = maxLineBytes;
  }

  private final int maxLineBytes;
  private boolean cut;

  /** The next line without its line end, or null at the end of the file. */
  public Line next() throws IOException {
    if (skipLf) {
      if (pos >= lim && !fill()) {
        return null;
      }
      if (buf[pos] == '\n') {
        pos++;
      }
      skipLf = false;
    }
    accLen = 0;
    cut = false;
    boolean nonAscii = false;
    boolean read = false;
    while (true) {
      if (pos >= lim && !fill()) {
        return read ? decode(acc, 0, accLen, nonAscii) : null;
      }
      read = true;
      int start = pos;
      while (pos < lim) {
        byte b = buf[pos];
        if (b == '\n' || b == '\r') {
          break;
        }
        nonAscii |= b < 0;
        pos++;
      }
      if (pos < lim) {
        byte end = buf[pos++];
        skipLf = end == '\r';
        if (accLen == 0 && pos - 1 - start <= maxLineBytes) {
          return decode(buf, start, pos - 1 - start, nonAscii);
        }
        append(start, pos - 1 - start);
        return decode(acc, 0, accLen, nonAscii);
      }
      append(start, pos - start);
    }
  }

  private Line decode(byte[] b, int off, int len, boolean nonAscii) {
    if (cut) {
      // Cut short, perhaps inside a character: decoded leniently, the length is what matters.
      return new Line(new String(b, off, len, StandardCharsets.UTF_8), false, true);
    }
    if (!nonAscii) {
      return new Line(new String(b, off, len, StandardCharsets.ISO_8859_1), false);
    }
    try {
      return new Line(strict.decode(ByteBuffer.wrap(b, off, len)).toString(), false);
    } catch (CharacterCodingException e) {
      return new Line(new String(b, off, len, StandardCharsets.UTF_8), true);
    }
  }

  /** Adds bytes of the current line, up to the line cap; beyond it they are dropped. */
  private void append(int start, int len) {
    if (accLen + len > maxLineBytes) {
      cut = true;
      len = Math.max(0, maxLineBytes - accLen);
    }
    if (accLen + len > acc.length) {
      acc = Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + len));
    }
    System.arraycopy(buf, start, acc, accLen, len);
    accLen += len;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      eof = true;
      pos = 0;
      lim = 0;
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
