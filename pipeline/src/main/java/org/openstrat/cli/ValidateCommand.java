package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.pipeline.Extracts;
import org.openstrat.pipeline.NightlyRun;
import org.openstrat.pipeline.Stages;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.OutputLock;
import org.openstrat.publish.Progress;
import org.openstrat.quality.PreviousRows;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.QualityReport;
import org.openstrat.quality.QualityWriter;
import org.openstrat.spark.SparkSessions;
import org.openstrat.util.Folders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strat validate}: the nightly run up to the quality report (ingest, row checks, population,
 * quarantine), through {@link NightlyRun#validate}; publishes nothing.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Reads every extract in INPUT and checks each row against the extract contract.",
      "Writes rejected rows to OUTPUT/quality/rejected/EXTRACT/ and the reconciliation",
      "to OUTPUT/quality/report.json and report.csv. Exit 5 when a quality threshold",
      "is breached (the report says which); exit 4 when an extract is missing or has",
      "a bad header."
    },
    footer = {
      "",
      "Example:",
      "  strat validate --input sample-data --as-of 2025-03-31 \\",
      "      --output /tmp/strat-quality"
    })
public final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExtractOptions extracts;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output folder; quality/ is written under it.")
  Path output;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    JdbcSources warehouse = extracts.warehouse(spec, false);
    QualityConfig cfg = configOptions.load().quality();
    Extracts source = extracts.resolve(warehouse);
    OutputLock.checkCanWrite(output);
    SparkSession spark = SparkSessions.getOrCreate("strat validate");
    Path work = scratch(output);
    NightlyRun.Checked r;
    try (Stages stages = new Stages(new Progress(err, new Manifest("validate")))) {
      r = new NightlyRun(spark, stages, err).validate(source, cfg, output, work, PreviousRows.NONE);
    } finally {
      Folders.deleteQuietly(work);
    }
    restrict(QualityWriter.qualityDir(output));
    long read = 0;
    long accepted = 0;
    for (QualityReport.ExtractCounts c : r.report().extracts().values()) {
      read += c.read();
      accepted += c.accepted();
    }
    out.printf(
        Locale.ROOT,
        "validated %d extracts: %d rows read, %d accepted, %d rejected; population %d; report %s%n",
        r.report().extracts().size(),
        read,
        accepted,
        read - accepted,
        r.report().population(),
        QualityWriter.qualityDir(output).resolve("report.json"));
    out.flush();
    r.failOnBreach();
    return ExitCode.OK;
  }

  /** quality/ holds rejected raw rows: folders 0750, files 0640 (docs/operations.md). */
  private static void restrict(Path quality) {
    try {
      Folders.restrict(quality);
    } catch (java.io.IOException e) {
      throw StratException.publish("Cannot restrict the permissions of " + quality + ": " + e.getMessage());
    }
  }

  /**
   * A scratch folder under {@code output} for this process (big CSV extracts staged as Parquet);
   * the caller deletes it when done.
   */
  static Path scratch(Path output) {
    return output.resolve(".strat-work-" + ProcessHandle.current().pid());
  }
}
