package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.pipeline.Extracts;
import org.openstrat.pipeline.NightlyRun;
import org.openstrat.pipeline.Stages;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.Progress;
import org.openstrat.quality.PreviousRows;
import org.openstrat.quality.QualityConfig;
import org.openstrat.rules.RuleSet;
import org.openstrat.spark.SparkSessions;
import org.openstrat.util.Folders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strat score}: the nightly run up to the scores ({@link NightlyRun#scores}), then a
 * summary of how many patients fall in each eFI category, HFRS band and admission-risk band (counts only, never a
 * patient row). For checking the scores on an extract and for timing the stage (scripts/bench.d);
 * {@code strat run} publishes the scores.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores every patient in the population of INPUT as of a date (eFI, HFRS, multimorbidity,",
      "emergency-admission risk) and prints how many fall in each category and band. Writes the",
      "quality report to OUTPUT/quality/ like strat validate; publishes nothing."
    },
    footer = {
      "",
      "Example:",
      "  strat score --input sample-data --as-of 2025-03-31 --output /tmp/strat-score"
    })
public final class ScoreCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExtractOptions extracts;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output folder; quality/ is written under it.")
  Path output;

  @Mixin ConfigOptions configOptions;

  @Mixin RulesOption rulesOption;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    JdbcSources warehouse = extracts.warehouse(spec, false);
    RuleSet ruleSet = rulesOption.load();
    QualityConfig cfg = configOptions.load().quality();
    Extracts source = extracts.resolve(warehouse);
    SparkSession spark = SparkSessions.getOrCreate("strat score");
    Path work = ValidateCommand.scratch(output);
    try (Stages stages = new Stages(new Progress(err, new Manifest("score")))) {
      NightlyRun run = new NightlyRun(spark, stages, err);
      NightlyRun.Checked checked = run.validate(source, cfg, output, work, PreviousRows.NONE);
      checked.failOnBreach();
      // Validation is lazy: materialise the accepted extracts and the population first, so the
      // scores line times the scores stage alone and not the re-validation of its inputs.
      stages.run("accepted", () -> keepInputs(stages, checked), ScoreCommand::acceptedRows,
          c -> c.population().count());
      Dataset<Row> scores = run.scores(checked, ruleSet);
      summarise(scores, source.asOf(), ruleSet, out);
      return ExitCode.OK;
    } finally {
      Folders.deleteQuietly(work);
    }
  }

  /**
   * The accepted extracts, cached, and the population, held by validation: released when the
   * command is done.
   */
  private static NightlyRun.Checked keepInputs(Stages stages, NightlyRun.Checked checked) {
    checked.validated().accepted().values()
        .forEach(d -> stages.keep(d.persist(StorageLevel.MEMORY_AND_DISK())));
    stages.keep(checked.population());
    return checked;
  }

  private static long acceptedRows(NightlyRun.Checked checked) {
    long rows = 0;
    for (Dataset<Row> d : checked.validated().accepted().values()) {
      rows += d.count();
    }
    return rows;
  }

  /** How many patients fall in each category and band: counts only, never a patient row. */
  private static void summarise(Dataset<Row> scores, LocalDate asOf, RuleSet ruleSet,
      PrintWriter out) {
    out.printf(Locale.ROOT, "scored %d patients as of %s (rules %s)%n", scores.count(), asOf,
        ruleSet.hash().substring(0, Math.min(12, ruleSet.hash().length())));
    for (String column : List.of("efi_category", "hfrs_band", "admission_risk_band")) {
      StringBuilder line = new StringBuilder(column).append(':');
      for (Row row : scores.groupBy(column).count().orderBy(col(column)).collectAsList()) {
        line.append(' ').append(row.getString(0)).append('=').append(row.getLong(1));
      }
      out.println(line);
    }
    out.flush();
  }
}
