package org.openstrat.core;

/**
 * Where a finished stage reports itself: its progress line ({@code stage NAME rows_in=N
 * rows_out=N seconds=S}) and, in a run, its entry in the manifest. Stages below {@code pipeline}
 * (each extract's checks, the population) report through this, not through their own
 * {@code printf}, so that the line and the manifest entry cannot disagree.
 */
@FunctionalInterface
public interface StageLog {
  /** Reports nothing: for callers that only want the result. */
  StageLog NONE = (stage, rowsIn, rowsOut, startNanos) -> {};

  /** Nanosecond start mark for {@link #done}. */
  static long start() {
    return System.nanoTime();
  }

  /** {@code stage} finished, having read {@code rowsIn} rows and made {@code rowsOut}. */
  void done(String stage, long rowsIn, long rowsOut, long startNanos);
}
