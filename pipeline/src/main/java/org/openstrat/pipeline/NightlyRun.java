package org.openstrat.pipeline;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.core.StageLog;
import org.openstrat.core.StratException;
import org.openstrat.features.LastAdmission;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.publish.OutputLock;
import org.openstrat.publish.Presentation;
import org.openstrat.publish.Previous;
import org.openstrat.publish.Progress;
import org.openstrat.publish.Pseudonymiser;
import org.openstrat.publish.Publication;
import org.openstrat.publish.Publisher;
import org.openstrat.publish.WarehousePublisher;
import org.openstrat.quality.Population;
import org.openstrat.quality.PreviousRows;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.QualityReport;
import org.openstrat.quality.QualityWriter;
import org.openstrat.quality.Staging;
import org.openstrat.quality.Validate;
import org.openstrat.quality.Validated;
import org.openstrat.rules.RuleSet;
import org.openstrat.scores.Scores;
import org.openstrat.spark.Kept;
import org.openstrat.spark.SparkSessions;
import org.openstrat.util.Folders;

/**
 * The nightly run, top to bottom, in one place:
 *
 * <pre>
 * ingest -> quality -> population   {@link #validate}  (strat validate stops here)
 *        -> features -> scores      {@link #scores}    (strat score stops here)
 *        -> cohorts -> publish      {@link #publish}   (strat run: {@link #nightly})
 * </pre>
 *
 * Each stage is a function from the Datasets of the stage before; {@link Stages} wraps the timing,
 * progress line, manifest entry and cache around every one of them. The commands in {@code cli}
 * parse their options, resolve a {@link Request} and call in here; they assemble nothing.
 */
public final class NightlyRun {

  /**
   * What {@code strat run} is asked to do, resolved from the command line and config file before
   * Spark starts.
   *
   * @param contact who to contact, for the workbooks' title block (null when not set)
   * @param registerDays the admission register's window when there is no previous publication
   * @param key the pseudonymisation key for scores/; empty = scores/ skipped with a warning
   * @param publishJdbc also write the publication to the warehouse read from
   */
  public record Request(Extracts extracts, Path output, QualityConfig quality, CohortConfig cohorts,
      int registerDays, String contact, RuleSet rules, Optional<Pseudonymiser> key,
      boolean publishJdbc, String runId) {}

  /** What the first stages made: the checked extracts, the population and the quality report. */
  public record Checked(Validated validated, Dataset<Row> population, QualityReport report) {
    /** Rows read from every extract: what the validate stage took in. */
    public long rowsRead() {
      return report.extracts().values().stream().mapToLong(QualityReport.ExtractCounts::read).sum();
    }

    /** Exit 5 naming the first breach (all are in the report) when any threshold is breached. */
    public void failOnBreach() {
      NightlyRun.failOnBreach(report);
    }
  }

  private final SparkSession spark;
  private final Stages stages;
  private final PrintWriter err;

  /** A run's stages on {@code spark}, wrapped by {@code stages}, with notes to {@code err}. */
  public NightlyRun(SparkSession spark, Stages stages, PrintWriter err) {
    this.spark = spark;
    this.stages = stages;
    this.err = err;
  }

  /**
   * {@code strat run}: the whole story into OUTPUT/AS_OF/, made visible in one atomic step. The
   * caller holds the output lock and has written the run's facts to the manifest; on any failure
   * the publication is abandoned and nothing is visible.
   */
  public static Publisher.Result nightly(Request r, OutputLock lock, Progress progress,
      PrintWriter out, PrintWriter err) {
    SparkSession spark = SparkSessions.getOrCreate("strat run");
    LocalDate asOf = r.extracts().asOf();
    Publication pub = Publication.begin(lock, asOf, r.runId());
    pub.leftAlone().forEach(n -> progress.warn("left alone in " + r.output() + ": " + n));
    try (Stages stages = new Stages(progress)) {
      NightlyRun run = new NightlyRun(spark, stages, err);
      Checked checked = run.validate(r.extracts(), r.quality(), pub.staging(), pub.work(),
          Previous.rows(r.output(), asOf));
      RunFacts.record(progress.manifest(), r.extracts(), checked);
      if (!checked.report().breaches().isEmpty()) {
        keepQualityReport(r.output(), pub, r.runId(), err);
        checked.failOnBreach();
      }
      Publication.pause("validated");
      Dataset<Row> scores = run.scores(checked, r.rules());
      Publisher.Result published = run.publish(r, checked, scores, pub);
      out.printf(
          Locale.ROOT,
          "published %s: %d cohort rows (%d PCN files, %d ICC files), %d left since the previous run, scores %s, run %s%n",
          published.publication(),
          published.cohort().cohortRows(),
          published.cohort().pcnFiles(),
          published.cohort().iccFiles(),
          published.cohort().leaverRows(),
          published.scoresRows() == null ? "skipped (no key)" : published.scoresRows() + " rows",
          r.runId());
      out.flush();
      run.publishToWarehouse(r, published);
      return published;
    } catch (RuntimeException e) {
      pub.abandon();
      throw e;
    }
  }

  /**
   * ingest -> quality -> population, as the stage {@code validate}: writes the quality report
   * under {@code output} and returns without failing on a breach (see {@link Checked#failOnBreach}).
   *
   * @param work the scratch folder big CSV extracts are staged in, or null (see {@link #check})
   */
  public Checked validate(Extracts extracts, QualityConfig cfg, Path output, Path work,
      PreviousRows previous) {
    return stages.run("validate",
        () -> check(spark, extracts, cfg, output, work, Ingest.STAGE_MIN_BYTES, previous, err,
            stages.progress().within("validate")),
        Checked::rowsRead, c -> c.report().population());
  }

  /**
   * features -> scores, as the stage {@code scores}: computed once and kept with its lineage cut
   * (localCheckpoint), so that every later query (cohorts, scores/, summary) plans against a small
   * scan, not the whole ingest-to-scores plan, whose analysis and rendering dominated the fixed
   * cost of each publish query. Released when the run is closed.
   */
  public Dataset<Row> scores(Checked checked, RuleSet rules) {
    return stages.run("scores",
        () -> stages.keep(Scores.compute(checked.population(), checked.validated().accepted(),
            checked.validated().asOf(), rules).localCheckpoint(true)),
        s -> checked.report().population(), Dataset::count);
  }

  /**
   * cohorts -> publish: {@link Publisher#publish} makes the cohorts and writes, checks and commits
   * the publication, each of its stages reported through the same {@link Progress}.
   */
  public Publisher.Result publish(Request r, Checked checked, Dataset<Row> scores,
      Publication pub) {
    Map<Extract, Dataset<Row>> accepted = checked.validated().accepted();
    Dataset<Row> patients = accepted.get(Extract.PATIENTS);
    Dataset<Row> deaths = patients == null ? null : patients.select(col("nhs_number"), col("date_of_death"));
    Map<String, String> practiceToPcn = new TreeMap<>();
    for (Row row : checked.validated().practicePcn().select("practice_code", "pcn_code").collectAsList()) {
      practiceToPcn.put(row.getString(0), row.getString(1));
    }
    if (!r.quality().nationalOptOutExcludedFromPlanning()) {
      stages.progress().warn(
          "population.national_opt_out_planning_only=false: national opt-outs stay in scores/");
    }
    return Publisher.publish(
        new Publisher.Request(r.output(), r.extracts().asOf(), planningScores(scores, r.quality()),
            deaths, r.cohorts(), practiceToPcn, r.key(), QualityWriter.REPORT_FILES,
            presentation(r, checked),
            new Publisher.Events(accepted.get(Extract.APC_SPELLS),
                accepted.get(Extract.AE_ATTENDANCES), r.registerDays())),
        pub,
        stages.progress());
  }

  /** The published cohort rows and summary copied to the warehouse, when asked to. */
  private void publishToWarehouse(Request r, Publisher.Result published) {
    if (r.extracts().warehouse() != null && (r.publishJdbc() || r.extracts().warehouse().publish())) {
      stages.run("publish_jdbc",
          () -> WarehousePublisher.publish(spark, r.extracts().warehouse(), published.publication(),
              r.runId()),
          rows -> rows, rows -> rows);
    }
  }

  /**
   * The first stages, composed: ingest, validate, population, report, quarantine; writes
   * OUTPUT/quality/ and returns without failing on a breach. The parts with row counts (each
   * extract's checks, the population) report to {@code parts}, which in a run also puts them in
   * the manifest; the ingest, stage_csv, label_large and hold_population lines go to {@code
   * progress} only.
   *
   * @param work scratch folder where CSV extracts are staged as Parquet (see {@link
   *     Ingest#stageCsv}); null to read them as text every time. Its files are read until the
   *     caller's last use of the result; the caller deletes it.
   * @param stageMinBytes the size from which a CSV extract is staged: {@link
   *     Ingest#STAGE_MIN_BYTES}, or 0 for all of them
   * @param previous the previous publication's rows per extract (strat run), or {@link
   *     PreviousRows#NONE}
   * @param parts where each extract's checks and the population report themselves
   */
  public static Checked check(
      SparkSession spark,
      Extracts extracts,
      QualityConfig cfg,
      Path output,
      Path work,
      long stageMinBytes,
      PreviousRows previous,
      PrintWriter progress,
      StageLog parts) {
    long t0 = System.nanoTime();
    Set<Extract> required = EnumSet.copyOf(cfg.requiredExtracts());
    RawExtracts read = extracts.reader(spark, work, progress).apply(required);
    LocalDate extractDate = extracts.extractDate();
    LocalDate scoreDate = extracts.asOf();
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
    // The population feeds the report and, in strat run, the scores: held (Kept), so that the
    // queries reading it scan it instead of carrying (and rendering as text) the cached plans
    // it was built from. Its joins run here: timed, as label_large is.
    long t3 = System.nanoTime();
    Dataset<Row> population = Kept.of(Population.build(v, scoreDate, cfg));
    progress.printf(Locale.ROOT, "stage hold_population seconds=%.1f%n",
        (System.nanoTime() - t3) / 1e9);
    progress.flush();
    QualityReport report = QualityReport.compute(v, population, parts, output, previous);
    for (QualityReport.Breach w : report.warnings()) {
      progress.println("strat: warning: " + w.message() + " (on_incomplete=warn)");
    }
    progress.flush();
    QualityWriter.writeReport(report, output);
    return new Checked(v, population, report);
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

  /** Names, the last emergency admission and the sources, for the workbooks' title block. */
  private static Presentation presentation(Request r, Checked checked) {
    Dataset<Row> spells = checked.validated().accepted().get(Extract.APC_SPELLS);
    List<String> sources = new ArrayList<>();
    checked.report().extracts().forEach((e, c) -> sources.add(e.fileName() + ": " + c.accepted()
        + " rows accepted" + (c.latest() == null ? "" : ", latest record " + c.latest())));
    LocalDate asOf = r.extracts().asOf();
    return Presentation.of(r.rules(), spells == null ? null : LastAdmission.emergency(spells, asOf),
        r.extracts().extractDate(), sources, r.contact());
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
    return scores.withColumn("national_opt_out", functions.lit(false));
  }

  /** On a quality breach nothing is published; the report is kept at OUTPUT/failed/RUNID/. */
  private static void keepQualityReport(Path output, Publication pub, String runId,
      PrintWriter err) {
    try {
      if (Files.isSymbolicLink(output.resolve("failed"))) {
        err.println("strat: warning: " + output.resolve("failed")
            + " is a symbolic link; the failed run's quality report is not kept");
        return;
      }
      Path failed = output.resolve("failed").resolve(runId);
      Files.createDirectories(failed);
      Files.move(pub.staging().resolve("quality"), failed.resolve("quality"),
          StandardCopyOption.ATOMIC_MOVE);
      // Rejected raw rows: closed to other users like a publication.
      Folders.restrict(failed.getParent());
      err.println("strat: quality report of the failed run: " + failed.resolve("quality"));
    } catch (IOException e) {
      err.println("strat: warning: could not keep the quality report: " + e.getMessage());
    }
  }
}
