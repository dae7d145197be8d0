package org.openstrat.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a file operation failed, in words for a one-line message. Java's file exceptions often carry
 * only the path as their message ({@code AccessDeniedException: /data/in/practices.csv}), which
 * says nothing to someone reading a log; this names the cause instead.
 */
public final class IoErrors {
  private IoErrors() {}

  /** A few words: "permission denied", "no such file or folder", "not a folder", ... */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file is in the way";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "the folder is not empty";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      // e.g. "Read-only file system", "Not a directory", "No space left on device"
      return fse.getReason().toLowerCase(Locale.ROOT);
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? "input/output error" : m.lines().findFirst().orElse(m);
  }

  /**
   * The reason and what to do about it when {@code path} could not be read: permission denied
   * asks for read access for the user running strat.
   */
  public static String cannotRead(IOException e) {
    String r = reason(e);
    if (e instanceof AccessDeniedException) {
      return r + " (user " + System.getProperty("user.name")
          + "): give it read access, e.g. through the folder's group";
    }
    return r;
  }
}
