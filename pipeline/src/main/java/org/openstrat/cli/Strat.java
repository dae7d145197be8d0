package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code strat} command line: one program, one subcommand per job. */
@Command(
    name = "strat",
    mixinStandardHelpOptions = true,
    versionProvider = Strat.Version.class,
    description = {
      "Population-health risk stratification for ICPs, PCNs and ICCs.",
      "Reads GP, hospital, social care and housing extracts, scores every registered patient",
      "(eFI, HFRS, multimorbidity, emergency-admission risk) and publishes the top cohorts.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  strat generate --patients 5000 --seed 1 --out /tmp/ics",
      "  strat run --input sample-data --output /tmp/strat-out",
      "",
      "Exit codes: 0 ok, 1 internal error, 2 usage, 3 config, 4 input, 5 quality threshold,",
      "6 publish check failed, 7 locked (see README)."
    },
    subcommands = {CommandLine.HelpCommand.class})
public final class Strat implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** Builds the command line with every subcommand and the exit-code mapping. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Strat());
    for (Object sub : Subcommands.all()) {
      cl.addSubcommand(sub);
    }
    // After the subcommands: a converter reaches the commands present when it is registered.
    cl.registerConverter(LocalDate.class, Strat::date);
    cl.setExecutionExceptionHandler(new ExceptionHandler());
    cl.setParameterExceptionHandler(Strat::usageError);
    return cl;
  }

  /**
   * Dates on the command line: ISO yyyy-MM-dd. The default conversion's message names Java
   * classes ({@code java.time.format.DateTimeParseException: Text ... could not be parsed}).
   */
  static LocalDate date(String s) {
    try {
      return LocalDate.parse(s.trim());
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + s + "' is not a date: give yyyy-MM-dd, e.g. 2025-03-31");
    }
  }

  /** Runs the command line and returns its exit code (tests call this; main exits with it). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    if (e.getCause() instanceof CommandLine.TypeConversionException) {
      // A bad value: one line saying which and what to give; the whole usage would bury it.
      err.println("strat: " + e.getMessage() + " (see: strat " + cl.getCommandName() + " --help)");
      err.flush();
      return ExitCode.USAGE;
    }
    err.println("strat: " + e.getMessage());
    cl.usage(err);
    return ExitCode.USAGE;
  }

  /** Maps failures to exit codes with a one-line message on stderr; no stack traces. */
  static final class ExceptionHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
      PrintWriter err = cl.getErr();
      StratException se = findStratException(ex);
      if (se != null) {
        err.println("strat: " + se.getMessage());
        err.flush();
        return se.exitCode();
      }
      Throwable root = ex;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      err.println(
          "strat: internal error: "
              + root.getClass().getSimpleName()
              + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage()))
              + " (set STRAT_DEBUG=1 for the stack trace)");
      if (System.getenv("STRAT_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      err.flush();
      return ExitCode.INTERNAL;
    }

    private static StratException findStratException(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof StratException se) {
          return se;
        }
        if (c.getCause() == c) {
          break;
        }
      }
      return null;
    }

    private static String firstLine(String s) {
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }
  }

  /** Version from the build (pom version and git-free build stamp). */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"strat " + codeVersion(), "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()};
    }
  }

  /** The code version recorded in manifests. */
  public static String codeVersion() {
    Properties p = new Properties();
    try (InputStream in = Strat.class.getResourceAsStream("/strat-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (java.io.IOException ignored) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
