package org.openstrat.util;

/**
 * CSV quoting, in one place (RFC 4180): a field holding a comma, a double quote, a CR or a LF is
 * put in double quotes with its quotes doubled; any other field is written as it is. What a cell
 * must not start with for Excel is {@code publish.ExcelCsv}'s concern, on top of this.
 */
public final class CsvText {
  private CsvText() {}

  public static boolean needsQuotes(String field) {
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  public static String quote(String field) {
    return needsQuotes(field) ? '"' + field.replace("\"", "\"\"") + '"' : field;
  }

  /** Fields joined by commas, each quoted as needed; no line end. */
  public static String row(String... fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(quote(fields[i]));
    }
    return sb.toString();
  }
}
