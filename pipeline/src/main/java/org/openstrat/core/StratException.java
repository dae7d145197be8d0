package org.openstrat.core;

/**
 * A failure the user can act on. Carries its exit code and a one-line message; the CLI prints the
 * message and exits with the code, never a stack trace.
 */
public class StratException extends RuntimeException {
  private final int exitCode;

  public StratException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public StratException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public static StratException config(String message) {
    return new StratException(ExitCode.CONFIG, message);
  }

  public static StratException input(String message) {
    return new StratException(ExitCode.INPUT, message);
  }

  public static StratException quality(String message) {
    return new StratException(ExitCode.QUALITY, message);
  }

  public static StratException publish(String message) {
    return new StratException(ExitCode.PUBLISH, message);
  }
}
