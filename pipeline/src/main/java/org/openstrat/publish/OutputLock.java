package org.openstrat.publish;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.util.IoErrors;

/**
 * The one-writer lock of an output folder: an exclusive lock on {@code OUTPUT/.lock}, held by
 * {@code strat run} from before it starts Spark until it has published or given up. Everything that
 * changes OUTPUT (recovery of a killed run's leftovers, staging, the atomic move) happens under it,
 * so a second run never deletes a live run's staging folder: it exits 7 at once, touching nothing.
 *
 * <p>A {@link FileChannel} lock (a POSIX record lock on Linux), released by the kernel when the
 * process ends however it ends, so a stale {@code .lock} file after a crash blocks nothing; the file
 * is never deleted (deleting a lock file lets two runs lock two different files). The holder writes
 * {@code pid N since TIME} into it for the refusal message and for {@code cat OUTPUT/.lock}.
 *
 * <p>scripts/nightly takes its own lock, {@code OUTPUT/.nightly.lock} with flock(1), around the
 * whole nightly job; it is a different file because on NFS Linux emulates flock with POSIX locks,
 * and the nightly's lock on {@code .lock} would then refuse its own {@code strat run}.
 */
public final class OutputLock implements AutoCloseable {
  /** The lock file's name in OUTPUT. */
  public static final String FILE = ".lock";

  private final Path output;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(Path output, FileChannel channel, FileLock lock) {
    this.output = output;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates OUTPUT if needed and locks it.
   *
   * @throws StratException exit 7 when another run holds the lock; exit 3 when OUTPUT cannot be
   *     created or written (a wrong --output is a configuration problem, as in scripts/nightly)
   */
  public static OutputLock acquire(Path output) {
    Path file = output.resolve(FILE);
    FileChannel ch;
    checkWritable(output);
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw cannotWrite(output, e);
    }
    FileLock held;
    try {
      held = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      held = null; // another run in this JVM (tests) holds it
    } catch (IOException e) {
      closeQuietly(ch);
      throw cannotWrite(output, e);
    }
    if (held == null) {
      String holder = holder(ch);
      closeQuietly(ch);
      throw new StratException(ExitCode.LOCKED,
          "another run holds the lock " + file + (holder.isEmpty() ? "" : " (" + holder + ")")
              + "; not started (wait for it to finish, or find it with: fuser " + file + ")");
    }
    try {
      byte[] note = ("pid " + ProcessHandle.current().pid() + " since "
          + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n").getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(note), 0);
      ch.force(false);
    } catch (IOException e) {
      // The note is a convenience; the lock is what counts.
    }
    return new OutputLock(output, ch, held);
  }

  /**
   * Creates {@code output} if needed and checks this user can write in it; exit 3 saying why if
   * not.
   */
  static void checkWritable(Path output) {
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      throw cannotWrite(output, e);
    }
    if (!Files.isWritable(output) || !Files.isExecutable(output)) {
      throw cannotWrite(output, new AccessDeniedException(output.toString()));
    }
  }

  /**
   * Checks, creating nothing, that {@code output} could be written: it is a folder this user can
   * write, or the nearest part of its path that exists is one. Exit 3 saying why if not (for
   * commands that write there without the lock, e.g. strat validate, before any work).
   */
  public static void checkCanWrite(Path output) {
    Path p = output.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return;
    }
    if (!Files.isDirectory(p)) {
      throw cannotWrite(output, new java.nio.file.NotDirectoryException(p.toString()));
    }
    if (!Files.isWritable(p) || !Files.isExecutable(p)) {
      throw cannotWrite(output, new AccessDeniedException(p.toString()));
    }
  }

  /**
   * The one-line failure for an output folder this user cannot create or write: what is wrong and
   * what to do. Exit 3: a wrong --output is a configuration problem (scripts/nightly says the same).
   */
  static StratException cannotWrite(Path output, IOException e) {
    String why = IoErrors.reason(e);
    if (e instanceof AccessDeniedException) {
      why += " (user " + System.getProperty("user.name") + ")";
    }
    return new StratException(ExitCode.CONFIG,
        "Cannot write to output folder " + output + ": " + why
            + "; give --output a folder this user can create and write");
  }

  /** The output folder this lock guards. */
  public Path output() {
    return output;
  }

  /** True while this lock is held (a {@link Publication} checks it before changing OUTPUT). */
  public boolean isHeld() {
    return lock.isValid();
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Released by the kernel when the channel closes, below.
    }
    closeQuietly(channel);
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(200);
      int n = ch.read(b, 0);
      if (n <= 0) {
        return "";
      }
      String s = new String(b.array(), 0, n, StandardCharsets.UTF_8);
      int nl = s.indexOf('\n');
      return (nl < 0 ? s : s.substring(0, nl)).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing held
    }
  }
}
