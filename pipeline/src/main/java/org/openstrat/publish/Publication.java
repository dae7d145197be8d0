package org.openstrat.publish;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openstrat.core.StratException;
import org.openstrat.util.Folders;
import org.openstrat.util.IoErrors;

/**
 * One publication of OUTPUT/AS_OF, made visible in one step like a table-format commit.
 *
 * <ol>
 *   <li>{@link #begin}, holding the output's {@link OutputLock}: put back any publication a killed
 *       run left renamed aside, delete stale {@code .staging-*} folders (no live run can own them:
 *       it would hold the lock), then create {@code OUTPUT/.staging-RUNID/}.
 *   <li>The run writes everything under {@link #staging()} and checks it.
 *   <li>{@link #commit}: if OUTPUT/AS_OF does not exist, one atomic rename of the staging folder
 *       onto it. If it does (a rerun of the same date): rename it aside to
 *       {@code .replaced-AS_OF-RUNID}, rename the staging folder in, delete the old one.
 * </ol>
 *
 * A reader never sees a half-written AS_OF: a folder named like a date is always complete. A run
 * killed at any point leaves earlier publications untouched; killed between the two renames of a
 * rerun, the previous AS_OF is only renamed aside, and the next run (or {@link #recover}) puts it
 * back. Only one run may publish into an OUTPUT at a time: the lock makes a second one exit 7.
 *
 * <p>Test hook: the system property {@value #PAUSE_PROPERTY}=STAGE makes the process stop at that
 * stage ({@link #pause}) so a test can kill it there, or let it go on.
 */
public final class Publication {
  public static final String PAUSE_PROPERTY = "strat.test.pause_at";
  /** Test hook: the longest a {@link #pause} lasts, in seconds, before the process halts. */
  public static final String PAUSE_MAX_PROPERTY = "strat.test.pause_max_seconds";
  static final String STAGING_PREFIX = ".staging-";
  static final String REPLACED_PREFIX = ".replaced-";
  /** How a run names what it sets aside and stages (run ids: letters, digits, dashes). */
  private static final Pattern REPLACED_NAME =
      Pattern.compile("\\.replaced-(\\d{4}-\\d{2}-\\d{2})-[A-Za-z0-9-]+");
  private static final Pattern STAGING_NAME = Pattern.compile("\\.staging-[A-Za-z0-9-]+(\\.work)?");

  private final Path output;
  private final Path staging;
  private final Path target;
  private final String runId;
  /** The lock this publication took itself (released when it commits or is abandoned), or null. */
  private final OutputLock ownLock;
  private final List<String> leftAlone;

  private Publication(Path output, Path staging, Path target, String runId, OutputLock ownLock,
      List<String> leftAlone) {
    this.output = output;
    this.staging = staging;
    this.target = target;
    this.runId = runId;
    this.ownLock = ownLock;
    this.leftAlone = List.copyOf(leftAlone);
  }

  /** What recovery found in OUTPUT and left alone, each with the reason ({@link #recover}). */
  public List<String> leftAlone() {
    return leftAlone;
  }

  /**
   * Under a lock the caller holds (strat run takes it before starting Spark, and releases it when
   * the run ends): recovers OUTPUT, then creates this run's staging folder.
   */
  public static Publication begin(OutputLock lock, LocalDate asOf, String runId) {
    return begin(lock, asOf, runId, null);
  }

  /**
   * Locks OUTPUT (exit 7 if another run holds it), recovers it and creates this run's staging
   * folder; the lock is released by {@link #commit} or {@link #abandon}.
   */
  public static Publication begin(Path output, LocalDate asOf, String runId) {
    OutputLock lock = OutputLock.acquire(output);
    try {
      return begin(lock, asOf, runId, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static Publication begin(OutputLock lock, LocalDate asOf, String runId, OutputLock own) {
    Path output = lock.output();
    try {
      List<String> leftAlone = recover(lock);
      Path staging = output.resolve(STAGING_PREFIX + runId);
      // Closed to other users from the start, and the scratch folder too (it holds extracts as
      // Parquet): what Spark writes inside is world-readable until commit() restricts it.
      Folders.createRestricted(staging);
      Folders.createRestricted(output.resolve(STAGING_PREFIX + runId + ".work"));
      return new Publication(output, staging, output.resolve(asOf.toString()), runId, own, leftAlone);
    } catch (IOException e) {
      throw StratException.publish("Cannot create the staging folder under " + output + ": " + IoErrors.reason(e));
    }
  }

  public Path staging() {
    return staging;
  }

  /**
   * A scratch folder for this run's intermediate files (CSV extracts staged as Parquet), next to
   * the staging folder and never published: deleted by {@link #commit} and {@link #abandon}, and,
   * after a killed run, by the next run's {@link #recover} (its name starts {@code .staging-}).
   */
  public Path work() {
    return output.resolve(STAGING_PREFIX + runId + ".work");
  }

  public Path target() {
    return target;
  }

  /**
   * Makes the staged folder the publication of its as-of date (see the class comment), its folders
   * 0750 and files 0640 first, whatever the umask they were written under: a publication holds NHS
   * numbers.
   */
  public void commit() {
    try {
      Folders.restrict(staging);
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        move(staging, target);
        pause("committed");
        Folders.deleteQuietly(work());
        return;
      }
      Path aside = output.resolve(REPLACED_PREFIX + target.getFileName() + "-" + runId);
      move(target, aside);
      pause("replaced-aside");
      move(staging, target);
      pause("swapped");
      Folders.deleteTree(aside);
      Folders.deleteQuietly(work());
    } catch (IOException e) {
      throw StratException.publish("Cannot move the staged output into " + target + ": " + IoErrors.reason(e));
    } finally {
      releaseOwnLock();
    }
  }

  private void releaseOwnLock() {
    if (ownLock != null) {
      ownLock.close();
    }
  }

  /** Deletes the staging folder (after a failed check or a failed stage); nothing is published. */
  public void abandon() {
    Folders.deleteQuietly(work());
    try {
      Folders.deleteTree(staging);
    } catch (IOException e) {
      // Left for the next run's clean-up.
    } finally {
      releaseOwnLock();
    }
  }

  /**
   * Puts back publications a killed rerun left renamed aside (when their date folder is missing),
   * deletes ones that were replaced, and deletes stale staging folders. Only under the output's
   * lock: then no live run owns any of them.
   *
   * <p>Only what a run makes is touched: a real folder (never a symbolic link, which could point
   * anywhere) named as a run names it, and, to be put back as a publication, one holding {@code
   * _SUCCESS}. Anything else with those prefixes is left alone and named in the result, so the
   * caller can warn.
   *
   * @return the names left alone, each with the reason
   */
  public static List<String> recover(OutputLock lock) throws IOException {
    if (!lock.isHeld()) {
      throw new IllegalStateException("recovery of " + lock.output() + " without its lock");
    }
    Path output = lock.output();
    List<String> leftAlone = new ArrayList<>();
    if (!Files.isDirectory(output)) {
      return leftAlone;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(output, REPLACED_PREFIX + "*")) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        Matcher m = REPLACED_NAME.matcher(name);
        String not = notOurs(p, m.matches());
        if (not == null && !isDate(m.group(1))) {
          not = "not named " + REPLACED_PREFIX + "yyyy-MM-dd-RUNID";
        }
        if (not != null) {
          leftAlone.add(name + " (" + not + ")");
          continue;
        }
        Path date = output.resolve(m.group(1));
        if (Files.exists(date, LinkOption.NOFOLLOW_LINKS)) {
          Folders.deleteTree(p);
        } else if (Files.isRegularFile(p.resolve(Manifest.SUCCESS), LinkOption.NOFOLLOW_LINKS)) {
          move(p, date);
        } else {
          leftAlone.add(name + " (no " + Manifest.SUCCESS + " inside: not a publication to put back)");
        }
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(output, STAGING_PREFIX + "*")) {
      for (Path p : ds) {
        String not = notOurs(p, STAGING_NAME.matcher(p.getFileName().toString()).matches());
        if (not != null) {
          leftAlone.add(p.getFileName() + " (" + not + ")");
        } else {
          Folders.deleteTree(p);
        }
      }
    }
    return leftAlone;
  }

  /** Why {@code p} is not a folder a run made (null when it is one). */
  private static String notOurs(Path p, boolean named) {
    if (Files.isSymbolicLink(p)) {
      return "a symbolic link, not a folder a run made";
    }
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return "not a folder";
    }
    return named ? null : "not named as a run names it";
  }

  private static boolean isDate(String s) {
    try {
      LocalDate.parse(s);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /**
   * Test hook: stops here if {@value #PAUSE_PROPERTY} names this stage, until a line arrives on
   * stdin (the test lets the run go on) or the test kills the process. The pause never outlives
   * the test: when stdin reaches end of file (the parent's end of the pipe closed, as when it dies),
   * when the parent process is gone, or after {@value #PAUSE_MAX_PROPERTY} seconds (default 600),
   * the process halts with exit 1 at once, publishing nothing.
   */
  public static void pause(String stage) {
    if (!stage.equals(System.getProperty(PAUSE_PROPERTY))) {
      return;
    }
    long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    long maxMillis = Long.getLong(PAUSE_MAX_PROPERTY, 600) * 1000;
    CompletableFuture<Boolean> resumed = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        int c;
        while ((c = System.in.read()) != -1 && c != '\n') {
          // the rest of the line
        }
        resumed.complete(c == '\n');
      } catch (IOException e) {
        resumed.complete(false);
      }
    }, "strat-test-pause");
    reader.setDaemon(true);
    reader.start();
    System.err.println("strat: test pause at " + stage);
    System.err.flush();
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    String why;
    while (true) {
      try {
        Boolean line = resumed.get(200, TimeUnit.MILLISECONDS);
        if (line) {
          return;
        }
        why = "stdin closed";
        break;
      } catch (TimeoutException e) {
        // poll the parent and the bound below
      } catch (InterruptedException | ExecutionException e) {
        why = "interrupted";
        break;
      }
      long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
      if (now != parent) {
        why = "parent process " + parent + " gone";
        break;
      }
      if (System.nanoTime() > deadline) {
        why = "paused longer than " + maxMillis / 1000 + " s";
        break;
      }
    }
    System.err.println("strat: test pause at " + stage + " ended (" + why + "); exiting");
    System.err.flush();
    Runtime.getRuntime().halt(1);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot rename " + from + " atomically", e);
    }
  }
}
