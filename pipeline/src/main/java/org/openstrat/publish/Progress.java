package org.openstrat.publish;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One progress line per stage on stderr, {@code stage NAME rows_in=N rows_out=N seconds=S}, and
 * the same figures in the manifest's {@code stages}. Never prints data values.
 */
public final class Progress {
  private final PrintWriter err;
  private final Manifest manifest;

  public Progress(PrintWriter err, Manifest manifest) {
    this.err = err;
    this.manifest = manifest;
  }

  /** Nanosecond start mark for {@link #done}. */
  public static long start() {
    return System.nanoTime();
  }

  public void done(String stage, long rowsIn, long rowsOut, long startNanos) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    manifest.stage(stage, rowsIn, rowsOut, s);
    err.printf(Locale.ROOT, "stage %s rows_in=%d rows_out=%d seconds=%.1f%n", stage, rowsIn, rowsOut, s);
    err.flush();
  }

  public void warn(String message) {
    err.println("strat: warning: " + message);
    err.flush();
  }

  public Manifest manifest() {
    return manifest;
  }
}
