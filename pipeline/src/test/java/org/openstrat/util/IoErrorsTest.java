package org.openstrat.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/**
 * The words for a failed file operation. Tests run as root, which no file permission stops, so the
 * permission-denied messages are checked here, from the exceptions Java raises, rather than by
 * chmod-ing a file.
 */
class IoErrorsTest {
  @Test
  void aPathAloneBecomesAReasonAndWhatToDo() {
    AccessDeniedException denied = new AccessDeniedException("/data/in/practices.csv");
    assertThat(denied.getMessage()).isEqualTo("/data/in/practices.csv"); // all Java says
    assertThat(IoErrors.reason(denied)).isEqualTo("permission denied");
    assertThat(IoErrors.cannotRead(denied))
        .isEqualTo("permission denied (user " + System.getProperty("user.name")
            + "): give it read access, e.g. through the folder's group");
    assertThat(IoErrors.reason(new NoSuchFileException("/x"))).isEqualTo("no such file or folder");
    assertThat(IoErrors.reason(new FileSystemException("/x", null, "Read-only file system")))
        .isEqualTo("read-only file system");
    assertThat(IoErrors.reason(new IOException("No space left on device\nmore")))
        .isEqualTo("No space left on device");
    assertThat(IoErrors.reason(new IOException())).isEqualTo("input/output error");
  }
}
