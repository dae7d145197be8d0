package org.openstrat.rules;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.openstrat.core.StratException;
import org.openstrat.util.IoErrors;

/**
 * One rule file as read: the {@code # key: value} header block, the column names, and the rows
 * with their line numbers. Reading checks only the CSV shape; {@link RuleSchema} checks content.
 *
 * @param file path relative to the rules directory, used in every error message
 * @param header header-block fields; a key given on several lines ({@code changes}) keeps all
 */
public record RuleTable(
    String file, Map<String, List<String>> header, List<String> columns, List<Row> rows) {

  /** A data row: column -> value (trimmed; empty string for blank) and its line in the file. */
  public record Row(long line, Map<String, String> values) {
    public String get(String column) {
      String v = values.get(column);
      return v == null ? "" : v;
    }
  }

  public RuleTable {
    header = Collections.unmodifiableMap(header);
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /** The first value of a header field, or null. */
  public String headerValue(String key) {
    List<String> v = header.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Reads {@code dir/file}; a missing or unparsable file is a config error (exit 3). */
  public static RuleTable read(Path dir, String file) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw StratException.config("Rule file " + file + " is missing from " + dir);
    }
    String text;
    try {
      text = Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StratException.config("Cannot read rule file " + file + ": " + IoErrors.cannotRead(e));
    }
    return parse(file, text);
  }

  static RuleTable parse(String file, String text) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    Map<String, List<String>> header = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    int first = 0;
    while (first < lines.length && (lines[first].startsWith("#") || lines[first].isBlank())) {
      String l = lines[first].startsWith("#") ? lines[first].substring(1).trim() : "";
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).matches("[a-z_]+")) {
        header
            .computeIfAbsent(l.substring(0, colon).trim(), k -> new ArrayList<>())
            .add(l.substring(colon + 1).trim());
      }
      first++;
    }
    if (first >= lines.length) {
      throw StratException.config("Rule file " + file + ": no header row after the # block");
    }
    StringBuilder body = new StringBuilder();
    for (int i = first; i < lines.length; i++) {
      body.append(lines[i]).append('\n');
    }
    CSVFormat fmt =
        CSVFormat.DEFAULT
            .builder()
            .setCommentMarker('#')
            .setIgnoreEmptyLines(true)
            .setTrim(true)
            .get();
    List<Row> rows = new ArrayList<>();
    List<String> columns;
    try (Reader r = new StringReader(body.toString());
        CSVParser parser = CSVParser.parse(r, fmt)) {
      List<CSVRecord> records = parser.getRecords();
      if (records.isEmpty()) {
        throw StratException.config("Rule file " + file + ": no header row after the # block");
      }
      columns = records.get(0).toList();
      long pos = 0;
      long lineInBody = 1;
      for (int i = 1; i < records.size(); i++) {
        CSVRecord rec = records.get(i);
        for (; pos < rec.getCharacterPosition() && pos < body.length(); pos++) {
          if (body.charAt((int) pos) == '\n') {
            lineInBody++;
          }
        }
        long line = first + lineInBody;
        if (rec.size() != columns.size()) {
          throw StratException.config(
              "Rule file "
                  + file
                  + " line "
                  + line
                  + ": "
                  + rec.size()
                  + " fields, header has "
                  + columns.size());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
          values.put(columns.get(c), rec.get(c));
        }
        rows.add(new Row(line, Collections.unmodifiableMap(values)));
      }
    } catch (IOException | IllegalStateException | java.io.UncheckedIOException e) {
      throw StratException.config("Rule file " + file + ": not valid CSV: " + e.getMessage());
    }
    return new RuleTable(file, header, columns, rows);
  }
}
