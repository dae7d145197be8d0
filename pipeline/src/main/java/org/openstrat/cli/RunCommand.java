package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.Register;
import org.openstrat.config.Settings;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.OutputLock;
import org.openstrat.features.LastAdmission;
import org.openstrat.publish.Presentation;
import org.openstrat.publish.Previous;
import org.openstrat.publish.Progress;
import org.openstrat.publish.Pseudonymiser;
import org.openstrat.publish.Publication;
import org.openstrat.publish.Publisher;
import org.openstrat.publish.WarehousePublisher;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.QualityReport;
import org.openstrat.quality.QualityWriter;
import org.openstrat.core.Reason;
import org.openstrat.rules.RuleSet;
import org.openstrat.scores.Scores;
import org.openstrat.spark.SparkSessions;
import org.openstrat.util.Folders;
import org.openstrat.util.LogLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strat run}: the nightly job. ingest -> quality -> population -> scores -> cohorts ->
 * publish, into OUTPUT/AS_OF/ made visible in one atomic step (see {@link Publication}).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the extracts in INPUT, checks them, scores every registered patient and publishes",
      "OUTPUT/AS_OF/: cohort/ (Parquet), cohort_csv/ (one CSV per PCN and per ICC, for Excel),",
      "register/ and register_csv/ (each PCN's and ICC's emergency admissions, discharges and",
      "A&E attendances since the previous publication),",
      "scores/ (pseudonymised, needs a key), summary/ (small numbers suppressed), quality/,",
      "manifest.json and _SUCCESS. Nothing is visible until everything is written and checked.",
      "The pseudonymisation key is read from --key-file, or the file named by",
      "STRAT_PSEUDO_KEY_FILE, or STRAT_PSEUDO_KEY; without one, scores/ is skipped with a warning."
    },
    footer = {
      "",
      "Example:",
      "  strat run --input sample-data --output out",
      "  strat run --sources /etc/strat/warehouse.properties --output /data/strat \\",
      "      --publish-jdbc --log-format json",
      "  STRAT_PSEUDO_KEY_FILE=/secure/strat.key strat run --input /data/extract --output /data/strat \\",
      "      --as-of 2025-03-31 --config strat.properties",
      "",
      "Exit codes: 3 config/rules, 4 input, 5 quality threshold, 6 publish check,",
      "7 another run holds OUTPUT/.lock (see README)."
    })
public final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExtractOptions extracts;

  @Mixin ConfigOptions configOptions;

  @Mixin RulesOption rulesOption;

  @Option(names = "--publish-jdbc",
      description = "Also write the cohort rows and summary to warehouse tables (needs --sources; swapped in one transaction after the folder is published), e.g. --sources wh.properties --publish-jdbc. Or publish.enabled=true in the file.")
  boolean publishJdbc;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "text (default: progress lines gain time= and run=) or json (one JSON object per line: timestamp, level, run_id, as_of, stage, rows_in, rows_out, seconds, message); default from STRAT_LOG_FORMAT. e.g. --log-format json")
  String logFormat;

  @Option(names = "--spark-ui",
      description = "Switch Spark's web UI on for this run (port 4040, or the next free one) to watch a long run; same as -Dspark.ui.enabled=true. e.g. --spark-ui")
  boolean sparkUi;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Publication root; the run publishes OUTPUT/AS_OF/.")
  Path output;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "File holding the pseudonymisation key for scores/ (never pass the key itself).")
  Path keyFile;

  /** The warehouse the run reads from (--sources), or null for --input. */
  private JdbcSources warehouse;

  @Override
  public Integer call() {
    Instant started = Instant.now(); // only for the run id and manifest timestamps
    String runId =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC).format(started)
            + "-" + HexFormat.of().formatHex(SecureRandom.getSeed(3));
    LogLines log = RunInputs.logLines(spec, logFormat, runId);
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    JdbcSources warehouse = extracts.warehouse(spec, publishJdbc);
    Path input = extracts.input;
    if (sparkUi) {
      System.setProperty("spark.ui.enabled", "true");
    }

    // Everything that can fail without Spark fails first.
    RunConfig rc = configOptions.load();
    Settings settings = rc.settings();
    QualityConfig qc = rc.quality();
    CohortConfig cc = rc.cohorts();
    String contact = rc.contact();
    int registerDays = rc.registerDays();
    RuleSet rules = rulesOption.load();
    Optional<Pseudonymiser> key = Pseudonymiser.resolve(keyFile, System.getenv());
    if (warehouse == null) {
      Ingest.checkInputFolder(input);
    }
    LocalDate extract = extracts.extractDate != null ? extracts.extractDate
        : warehouse != null ? warehouse.extractDate() : Ingest.extractDate(input);
    if (extract == null) {
      throw StratException.input(
          "Cannot read " + input.resolve(Ingest.PROPERTIES_FILE)
              + ": no extract_date=yyyy-MM-dd in it (or no such file); add it, or give --extract-date");
    }
    LocalDate scoreDate = extracts.asOf != null ? extracts.asOf : extract;
    if (scoreDate.isAfter(extract)) {
      throw new StratException(ExitCode.USAGE, "--as-of " + scoreDate + " is after the extract date "
          + extract + "; give a date on or before it (a run cannot score data it does not have)");
    }
    log.asOf(scoreDate.toString());

    Manifest m = new Manifest(runId);
    m.put("as_of", scoreDate.toString());
    m.put("extract_date", extract.toString());
    m.put("started_at", started.toString());
    m.put("code_version", Strat.codeVersion());
    m.put("input", warehouse == null ? input.toAbsolutePath().normalize().toString()
        : RunInputs.describe(warehouse));
    m.put("config", map("source", settings.source(), "sha256", Manifest.sha256(settings.asMap())));
    m.put("rules", map("dir", rules.dir().toString(), "sha256", rules.hash()));
    m.put("cohorts", cohortFacts(cc));
    m.put("admission_model", admissionModelFacts(rules));
    Progress progress = new Progress(err, m);

    // Locked before Spark starts and held to the end: a second run exits 7 at once and touches
    // nothing, and the recovery in Publication.begin cannot delete a live run's staging folder.
    try (OutputLock lock = OutputLock.acquire(output)) {
      this.warehouse = warehouse;
      return run(lock, settings, qc, cc, registerDays, rules, key, extract, scoreDate, runId, m, progress, out, err, contact);
    }
  }

  private Integer run(OutputLock lock, Settings settings, QualityConfig qc, CohortConfig cc,
      int registerDays, RuleSet rules, Optional<Pseudonymiser> key, LocalDate extract, LocalDate scoreDate,
      String runId, Manifest m, Progress progress, PrintWriter out, PrintWriter err, String contact) {
    SparkSession spark = SparkSessions.getOrCreate("strat run");
    Publication pub = Publication.begin(lock, scoreDate, runId);
    pub.leftAlone().forEach(n -> progress.warn("left alone in " + output + ": " + n));
    Dataset<Row> scores = null;
    try {
      long t = Progress.start();
      ValidateCommand.Result v =
          ValidateCommand.run(spark, RunInputs.reader(spark, extracts.input, warehouse, pub.work(), err),
              scoreDate, extract, qc, pub.staging(), pub.work(), Ingest.STAGE_MIN_BYTES,
              Previous.rows(output, scoreDate), err);
      QualityReport report = v.report();
      long read = report.extracts().values().stream().mapToLong(QualityReport.ExtractCounts::read).sum();
      progress.done("validate", read, report.population(), t);
      if (warehouse == null) {
        recordInputs(m, v, report);
      } else {
        RunInputs.recordSources(m, warehouse, report);
      }
      recordExclusions(m, report);
      if (!report.breaches().isEmpty()) {
        keepQualityReport(pub, runId, err);
        ValidateCommand.failOnBreach(report);
      }
      Publication.pause("validated");

      t = Progress.start();
      // Computed once and kept with its lineage cut (localCheckpoint): every later query (cohorts,
      // scores/, summary) then plans against a small scan, not the whole ingest-to-scores plan,
      // whose analysis and rendering dominated the fixed cost of each publish query.
      scores =
          Scores.compute(v.population(), v.validated().accepted(), scoreDate, rules)
              .localCheckpoint(true);
      long scored = scores.count();
      progress.done("scores", report.population(), scored, t);

      Dataset<Row> patients = v.validated().accepted().get(Extract.PATIENTS);
      Dataset<Row> deaths = patients == null ? null : patients.select(col("nhs_number"), col("date_of_death"));
      Map<String, String> practiceToPcn = new TreeMap<>();
      for (Row r : v.validated().practicePcn().select("practice_code", "pcn_code").collectAsList()) {
        practiceToPcn.put(r.getString(0), r.getString(1));
      }
      Optional<Pseudonymiser> planningKey = key;
      if (!qc.nationalOptOutExcludedFromPlanning()) {
        progress.warn("population.national_opt_out_planning_only=false: national opt-outs stay in scores/");
      }
      Publisher.Result res =
          Publisher.publish(
              new Publisher.Request(output, scoreDate, planningScores(scores, qc), deaths, cc,
                  practiceToPcn, planningKey, QualityWriter.REPORT_FILES,
                  presentation(rules, v, report, extract, scoreDate, contact),
                  new Publisher.Events(v.validated().accepted().get(Extract.APC_SPELLS),
                      v.validated().accepted().get(Extract.AE_ATTENDANCES), registerDays)),
              pub,
              progress);
      out.printf(
          Locale.ROOT,
          "published %s: %d cohort rows (%d PCN files, %d ICC files), %d left since the previous run, scores %s, run %s%n",
          res.publication(),
          res.cohort().cohortRows(),
          res.cohort().pcnFiles(),
          res.cohort().iccFiles(),
          res.cohort().leaverRows(),
          res.scoresRows() == null ? "skipped (no key)" : res.scoresRows() + " rows",
          runId);
      out.flush();
      if (warehouse != null && (publishJdbc || warehouse.publish())) {
        long tw = Progress.start();
        long rows = WarehousePublisher.publish(spark, warehouse, res.publication(), runId);
        progress.done("publish_jdbc", rows, rows, tw);
      }
      return ExitCode.OK;
    } catch (RuntimeException e) {
      pub.abandon();
      throw e;
    } finally {
      if (scores != null) {
        scores.unpersist();
      }
    }
  }

  /** Names, the last emergency admission and the sources, for the workbooks' title block. */
  private static Presentation presentation(RuleSet rules, ValidateCommand.Result v, QualityReport report,
      LocalDate extract, LocalDate asOf, String contact) {
    Dataset<Row> spells = v.validated().accepted().get(Extract.APC_SPELLS);
    List<String> sources = new java.util.ArrayList<>();
    report.extracts().forEach((e, c) -> sources.add(e.fileName() + ": " + c.accepted() + " rows accepted"
        + (c.latest() == null ? "" : ", latest record " + c.latest())));
    return Presentation.of(rules, spells == null ? null : LastAdmission.emergency(spells, asOf), extract,
        sources, contact);
  }

  /**
   * The scores table as publish receives it. National opt-outs are kept in the table (cohorts
   * are direct care) and dropped by the planning outputs; with the planning-only switch off, they
   * are marked as not opted out so that scores/ keeps them.
   */
  private static Dataset<Row> planningScores(Dataset<Row> scores, QualityConfig qc) {
    if (qc.nationalOptOutExcludedFromPlanning()) {
      return scores;
    }
    return scores.withColumn("national_opt_out", org.apache.spark.sql.functions.lit(false));
  }

  private void recordInputs(Manifest m, ValidateCommand.Result v, QualityReport report) {
    Path input = extracts.input;
    try {
      Path props = input.resolve(Ingest.PROPERTIES_FILE);
      if (Files.isRegularFile(props)) {
        m.input(input.relativize(props).toString(), Manifest.sha256(props), Files.size(props), null);
      }
      for (Map.Entry<Extract, List<Path>> e : new TreeMap<>(v.validated().raw().files()).entrySet()) {
        QualityReport.ExtractCounts c = report.extracts().get(e.getKey());
        Map<String, Long> perFile = new TreeMap<>();
        if (e.getValue().size() == 1 && c != null) {
          perFile.put(e.getValue().get(0).toString(), c.read());
        } else if (e.getValue().size() > 1) {
          // Several part files: one extra pass over this extract to count rows per file.
          for (Row r : v.validated().raw().raw().get(e.getKey())
              .groupBy(Ingest.SOURCE_FILE).count().collectAsList()) {
            perFile.put(r.getString(0), r.getLong(1));
          }
        }
        for (Path f : e.getValue().stream().sorted().toList()) {
          Long rows = lookup(perFile, f);
          m.input(input.toAbsolutePath().normalize().relativize(f.toAbsolutePath().normalize()).toString(),
              Manifest.sha256(f), Files.size(f), rows);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Long lookup(Map<String, Long> perFile, Path f) {
    for (Map.Entry<String, Long> e : perFile.entrySet()) {
      String k = e.getKey();
      if (k.equals(f.toString()) || k.endsWith("/" + f.getFileName()) || k.equals(f.toUri().toString())) {
        return e.getValue();
      }
    }
    return null;
  }

  private static void recordExclusions(Manifest m, QualityReport report) {
    report.exclusions().forEach((k, n) -> m.exclusion("population." + k, n));
    for (QualityReport.ExtractCounts c : report.extracts().values()) {
      for (Map.Entry<Reason, Long> e : c.rejected().entrySet()) {
        m.exclusion("rows." + e.getKey().name(), e.getValue());
      }
    }
  }

  /** On a quality breach nothing is published; the report is kept at OUTPUT/failed/RUNID/. */
  private void keepQualityReport(Publication pub, String runId, PrintWriter err) {
    try {
      if (Files.isSymbolicLink(output.resolve("failed"))) {
        err.println("strat: warning: " + output.resolve("failed")
            + " is a symbolic link; the failed run's quality report is not kept");
        return;
      }
      Path failed = output.resolve("failed").resolve(runId);
      Files.createDirectories(failed);
      Files.move(pub.staging().resolve("quality"), failed.resolve("quality"),
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      // Rejected raw rows: closed to other users like a publication.
      Folders.restrict(failed.getParent());
      err.println("strat: quality report of the failed run: " + failed.resolve("quality"));
    } catch (IOException e) {
      err.println("strat: warning: could not keep the quality report: " + e.getMessage());
    }
  }

  /**
   * The admission-risk model this run scores with and the evidence for it: the latest backtest of
   * the same model file under OUTPUT/backtest/ (its headline figures), or "not backtested".
   */
  private Map<String, Object> admissionModelFacts(RuleSet rules) {
    try {
      Map<String, Object> model = BacktestCommand.modelFacts(rules);
      model.put("backtest", org.openstrat.backtest.BacktestReport.latestFor(output,
          (String) model.get("sha256")));
      return model;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> cohortFacts(CohortConfig cc) {
    Map<String, Object> m = new LinkedHashMap<>();
    cc.definitions().forEach(
        d -> m.put(d.name(), map("rank_by", d.rankBy(),
            "top_percent", d.byCapacity() ? null : d.topPercent(),
            "top_n", d.topN(), "top_n_per_list", d.topNByGroup(),
            "per", d.levels().stream().map(l -> l.key()).toList(), "filter", d.filter())));
    m.put("risk_rise_days", cc.riskRiseDays());
    m.put("tie_salt_sha256", Manifest.sha256(Map.of("salt", cc.tieSalt())).substring(0, 8));
    return m;
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
