package org.openstrat.publish;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import org.openstrat.cli.StratException;
import org.openstrat.util.Folders;

/**
 * One publication of OUTPUT/AS_OF, made visible in one step like a table-format commit.
 *
 * <ol>
 *   <li>{@link #begin}: put back any publication a killed run left renamed aside, delete stale
 *       {@code .staging-*} folders, then create {@code OUTPUT/.staging-RUNID/}.
 *   <li>The run writes everything under {@link #staging()} and checks it.
 *   <li>{@link #commit}: if OUTPUT/AS_OF does not exist, one atomic rename of the staging folder
 *       onto it. If it does (a rerun of the same date): rename it aside to
 *       {@code .replaced-AS_OF-RUNID}, rename the staging folder in, delete the old one.
 * </ol>
 *
 * A reader never sees a half-written AS_OF: a folder named like a date is always complete. A run
 * killed at any point leaves earlier publications untouched; killed between the two renames of a
 * rerun, the previous AS_OF is only renamed aside, and the next run (or {@link #recover}) puts it
 * back. Only one run may publish into an OUTPUT at a time (scripts/nightly holds a lock).
 *
 * <p>Test hook: the system property {@value #PAUSE_PROPERTY}=STAGE makes the process stop at that
 * stage ({@link #pause}) so a test can kill it there.
 */
public final class Publication {
  public static final String PAUSE_PROPERTY = "strat.test.pause_at";
  static final String STAGING_PREFIX = ".staging-";
  static final String REPLACED_PREFIX = ".replaced-";

  private final Path output;
  private final Path staging;
  private final Path target;
  private final String runId;

  private Publication(Path output, Path staging, Path target, String runId) {
    this.output = output;
    this.staging = staging;
    this.target = target;
    this.runId = runId;
  }

  /** Recovers OUTPUT, then creates this run's staging folder. */
  public static Publication begin(Path output, LocalDate asOf, String runId) {
    try {
      Files.createDirectories(output);
      recover(output);
      Path staging = output.resolve(STAGING_PREFIX + runId);
      Files.createDirectory(staging);
      return new Publication(output, staging, output.resolve(asOf.toString()), runId);
    } catch (IOException e) {
      throw StratException.publish("Cannot create the staging folder under " + output + ": " + e.getMessage());
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

  /** Makes the staged folder the publication of its as-of date (see the class comment). */
  public void commit() {
    try {
      if (!Files.exists(target)) {
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
      throw StratException.publish("Cannot move the staged output into " + target + ": " + e.getMessage());
    }
  }

  /** Deletes the staging folder (after a failed check or a failed stage); nothing is published. */
  public void abandon() {
    Folders.deleteQuietly(work());
    try {
      Folders.deleteTree(staging);
    } catch (IOException e) {
      // Left for the next run's clean-up.
    }
  }

  /**
   * Puts back publications a killed rerun left renamed aside (when their date folder is missing),
   * deletes ones that were replaced, and deletes stale staging folders.
   */
  public static void recover(Path output) throws IOException {
    if (!Files.isDirectory(output)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(output, REPLACED_PREFIX + "*")) {
      for (Path p : ds) {
        String rest = p.getFileName().toString().substring(REPLACED_PREFIX.length());
        if (rest.length() < 10) {
          continue;
        }
        Path date = output.resolve(rest.substring(0, 10));
        if (Files.exists(date)) {
          Folders.deleteTree(p);
        } else {
          move(p, date);
        }
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(output, STAGING_PREFIX + "*")) {
      for (Path p : ds) {
        Folders.deleteTree(p);
      }
    }
  }

  /** Stops here for good if the test hook names this stage (the test then kills the process). */
  public static void pause(String stage) {
    if (stage.equals(System.getProperty(PAUSE_PROPERTY))) {
      System.err.println("strat: test pause at " + stage);
      System.err.flush();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot rename " + from + " atomically", e);
    }
  }
}
