package org.openstrat.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.Dataset;
import org.openstrat.publish.Progress;
import org.openstrat.spark.Kept;

/**
 * What is wrapped around every stage of a run, in one place: its timing, its progress line
 * ({@code stage NAME rows_in=N rows_out=N seconds=S}) and manifest entry (both through {@link
 * Progress}), and what it caches, released when the run is done with it ({@link #close}).
 */
public final class Stages implements AutoCloseable {
  private final Progress progress;
  private final List<Dataset<?>> kept = new ArrayList<>();

  public Stages(Progress progress) {
    this.progress = progress;
  }

  /**
   * Runs {@code stage} and reports it. The row counts are taken before the clock stops: a count
   * that materialises the stage's output (a Spark action) is part of its time, as it always was.
   */
  public <T> T run(String name, Supplier<T> stage, ToLongFunction<T> rowsIn,
      ToLongFunction<T> rowsOut) {
    long t = Progress.start();
    T out = stage.get();
    progress.done(name, rowsIn.applyAsLong(out), rowsOut.applyAsLong(out), t);
    return out;
  }

  /**
   * {@code cached} (persisted or checkpointed by the stage that made it) is released when the run
   * is closed: its readers are the later stages, and a JVM that goes on (tests, a shared driver)
   * should not keep it.
   */
  public <D extends Dataset<?>> D keep(D cached) {
    kept.add(cached);
    return cached;
  }

  public Progress progress() {
    return progress;
  }

  /** Releases what the stages kept. */
  @Override
  public void close() {
    kept.forEach(Kept::release);
    kept.clear();
  }
}
