package org.openstrat.spark;

import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.translate;

import org.apache.spark.sql.Column;

/**
 * Column functions chosen to run inside Spark's generated code, in place of built-ins that look
 * the same but are evaluated row by row by the interpreter (docs/performance.md).
 *
 * <p>Spark's {@code array_sort} is a higher-order function (its default comparator is a lambda):
 * it has no generated code, and neither has anything under it, so the arrays it sorts are built
 * by the interpreter too. In the scores stage that was a quarter of the CPU time of the step that
 * makes the 100k system's 68k score rows. {@code sort_array} is compiled.
 *
 * <p>Spark 4's {@code lower} and {@code upper} map case through ICU (the collation-aware path):
 * 80 microseconds a row where a few ICD-10 codes are upper-cased, and a class initialisation
 * costing about a second the first time. The values they were used on are ASCII codes and
 * words; {@code translate} over a-z is compiled and maps only those letters.
 */
public final class Codegen {
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private Codegen() {}

  /**
   * The array sorted in ascending order, for arrays without null elements. (Where there are
   * nulls, {@code sort_array} puts them first and {@code array_sort} last.)
   */
  public static Column sorted(Column array) {
    return sort_array(array, true);
  }

  /** ASCII letters a-z upper-cased; every other character as it is. */
  public static Column asciiUpper(Column s) {
    return translate(s, LOWER, UPPER);
  }

  /** ASCII letters A-Z lower-cased; every other character as it is. */
  public static Column asciiLower(Column s) {
    return translate(s, UPPER, LOWER);
  }
}
