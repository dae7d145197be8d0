package org.openstrat.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting folder trees (staging and scratch folders). */
public final class Folders {
  private Folders() {}

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
