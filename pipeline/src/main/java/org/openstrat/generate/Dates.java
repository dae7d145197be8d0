package org.openstrat.generate;

import java.time.LocalDate;

/** ISO date strings for every day from 1900-01-01 to a year after the extract date, made once. */
final class Dates {
  static final int MIN_DAY = (int) LocalDate.of(1900, 1, 1).toEpochDay();
  private final String[] cache;
  final int extractDay;

  Dates(LocalDate extractDate) {
    this.extractDay = (int) extractDate.toEpochDay();
    int n = extractDay + 800 - MIN_DAY;
    cache = new String[n];
    for (int i = 0; i < n; i++) {
      cache[i] = LocalDate.ofEpochDay(MIN_DAY + i).toString();
    }
  }

  /** The ISO string of an epoch day (days before 1900 or far ahead are formatted on the fly). */
  String str(int epochDay) {
    int i = epochDay - MIN_DAY;
    return i >= 0 && i < cache.length ? cache[i] : LocalDate.ofEpochDay(epochDay).toString();
  }
}
