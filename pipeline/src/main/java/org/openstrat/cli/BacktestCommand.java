package org.openstrat.cli;

import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.backtest.BacktestReport;
import org.openstrat.backtest.CandidateModel;
import org.openstrat.backtest.Evaluation;
import org.openstrat.backtest.ModelFit;
import org.openstrat.backtest.Outcomes;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.config.Settings;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.pipeline.Extracts;
import org.openstrat.pipeline.NightlyRun;
import org.openstrat.quality.PreviousRows;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.Progress;
import org.openstrat.quality.QualityConfig;
import org.openstrat.quality.QualityReport;
import org.openstrat.rules.AdmissionModel;
import org.openstrat.rules.RuleSet;
import org.openstrat.scores.AdmissionRisk;
import org.openstrat.scores.Scores;
import org.openstrat.spark.Kept;
import org.openstrat.spark.SparkSessions;
import org.openstrat.util.Folders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strat backtest}: scores the population as it stood on an earlier date, with the code path
 * of {@code strat run} and only the data dated on or before it, then counts what happened in the
 * horizon after it, and reports how well each score found the people who went on to be admitted
 * (docs/backtest.md). With {@code --fit}, also re-fits the admission-risk model on local outcomes
 * and writes it as a candidate beside the report.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Scores every patient as of AS_OF (default: the extract date minus the",
      "horizon) exactly as strat run would have then, observes emergency",
      "admissions, A&E attendances and deaths in the horizon after it, and writes",
      "OUTPUT/backtest/AS_OF/: report.json and CSV tables (AUROC with a 95%%",
      "interval; PPV, sensitivity and lift of the top 3, 5 and 10%%; Brier score;",
      "calibration by decile, intercept and slope), overall and per PCN and ICC,",
      "small numbers suppressed.",
      "--fit re-fits the admission-risk model on local outcomes (validated out of",
      "time with two horizons of history, else by patient folds) and writes",
      "candidate-model.csv beside the report; it never changes rules/ itself."
    },
    footer = {
      "",
      "Example:",
      "  strat backtest --input sample-data --output out",
      "  strat backtest --input /data/extract --output /data/strat --fit",
      "",
      "Exit codes: 2 dates (a horizon past the extract date, an as-of without the",
      "scores' look-back), 3 config/rules, 4 input, 5 quality threshold or no",
      "outcomes at all in the horizon (see README and docs/backtest.md)."
    })
public final class BacktestCommand implements Callable<Integer> {

  /** The longest look-back a score needs: HFRS counts diagnoses over the 2 years to the as-of date. */
  public static final int LOOK_BACK_MONTHS = 24;

  /** A feed's first month is often part-filled: data starting up to this many days late is accepted. */
  static final int LOOK_BACK_GRACE_DAYS = 31;

  static final int FOLDS = 5;

  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "DIR", description = "Extract folder.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output root; the backtest is written to OUTPUT/backtest/AS_OF/.")
  Path output;

  @Option(names = "--as-of", paramLabel = "DATE",
      description = "Scoring date yyyy-MM-dd (default: the extract date minus the horizon).")
  LocalDate asOf;

  @Option(names = "--horizon", paramLabel = "MONTHS", defaultValue = "12",
      description = "Months after the as-of date in which outcomes are counted (default ${DEFAULT-VALUE}).")
  int horizon;

  @Option(names = "--extract-date", paramLabel = "DATE",
      description = "Overrides extract_date in INPUT/extract.properties.")
  LocalDate extractDate;

  @Mixin ConfigOptions configOptions;

  @Mixin RulesOption rulesOption;

  @Option(names = "--fit",
      description = "Also re-fit the admission-risk model on local outcomes; writes candidate-model.csv.")
  boolean fit;

  @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0.001",
      description = "L2 regularisation of --fit on standardised terms (default ${DEFAULT-VALUE}).")
  double l2;

  private PrintWriter err;
  private Progress progress;
  private LocalDate extract;
  private QualityConfig qc;
  private RuleSet rules;

  @Override
  public Integer call() {
    err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    RunConfig rc = configOptions.load();
    Settings settings = rc.settings();
    qc = rc.quality();
    CohortConfig cc = rc.cohorts();
    rules = rulesOption.load();
    if (horizon < 1 || horizon > 60) {
      throw new StratException(ExitCode.USAGE, "--horizon " + horizon + " must be 1 to 60 months");
    }
    if (fit && !(l2 >= 0 && l2 < 100)) {
      throw new StratException(ExitCode.USAGE, "--l2 " + l2 + " must be 0 or more (and under 100)");
    }
    if (!Files.isDirectory(input)) {
      throw StratException.input("Cannot read input " + input + ": no such folder");
    }
    extract = extractDate != null ? extractDate : Ingest.extractDate(input);
    if (extract == null) {
      throw StratException.input("Cannot read " + input.resolve(Ingest.PROPERTIES_FILE)
          + ": no extract_date (give --extract-date)");
    }
    LocalDate at = asOf != null ? asOf : extract.minusMonths(horizon);
    LocalDate end = at.plusMonths(horizon);
    if (end.isAfter(extract)) {
      throw new StratException(ExitCode.USAGE, "--horizon " + horizon + " from as-of " + at
          + " runs to " + end + ", past the extract date " + extract
          + ": outcomes after it are not in the data (use an as-of on or before "
          + extract.minusMonths(horizon) + ")");
    }

    // Held like strat run's: a run on the same OUTPUT (whose recovery cleans scratch folders)
    // and a second backtest wait their turn with exit 7.
    try (org.openstrat.publish.OutputLock lock = org.openstrat.publish.OutputLock.acquire(output)) {
      return backtest(at, end, cc, out);
    }
  }

  private Integer backtest(LocalDate at, LocalDate end, CohortConfig cc, PrintWriter out) {
    Path root = output.resolve("backtest");
    Path staging = root.resolve(".staging-" + at + "-" + ProcessHandle.current().pid());
    Path work = ValidateCommand.scratch(output);
    Manifest m = new Manifest("backtest-" + at + "-" + ProcessHandle.current().pid());
    progress = new Progress(err, m);
    SparkSession spark = SparkSessions.getOrCreate("strat backtest");
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      Files.createDirectories(staging);
      Frame validation = frame(spark, at, end, staging, work, "");
      long t = Progress.start();
      Evaluation published = Evaluation.of(validation.data(), cc.tieSalt());
      progress.done("metrics", published.patients(), published.auroc().size(), t);
      long outcomes = published.events().get(Outcomes.EMERGENCY_ADMISSION)
          + published.events().get(Outcomes.AE_ATTENDANCE);
      if (outcomes == 0) {
        throw StratException.quality("No emergency admission or A&E attendance between " + at
            + " and " + end + " in " + input + ": the hospital extracts hold no outcomes to judge"
            + " the scores by (an empty or truncated apc_spells / ae_attendances feed?)");
      }
      Map<String, Object> fitFacts = null;
      if (fit) {
        fitFacts = fit(spark, validation, published, cc, staging, work, cached);
      }
      Map<String, Object> facts = facts(at, end);
      BacktestReport.write(staging, facts, published, fitFacts);
      m.put("as_of", at.toString());
      m.put("horizon_months", horizon);
      m.put("extract_date", extract.toString());
      m.put("code_version", Strat.codeVersion());
      Map<String, Object> ruleFacts = new LinkedHashMap<>();
      ruleFacts.put("dir", rules.dir().toString());
      ruleFacts.put("sha256", rules.hash());
      m.put("rules", ruleFacts);
      m.write(staging);
      Path done = publish(root, staging, at);
      out.printf(Locale.ROOT, "backtest as of %s (outcomes to %s): %s%n", at, end,
          summary(published));
      out.printf(Locale.ROOT, "written %s%n", done);
      out.flush();
      return ExitCode.OK;
    } catch (IOException e) {
      Folders.deleteQuietly(staging);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      Folders.deleteQuietly(staging);
      throw e;
    } finally {
      cached.forEach(Dataset::unpersist);
      // What validation cached for the run it composes (kept there until the JVM ends) is not
      // needed once the frames are written: released, so a JVM that goes on (tests, a driver
      // shared by several jobs) does not keep two validations' extracts in memory.
      spark.catalog().clearCache();
      Folders.deleteQuietly(work);
    }
  }

  /** One as-of: the scored population with its outcomes, and the earliest hospital date seen. */
  record Frame(LocalDate asOf, LocalDate end, Dataset<Row> data, LocalDate hospitalFrom) {}

  /**
   * Validates the extracts and scores them as of {@code at} exactly as {@code strat run} does,
   * then adds the outcomes in (at, end]. The quality report goes to {@code dir/quality}, or
   * {@code dir/train/quality} for the training year ({@code suffix} "-train").
   */
  private Frame frame(SparkSession spark, LocalDate at, LocalDate end, Path dir, Path work,
      String suffix) {
    long t = Progress.start();
    NightlyRun.Checked v =
        NightlyRun.check(spark, new Extracts(input, null, extract, at), qc,
            suffix.isEmpty() ? dir : dir.resolve(suffix.substring(1)), work,
            Ingest.STAGE_MIN_BYTES, PreviousRows.NONE, err, progress.within("validate" + suffix));
    QualityReport report = v.report();
    long read = report.extracts().values().stream().mapToLong(QualityReport.ExtractCounts::read).sum();
    progress.done("validate" + suffix, read, report.population(), t);
    v.failOnBreach();
    LocalDate from = hospitalFrom(v);
    requireLookBack(at, from);

    t = Progress.start();
    Map<Extract, Dataset<Row>> accepted = v.validated().accepted();
    Dataset<Row> scored = Scores.scored(v.population(), accepted, at, rules);
    Dataset<Row> outcomes = Outcomes.observe(v.population(), accepted, at, end);
    // Written once to the scratch folder and read back: every metric reads this small table,
    // not the scores stage's plan again (whose text alone, repeated in each metric's plan, would
    // fill the driver's heap).
    Path file = work.resolve("backtest-frame-" + at);
    scored.join(outcomes, new String[] {"nhs_number"})
        .select(frameColumns(scored, rules.admissionModel()))
        .write().mode(org.apache.spark.sql.SaveMode.Overwrite).parquet(file.toString());
    Dataset<Row> data = spark.read().parquet(file.toString());
    long n = data.count();
    release(v);
    progress.done("scores_and_outcomes" + suffix, report.population(), n, t);
    return new Frame(at, end, data, from);
  }

  /** Unpersists what {@link NightlyRun#check} cached: the frame no longer reads it. */
  private static void release(NightlyRun.Checked v) {
    v.validated().labelled().values().forEach(Kept::release);
    v.validated().accepted().values().forEach(Kept::release);
    v.validated().practicePcn().unpersist();
    Kept.release(v.population());
  }

  /**
   * The columns a backtest reads: the lists, the scores judged, every column a model term names
   * (for --fit and rescoring) and the outcomes.
   */
  private static org.apache.spark.sql.Column[] frameColumns(Dataset<Row> scored,
      AdmissionModel model) {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(List.of("nhs_number",
        "pcn_code", "icc_code", AdmissionRisk.LINEAR_PREDICTOR, AdmissionRisk.ADMISSION_RISK));
    names.addAll(Evaluation.SCORES);
    model.terms().forEach(t -> names.add(t.feature().split("=", 2)[0].trim()));
    names.addAll(Outcomes.ALL);
    names.add(Outcomes.LEFT);
    return names.stream().map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  /** The earliest admission in the accepted spells: where the hospital history starts. */
  private static LocalDate hospitalFrom(NightlyRun.Checked v) {
    Dataset<Row> apc = v.validated().accepted().get(Extract.APC_SPELLS);
    if (apc == null) {
      return null;
    }
    Row r = apc.agg(org.apache.spark.sql.functions.min(col("admission_date"))).first();
    return r.isNullAt(0) ? null : ((Date) r.get(0)).toLocalDate();
  }

  /** Exit 2 when the hospital history does not reach back the scores' look-back from {@code at}. */
  private void requireLookBack(LocalDate at, LocalDate hospitalFrom) {
    if (!hasLookBack(at, hospitalFrom)) {
      throw new StratException(ExitCode.USAGE, "as-of " + at + " is too early: the scores look "
          + "back " + LOOK_BACK_MONTHS + " months (HFRS), to " + at.minusMonths(LOOK_BACK_MONTHS)
          + ", but the hospital data start on "
          + (hospitalFrom == null ? "no date (apc_spells is empty)" : hospitalFrom)
          + " (use an as-of on or after "
          + (hospitalFrom == null ? "the first admission" : hospitalFrom.plusMonths(LOOK_BACK_MONTHS)
              .minusDays(LOOK_BACK_GRACE_DAYS)) + ")");
    }
  }

  static boolean hasLookBack(LocalDate at, LocalDate hospitalFrom) {
    return hospitalFrom != null
        && !hospitalFrom.isAfter(at.minusMonths(LOOK_BACK_MONTHS).plusDays(LOOK_BACK_GRACE_DAYS));
  }

  /**
   * Fits the model on local outcomes and compares it with the published one on the validation
   * year. Out of time when the history allows (fit as of at - horizon with outcomes to at, judge
   * as of at with outcomes to at + horizon); otherwise by patient, in {@value #FOLDS} folds.
   */
  private Map<String, Object> fit(SparkSession spark, Frame validation, Evaluation published,
      CohortConfig cc, Path staging, Path work, List<Dataset<Row>> cached) throws IOException {
    AdmissionModel model = rules.admissionModel();
    LocalDate trainAt = validation.asOf().minusMonths(horizon);
    Map<String, Object> f = new LinkedHashMap<>();
    ModelFit.Fitted fitted;
    Dataset<Row> local;
    String provenance;
    if (hasLookBack(trainAt, validation.hospitalFrom())) {
      Frame train = frame(spark, trainAt, validation.asOf(), staging, work, "-train");
      long t = Progress.start();
      fitted = ModelFit.fit(train.data(), Outcomes.EMERGENCY_ADMISSION, model, l2,
          Evaluation.MIN_EVENTS);
      progress.done("fit", fitted.patients(), fitted.terms().size() + 1, t);
      local = rescore(validation.data(), fitted, model);
      f.put("validation", "out of time");
      f.put("train_as_of", trainAt.toString());
      f.put("train_outcomes_to", validation.asOf().toString());
      provenance = String.format(Locale.ROOT, "strat backtest --fit on the extract of %s: fitted as of "
          + "%s on emergency admissions to %s (%d patients, %d events), L2 %s on standardised terms "
          + "(Spark MLlib LogisticRegression); validated out of time as of %s with outcomes to %s",
          extract, trainAt, validation.asOf(), fitted.patients(), fitted.events(), l2,
          validation.asOf(), validation.end());
    } else {
      progress.warn("under two horizons of hospital history before " + validation.asOf()
          + " (data from " + validation.hospitalFrom() + "): the local model is judged by "
          + FOLDS + "-fold cross-validation by patient, not out of time");
      long t = Progress.start();
      Dataset<Row> data = validation.data().withColumn("_fold",
          pmod(hash(col("nhs_number")), lit(FOLDS)));
      Dataset<Row> oof = null;
      for (int k = 0; k < FOLDS; k++) {
        ModelFit.Fitted fk = ModelFit.fit(data.where(col("_fold").notEqual(k)),
            Outcomes.EMERGENCY_ADMISSION, model, l2, Evaluation.MIN_EVENTS);
        Dataset<Row> pk = rescore(data.where(col("_fold").equalTo(k)), fk, model);
        oof = oof == null ? pk : oof.unionByName(pk);
      }
      fitted = ModelFit.fit(validation.data(), Outcomes.EMERGENCY_ADMISSION, model, l2,
          Evaluation.MIN_EVENTS);
      progress.done("fit", fitted.patients(), fitted.terms().size() + 1, t);
      local = oof;
      f.put("validation", "cross-validation by patient, " + FOLDS + " folds (under two horizons of history)");
      provenance = String.format(Locale.ROOT, "strat backtest --fit on the extract of %s: fitted as of "
          + "%s on emergency admissions to %s (%d patients, %d events), L2 %s on standardised terms "
          + "(Spark MLlib LogisticRegression); validated by %d-fold cross-validation by patient",
          extract, validation.asOf(), validation.end(), fitted.patients(), fitted.events(), l2,
          FOLDS);
    }
    local = local.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(local);
    long t = Progress.start();
    Evaluation localEval = Evaluation.of(local, cc.tieSalt());
    progress.done("metrics_local", localEval.patients(), localEval.auroc().size(), t);
    f.put("validation_as_of", validation.asOf().toString());
    f.put("validation_outcomes_to", validation.end().toString());
    f.put("l2", l2);
    f.put("patients", fitted.patients());
    f.put("events", fitted.events());
    f.put("published", BacktestReport.headline(published, "all", "ALL"));
    f.put("local", BacktestReport.headline(localEval, "all", "ALL"));
    List<Map<String, Object>> terms = new ArrayList<>();
    Map<String, Object> icpt = new LinkedHashMap<>();
    icpt.put("feature", "intercept");
    icpt.put("published", model.intercept());
    icpt.put("local", round(fitted.intercept()));
    icpt.put("standard_error", finite(fitted.interceptStandardError()));
    terms.add(icpt);
    for (ModelFit.Term term : fitted.terms()) {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("feature", term.published().feature());
      tm.put("published", term.published().coefficient());
      tm.put("local", round(term.coefficient()));
      tm.put("standard_error", finite(term.standardError()));
      tm.put("kept_published", term.keptPublished());
      terms.add(tm);
    }
    f.put("coefficients", terms);
    f.put("candidate", CandidateModel.FILE);
    CandidateModel.write(staging.resolve(CandidateModel.FILE),
        rules.dir().resolve("admission-risk").resolve("model.csv"), fitted,
        "admission-local-" + extract, provenance);
    return f;
  }

  /** The frame with admission risk from the fitted coefficients in place of the published ones. */
  private static Dataset<Row> rescore(Dataset<Row> frame, ModelFit.Fitted fitted,
      AdmissionModel model) {
    return AdmissionRisk.score(
        frame.drop(AdmissionRisk.LINEAR_PREDICTOR, AdmissionRisk.ADMISSION_RISK,
            AdmissionRisk.ADMISSION_RISK_BAND, AdmissionRisk.CONTRIBUTIONS),
        fitted.intercept(), fitted.modelTerms(), model.bands());
  }

  private Map<String, Object> facts(LocalDate at, LocalDate end) throws IOException {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("report_version", 1);
    f.put("as_of", at.toString());
    f.put("horizon_months", horizon);
    f.put("outcomes_after", at.toString());
    f.put("outcomes_to", end.toString());
    f.put("extract_date", extract.toString());
    f.put("code_version", Strat.codeVersion());
    f.put("rules_sha256", rules.hash());
    f.put("model", modelFacts(rules));
    return f;
  }

  /** The admission-risk model in use: its version and the SHA-256 of its file. */
  static Map<String, Object> modelFacts(RuleSet rules) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", rules.admissionModel().version());
    m.put("sha256", Manifest.sha256(rules.dir().resolve("admission-risk").resolve("model.csv")));
    return m;
  }

  /** Moves the staged backtest to OUTPUT/backtest/AS_OF, replacing an earlier one of that date. */
  private static Path publish(Path root, Path staging, LocalDate at) throws IOException {
    Path done = root.resolve(at.toString());
    Path old = root.resolve(".replaced-" + at + "-" + ProcessHandle.current().pid());
    boolean replaced = false;
    if (Files.exists(done)) {
      Files.move(done, old, StandardCopyOption.ATOMIC_MOVE);
      replaced = true;
    }
    Files.move(staging, done, StandardCopyOption.ATOMIC_MOVE);
    if (replaced) {
      Folders.deleteQuietly(old);
    }
    return done;
  }

  private static String summary(Evaluation e) {
    Map<String, Object> h = BacktestReport.headline(e, "all", "ALL");
    if (!BacktestReport.OK.equals(h.get("status"))) {
      return "too few emergency admissions to judge (" + h.get("events") + ")";
    }
    return String.format(Locale.ROOT,
        "emergency admissions %s; admission_risk AUROC %s %s, top 5%% PPV %s, Brier %s, "
            + "calibration slope %s", h.get("events"), h.get("auroc"), h.get("auroc_95ci"),
        h.get("top5_ppv"), h.get("brier"), h.get("calibration_slope"));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? round(v) : null;
  }

  private static Double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
