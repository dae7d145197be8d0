package org.openstrat.ingest;

/**
 * What the first bytes of a file named {@code .csv} say it is, when it is not text at all: a
 * compressed or archived file, a spreadsheet, Parquet, UTF-16, or binary data. Such a file is not an
 * extract with some bad rows but the wrong file, so it fails the run (exit 4) before any row is
 * read, with a line that says what it looks like; a stray bad byte in a text file only spoils its
 * row ({@link Utf8Lines}).
 */
public final class Sniff {
  /** How many bytes are looked at. */
  public static final int HEAD_BYTES = 8192;

  /**
   * A share of NUL or control bytes (other than tab, line feed, form feed, carriage return and
   * escape) above which the file is taken for binary data: text has next to none; 10% leaves room
   * for a few stray ones in a short file.
   */
  static final double MAX_CONTROL_SHARE = 0.10;

  private Sniff() {}

  /**
   * Null when the head looks like text; otherwise what the file looks like and what to do, e.g.
   * {@code "it looks like a gzip file, not CSV text (it starts 1f 8b): name it NAME.csv.gz, or
   * decompress it"}.
   *
   * @param head the file's first bytes (after decompression for {@code .csv.gz})
   * @param n how many of them were read
   */
  public static String notText(byte[] head, int n) {
    if (starts(head, n, 0x1f, 0x8b)) {
      return "it looks like a gzip file, not CSV text (it starts 1f 8b): decompress it, or name it"
          + " .csv.gz so that it is read as gzipped CSV";
    }
    if (starts(head, n, 'P', 'K', 3, 4)) {
      return "it looks like a zip archive (or an .xlsx workbook), not CSV text (it starts PK 03 04):"
          + " unzip it, or export the sheet as CSV UTF-8";
    }
    if (starts(head, n, 0xd0, 0xcf, 0x11, 0xe0)) {
      return "it looks like an old Office file (such as .xls), not CSV text: export it as CSV UTF-8";
    }
    if (starts(head, n, 'P', 'A', 'R', '1')) {
      return "it looks like a Parquet file, not CSV text: name it .parquet";
    }
    if (starts(head, n, 0xff, 0xfe) || starts(head, n, 0xfe, 0xff)) {
      return "it looks like UTF-16 text (it starts with a UTF-16 byte order mark): re-export it as"
          + " UTF-8";
    }
    int control = 0;
    for (int i = 0; i < n; i++) {
      int b = head[i] & 0xff;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\f' && b != '\r' && b != 0x1b) {
        control++;
      }
    }
    if (n > 0 && control > MAX_CONTROL_SHARE * n) {
      return String.format(java.util.Locale.ROOT,
          "it looks like binary data, not CSV text (%d of its first %d bytes are NUL or control"
              + " bytes): check the file sent is the extract",
          control, n);
    }
    return null;
  }

  private static boolean starts(byte[] head, int n, int... magic) {
    if (n < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
