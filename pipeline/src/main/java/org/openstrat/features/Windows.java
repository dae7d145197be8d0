package org.openstrat.features;

import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import org.apache.spark.sql.Column;

/**
 * Time windows ending at the as-of date. One convention everywhere (docs/scores.md, "Windows"): a
 * window of N months holds the dates d with {@code asOf.minusMonths(N) <= d <= asOf}, both ends
 * inclusive; an "ever" window holds every date {@code <= asOf}. Rows dated after the as-of date are
 * valid data (a backtest looks at them) but never count. The window start is worked out on the
 * driver with {@link LocalDate#minusMonths} (31 May minus 3 months is 28 or 29 Feb), so the clock
 * is never read and Spark sees a literal.
 */
public final class Windows {
  private Windows() {}

  /** The first day of an N-month window ending at {@code asOf} (inclusive). */
  public static LocalDate start(LocalDate asOf, int months) {
    return asOf.minusMonths(months);
  }

  /** {@code date <= asOf}: the "ever recorded" window. A null date is outside. */
  public static Column onOrBefore(Column date, LocalDate asOf) {
    return date.leq(lit(asOf));
  }

  /** {@code asOf - months <= date <= asOf}. A null {@code months} means "ever" (no lower bound). */
  public static Column lastMonths(Column date, LocalDate asOf, Integer months) {
    Column upper = onOrBefore(date, asOf);
    return months == null ? upper : upper.and(date.geq(lit(start(asOf, months))));
  }
}
