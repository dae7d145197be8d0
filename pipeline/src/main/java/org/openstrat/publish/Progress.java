package org.openstrat.publish;

import java.io.PrintWriter;
import java.util.Locale;
import org.openstrat.core.StageLog;

/**
 * One progress line per stage on stderr, {@code stage NAME rows_in=N rows_out=N seconds=S}, and
 * the same figures in the manifest's {@code stages}. Never prints data values.
 */
public final class Progress implements StageLog {
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

  @Override
  public void done(String stage, long rowsIn, long rowsOut, long startNanos) {
    done(stage, null, rowsIn, rowsOut, startNanos);
  }

  /**
   * The parts of stage {@code parent} (each extract's checks inside {@code validate}): the same
   * line, and a manifest entry marked {@code "within": parent}, so that the run report does not
   * add them to the stage that contains them.
   */
  public StageLog within(String parent) {
    return (stage, rowsIn, rowsOut, startNanos) -> done(stage, parent, rowsIn, rowsOut, startNanos);
  }

  private void done(String stage, String parent, long rowsIn, long rowsOut, long startNanos) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    manifest.stage(stage, parent, rowsIn, rowsOut, s);
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
