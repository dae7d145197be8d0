package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.publish.OutputLock;
import org.openstrat.quality.Population;
import org.openstrat.quality.PreviousRows;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.QualityReport;
import org.openstrat.quality.QualityWriter;
import org.openstrat.quality.Staging;
import org.openstrat.quality.Validate;
import org.openstrat.quality.Validated;
import org.openstrat.spark.SparkSessions;
import org.openstrat.util.Folders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strat validate}: ingest, row checks, quarantine and the quality report, alone. */
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
    if (warehouse == null) {
      Ingest.checkInputFolder(extracts.input);
    }
    OutputLock.checkCanWrite(output);
    SparkSession spark = SparkSessions.getOrCreate("strat validate");
    Path work = scratch(output);
    Result r;
    try {
      r = run(spark, RunInputs.reader(spark, extracts.input, warehouse, work, err), extracts.asOf,
          extracts.extractDate, cfg, output, work, Ingest.STAGE_MIN_BYTES, PreviousRows.NONE, err);
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
    failOnBreach(r.report());
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

  /** What {@link #run} produced. */
  public record Result(Validated validated, Dataset<Row> population, QualityReport report) {}

  /** {@link #run} without a previous publication (the row-drop completeness rule is skipped). */
  public static Result run(
      SparkSession spark,
      Path input,
      LocalDate asOf,
      LocalDate extractDateOverride,
      QualityConfig cfg,
      Path output,
      Path work,
      long stageMinBytes,
      PrintWriter progress) {
    return run(spark, input, asOf, extractDateOverride, cfg, output, work, stageMinBytes,
        PreviousRows.NONE, progress);
  }

  /**
   * The first stages of a run, composed: ingest, validate, population, report, quarantine. Used by
   * {@code strat validate} and reusable by {@code strat run}. Writes OUTPUT/quality/ and returns
   * without failing on a breach (call {@link #failOnBreach}).
   *
   * @param work scratch folder where CSV extracts are staged as Parquet (see {@link
   *     Ingest#stageCsv}); null to read them as text every time. Its files are read until the
   *     caller's last use of the result; the caller deletes it.
   * @param stageMinBytes the size from which a CSV extract is staged: {@link
   *     Ingest#STAGE_MIN_BYTES}, or 0 for all of them
   * @param previous the previous publication's rows per extract (strat run), or {@link
   *     PreviousRows#NONE}
   */
  public static Result run(
      SparkSession spark,
      Path input,
      LocalDate asOf,
      LocalDate extractDateOverride,
      QualityConfig cfg,
      Path output,
      Path work,
      long stageMinBytes,
      PreviousRows previous,
      PrintWriter progress) {
    return run(spark, required -> Ingest.read(spark, input, required), asOf, extractDateOverride,
        cfg, output, work, stageMinBytes, previous, progress);
  }

  /**
   * {@link #run} over extracts from any reader: a folder ({@link Ingest#read}) or a warehouse
   * ({@link org.openstrat.ingest.JdbcIngest#read}); {@code reader} is given the required extracts.
   */
  public static Result run(
      SparkSession spark,
      Function<Set<Extract>, RawExtracts> reader,
      LocalDate asOf,
      LocalDate extractDateOverride,
      QualityConfig cfg,
      Path output,
      Path work,
      long stageMinBytes,
      PreviousRows previous,
      PrintWriter progress) {
    long t0 = System.nanoTime();
    Set<Extract> required = EnumSet.copyOf(cfg.requiredExtracts());
    RawExtracts read = reader.apply(required);
    LocalDate extractDate = extractDateOverride != null ? extractDateOverride : read.extractDate();
    if (extractDate == null) {
      throw StratException.input(
          "Cannot read " + read.inputDir().resolve(Ingest.PROPERTIES_FILE)
              + ": no extract_date=yyyy-MM-dd in it (or no such file); add it, or give --extract-date");
    }
    LocalDate scoreDate = asOf != null ? asOf : extractDate;
    progress.printf(
        Locale.ROOT,
        "stage ingest extracts=%d files_ignored=%d seconds=%.1f%n",
        read.raw().size(),
        read.ignoredFiles().size(),
        (System.nanoTime() - t0) / 1e9);
    progress.flush();
    RawExtracts raw = read;
    if (work != null) {
      long t1 = System.nanoTime();
      raw = Ingest.stageCsv(spark, read, work, stageMinBytes);
      if (!raw.staged().isEmpty()) {
        long rows = 0;
        for (Extract e : raw.staged()) {
          rows += raw.raw().get(e).count(); // from the Parquet footers
        }
        progress.printf(
            Locale.ROOT,
            "stage stage_csv extracts=%d rows_in=%d rows_out=%d seconds=%.1f%n",
            raw.staged().size(),
            rows,
            rows,
            (System.nanoTime() - t1) / 1e9);
        progress.flush();
      }
    }
    Validated v = Validate.apply(raw, scoreDate, extractDate, cfg);
    if (work != null) {
      // The GP extracts labelled once, to the scratch folder: counts, quarantine and scores
      // read that narrow copy rather than checking every row again.
      long t2 = System.nanoTime();
      v = Staging.stageLarge(v, work);
      progress.printf(Locale.ROOT, "stage label_large extracts=%d seconds=%.1f%n",
          v.labelled().keySet().stream().filter(Validate::isLarge).count(),
          (System.nanoTime() - t2) / 1e9);
      progress.flush();
    }
    // The labelled extracts are cached: labels (counts, quarantine, linkage) and accepted rows
    // (population, scores) are both projections of them, so each extract's row checks and
    // duplicate-check shuffle run once. Kept until the JVM ends: strat run scores from them.
    // Not the GP extracts (95% of the rows): they are staged above (or, without a scratch
    // folder, labelled again where used: a map-only plan after Validate's pre-passes).
    for (Map.Entry<Extract, Dataset<Row>> l : v.labelled().entrySet()) {
      if (!Validate.isLarge(l.getKey())) {
        l.getValue().persist(StorageLevel.MEMORY_AND_DISK());
      }
    }
    // Patients feed both the exclusion counts and the population; apc_spells' episode merge (a
    // shuffle) feeds the report's spell count and the scores: both kept.
    v.accepted().get(Extract.PATIENTS).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> apc = v.accepted().get(Extract.APC_SPELLS);
    if (apc != null) {
      apc.persist(StorageLevel.MEMORY_AND_DISK());
    }
    // The population feeds the report and, in strat run, the scores.
    Dataset<Row> population =
        Population.build(v, scoreDate, cfg).persist(StorageLevel.MEMORY_AND_DISK());
    QualityReport report = QualityReport.compute(v, population, progress, output, previous);
    for (QualityReport.Breach w : report.warnings()) {
      progress.println("strat: warning: " + w.message() + " (on_incomplete=warn)");
    }
    progress.flush();
    QualityWriter.writeReport(report, output);
    return new Result(v, population, report);
  }

  /** Exit 5 naming the first breach (all are in the report) when any threshold is breached. */
  public static void failOnBreach(QualityReport report) {
    if (!report.breaches().isEmpty()) {
      int n = report.breaches().size();
      throw StratException.quality(
          "Quality threshold breached: " + report.breaches().get(0).message()
              + (n > 1 ? " (and " + (n - 1) + " more in quality/report.json)" : ""));
    }
  }
}
