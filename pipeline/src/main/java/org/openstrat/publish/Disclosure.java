package org.openstrat.publish;

/**
 * Small-number suppression for every published count: the one place it is decided (ehrQL's
 * rule). 0 stays 0 (a true zero discloses nothing about a person); 1-7 become {@code *}; any
 * other count is rounded to the nearest 5 (halves up, so 8 -> 10, 12 -> 10, 13 -> 15), so
 * differencing two published tables cannot recover a suppressed cell exactly.
 */
public final class Disclosure {
  /** Counts from 1 up to this are shown as {@link #SUPPRESSED}. */
  public static final int THRESHOLD = 7;
  /** Other counts are rounded to a multiple of this. */
  public static final int ROUNDING = 5;

  public static final String SUPPRESSED = "*";

  private Disclosure() {}

  /** The publishable text of a count. Negative counts are a bug and are refused. */
  public static String count(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("negative count " + n);
    }
    if (n == 0) {
      return "0";
    }
    if (n <= THRESHOLD) {
      return SUPPRESSED;
    }
    long rounded = ((n + ROUNDING / 2) / ROUNDING) * ROUNDING;
    return Long.toString(rounded);
  }
}
