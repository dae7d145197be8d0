package org.openstrat.ingest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.openstrat.core.StratException;

/** The header contract, shared by CSV headers and Parquet schemas. */
final class ExtractHeader {
  private ExtractHeader() {}

  /**
   * For each contract column, its position among {@code names} (a CSV header or a Parquet
   * schema, any case); exit 4 naming every missing, unknown and repeated column.
   */
  static int[] map(Extract e, List<String> names, String rel, String what) {
    List<String> expected = e.columns();
    Set<String> seen = new LinkedHashSet<>();
    Set<String> repeated = new TreeSet<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (String h : names) {
      String n = h.toLowerCase(Locale.ROOT);
      if (!seen.add(n)) {
        repeated.add(n);
      }
      if (!expected.contains(n)) {
        unknown.add(h);
      }
    }
    List<String> missing = new ArrayList<>();
    for (String c : expected) {
      if (!seen.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty() || !unknown.isEmpty() || !repeated.isEmpty()) {
      List<String> problems = new ArrayList<>();
      if (!missing.isEmpty()) {
        problems.add("missing column(s) " + String.join(", ", missing));
      }
      if (!unknown.isEmpty()) {
        problems.add("unknown column(s) " + String.join(", ", unknown));
      }
      if (!repeated.isEmpty()) {
        problems.add("repeated column(s) " + String.join(", ", repeated));
      }
      throw StratException.input(
          "Cannot read " + rel + ": " + what + " has " + String.join("; ", problems)
              + " (expected " + String.join(",", expected) + ")");
    }
    int[] mapping = new int[expected.size()];
    for (int i = 0; i < expected.size(); i++) {
      for (int j = 0; j < names.size(); j++) {
        if (names.get(j).toLowerCase(Locale.ROOT).equals(expected.get(i))) {
          mapping[i] = j;
        }
      }
    }
    return mapping;
  }
}
