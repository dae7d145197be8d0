package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.quality.PreviousRows;
import org.openstrat.quality.QualityConfig;
import org.openstrat.rules.RuleSet;
import org.openstrat.scores.Scores;
import org.openstrat.spark.SparkSessions;
import org.openstrat.util.Folders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strat score}: ingest, validate, population and the scores stage, then a summary of how
 * many patients fall in each eFI category, HFRS band and admission-risk band (counts only, never a
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
    SparkSession spark = SparkSessions.getOrCreate("strat score");
    Path work = ValidateCommand.scratch(output);
    try {
      return score(spark, RunInputs.reader(spark, extracts.input, warehouse, work, err), ruleSet,
          cfg, work, out, err);
    } finally {
      Folders.deleteQuietly(work);
    }
  }

  private Integer score(
      SparkSession spark, Function<Set<Extract>, RawExtracts> reader, RuleSet ruleSet,
      QualityConfig cfg, Path work, PrintWriter out,
      PrintWriter err) {
    ValidateCommand.Result r =
        ValidateCommand.run(spark, reader, extracts.asOf, extracts.extractDate, cfg, output, work,
            Ingest.STAGE_MIN_BYTES, PreviousRows.NONE, err);
    ValidateCommand.failOnBreach(r.report());
    LocalDate scoreDate = r.validated().asOf();

    // Validation is lazy: materialise the accepted extracts and the population first, so the
    // scores line times the scores stage alone and not the re-validation of its inputs.
    long ta = System.nanoTime();
    Map<Extract, Dataset<Row>> accepted = new EnumMap<>(Extract.class);
    long acceptedRows = 0;
    for (Map.Entry<Extract, Dataset<Row>> e : r.validated().accepted().entrySet()) {
      Dataset<Row> d = e.getValue().persist(StorageLevel.MEMORY_AND_DISK());
      acceptedRows += d.count();
      accepted.put(e.getKey(), d);
    }
    Dataset<Row> population = r.population().persist(StorageLevel.MEMORY_AND_DISK());
    long rowsIn = population.count();
    err.printf(Locale.ROOT, "stage accepted rows_in=%d rows_out=%d seconds=%.1f%n", acceptedRows,
        rowsIn, (System.nanoTime() - ta) / 1e9);
    err.flush();

    long t0 = System.nanoTime();
    Dataset<Row> scores =
        Scores.compute(population, accepted, scoreDate, ruleSet)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long rowsOut = scores.count();
    err.printf(Locale.ROOT, "stage scores rows_in=%d rows_out=%d seconds=%.1f%n", rowsIn, rowsOut,
        (System.nanoTime() - t0) / 1e9);
    err.flush();

    out.printf(Locale.ROOT, "scored %d patients as of %s (rules %s)%n", rowsOut, scoreDate,
        ruleSet.hash().substring(0, Math.min(12, ruleSet.hash().length())));
    for (String column : List.of("efi_category", "hfrs_band", "admission_risk_band")) {
      StringBuilder line = new StringBuilder(column).append(':');
      for (Row row : scores.groupBy(column).count().orderBy(col(column)).collectAsList()) {
        line.append(' ').append(row.getString(0)).append('=').append(row.getLong(1));
      }
      out.println(line);
    }
    out.flush();
    scores.unpersist();
    population.unpersist();
    accepted.values().forEach(Dataset::unpersist);
    return ExitCode.OK;
  }
}
