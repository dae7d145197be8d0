package org.openstrat.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Work the driver runs on a few threads at once: Spark jobs submitted from several threads (one
 * extract's tasks fill the cores another's last tasks leave idle), or the driver's own work while
 * the executors wait. The caller waits for each result in its own order, so what it reports keeps
 * that order, and the first failure it meets is its own.
 */
public final class SideBySide {
  private SideBySide() {}

  /** A pool of {@code threads} daemon threads named {@code name} (they never keep the JVM up). */
  public static ExecutorService pool(String name, int threads) {
    return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The result of {@code f}, once done. Its failure is rethrown as it was when unchecked, an
   * {@link IOException} as an {@link UncheckedIOException}, anything else wrapped.
   */
  public static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for work side by side", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      if (c instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw new IllegalStateException(c);
    }
  }

  /**
   * As {@link #await}, for callers that fail with {@link IOException}: an I/O failure of the work
   * (thrown as such, or as {@link UncheckedIOException}) is rethrown as the {@code IOException}.
   */
  public static <T> T awaitIo(Future<T> f) throws IOException {
    try {
      return await(f);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
