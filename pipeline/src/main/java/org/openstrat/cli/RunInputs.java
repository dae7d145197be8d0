package org.openstrat.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.JdbcIngest;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.publish.Manifest;
import org.openstrat.quality.QualityReport;
import org.openstrat.util.LogLines;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code strat run} reads (a folder with {@code --input}, or a warehouse with {@code
 * --sources}) and how its stderr is written ({@code --log-format}): kept beside {@link RunCommand}
 * so the command itself still reads as the nightly job's story.
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

  /** The manifest's {@code input} for a warehouse run: the file and the URL without credentials. */
  static Map<String, Object> describe(JdbcSources w) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("sources", w.file().toAbsolutePath().normalize().toString());
    m.put("url", w.safeUrl());
    return m;
  }

  /** The reader of the run's extracts: the folder, or the warehouse staged under {@code work}. */
  static Function<Set<Extract>, RawExtracts> reader(SparkSession spark, Path input,
      JdbcSources warehouse, Path work, PrintWriter progress) {
    if (warehouse == null) {
      return required -> Ingest.read(spark, input, required);
    }
    return required -> JdbcIngest.read(spark, warehouse, required, work, progress);
  }

  /** Per extract read from the warehouse: its source and rows read, in place of file hashes. */
  static void recordSources(Manifest m, JdbcSources w, QualityReport report) {
    for (Extract e : new TreeMap<>(w.sources()).keySet()) {
      QualityReport.ExtractCounts c = report.extracts().get(e);
      m.source(w.describe(e), c == null ? 0 : c.read());
    }
  }
}
