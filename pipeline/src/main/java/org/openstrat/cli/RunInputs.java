package org.openstrat.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.util.LogLines;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The checks of a command's input options (one of {@code --input} and {@code --sources}) and how
 * {@code strat run}'s stderr is written ({@code --log-format}); what the run then reads is {@link
 * org.openstrat.pipeline.Extracts}.
 */
final class RunInputs {
  /** Environment variable giving the log format when {@code --log-format} is not given. */
  static final String ENV_LOG_FORMAT = "STRAT_LOG_FORMAT";

  private RunInputs() {}

  /**
   * Wraps the command's stderr in {@link LogLines} (the exception handler then writes the failure
   * line through it too). Exit 2 for a format that is neither text nor json.
   */
  static LogLines logLines(CommandSpec spec, String option, String runId) {
    String given = option != null ? option : System.getenv(ENV_LOG_FORMAT);
    LogLines.Format f = given == null || given.isBlank() ? LogLines.Format.TEXT : LogLines.Format.parse(given);
    if (f == null) {
      throw new StratException(ExitCode.USAGE, (option != null ? "--log-format " : ENV_LOG_FORMAT + "=")
          + given + " is not a log format: give text or json (see: strat run --help)");
    }
    LogLines log = new LogLines(spec.commandLine().getErr(), f, runId, Clock.systemUTC());
    spec.commandLine().setErr(new PrintWriter(log, true));
    return log;
  }

  /**
   * Exactly one of {@code --input} and {@code --sources} (exit 2 otherwise); with {@code
   * --sources}, the sources file loaded with its credentials from the environment (exit 3 when it
   * is wrong). Null for a folder run.
   */
  static JdbcSources check(CommandSpec spec, Path input, Path sources, boolean publishJdbc) {
    if ((input == null) == (sources == null)) {
      throw new StratException(ExitCode.USAGE, "give one of --input DIR (a folder of extracts) or "
          + "--sources FILE (a warehouse); " + (input == null ? "neither was" : "both were") + " given"
          + " (see: strat " + spec.name() + " --help)");
    }
    if (sources == null) {
      if (publishJdbc) {
        throw new StratException(ExitCode.USAGE,
            "--publish-jdbc needs --sources FILE (the warehouse to write to)");
      }
      return null;
    }
    return JdbcSources.load(sources, System.getenv());
  }
}
