package org.openstrat.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/** Deleting folder trees (staging and scratch folders) and closing them to other users. */
public final class Folders {
  /** Folders of anything holding patient data: owner all, group read and enter, others nothing. */
  public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-x---");
  /** Files of anything holding patient data: owner read-write, group read, others nothing. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r-----");

  private Folders() {}

  /**
   * Sets every folder under {@code root} (and {@code root}) to {@link #FOLDER} and every file to
   * {@link #FILE}, whatever the umask they were written under: the process's, or Hadoop's own
   * {@code fs.permissions.umask-mode} (022 unless set) for what Spark writes. Symbolic links are
   * neither followed nor changed. Nothing on a file system without POSIX permissions.
   */
  public static void restrict(Path root) throws IOException {
    if (!Files.getFileStore(root).supportsFileAttributeView(PosixFileAttributeView.class)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
        Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(FOLDER);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        if (a.isRegularFile()) {
          Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .setPermissions(FILE);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Creates {@code dir} (not its parents) closed to other users from the start. */
  public static void createRestricted(Path dir) throws IOException {
    Files.createDirectory(dir);
    restrict(dir);
  }

  /** Deletes {@code root} and everything under it; nothing if it does not exist. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** {@link #deleteTree}, leaving whatever cannot be deleted (a scratch folder's last clean-up). */
  public static void deleteQuietly(Path root) {
    try {
      deleteTree(root);
    } catch (IOException e) {
      // Left behind: a scratch folder holds no published output.
    }
  }
}
