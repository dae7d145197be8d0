package org.openstrat.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.core.Reason;
import org.openstrat.core.StageLog;
import org.openstrat.ingest.Extract;
import org.openstrat.util.SideBySide;

/**
 * The quality report: per extract rows read = accepted + rejected with counts per reason, rows
 * outside the scoring window, merged spells, files ignored, population exclusions, linkage per PCN
 * and every threshold breach. {@link #compute} runs Spark jobs (counts), so the command layer calls
 * it; stages never do. Holds counts and codes only, never a patient row.
 */
public final class QualityReport {

  /** Extracts whose rows are checked for linkage to the registered list. */
  public static final List<Extract> LINKED_EXTRACTS =
      List.of(
          Extract.APC_SPELLS,
          Extract.AE_ATTENDANCES,
          Extract.OP_APPOINTMENTS,
          Extract.SOCIAL_CARE,
          Extract.HOUSING);

  /**
   * One extract's reconciliation.
   *
   * @param spells apc_spells only: spells after merging episodes (else -1)
   * @param latest the newest date of an accepted row in the extract's scoring-window date column
   *     (null: no such column, or no accepted row)
   */
  public record ExtractCounts(
      Extract extract,
      List<String> files,
      long read,
      long accepted,
      Map<Reason, Long> rejected,
      long outsideWindow,
      long spells,
      LocalDate latest) {

    public long rejectedTotal() {
      return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Rejected as defects (dataset-rule set-asides excluded). */
    public long defects() {
      return rejected.entrySet().stream()
          .filter(en -> en.getKey().isDefect())
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    public double rejectRate() {
      return read == 0 ? 0 : (double) defects() / read;
    }

    /** apc_spells: episode rows merged into another row of the same spell. */
    public long mergedEpisodes() {
      return spells < 0 ? 0 : accepted - spells;
    }

    /**
     * Share of rows that passed the field and duplicate checks whose NHS number is registered;
     * null if not a linked extract or no such rows.
     */
    public Double linkageRate() {
      if (!LINKED_EXTRACTS.contains(extract)) {
        return null;
      }
      long unlinked = rejected.getOrDefault(Reason.UNREGISTERED_PATIENT, 0L);
      long linked = accepted;
      for (Map.Entry<Reason, Long> en : rejected.entrySet()) {
        if (!en.getKey().isDefect()) {
          linked += en.getValue();
        }
      }
      return linked + unlinked == 0 ? null : (double) linked / (linked + unlinked);
    }

    public boolean reconciles() {
      return read == accepted + rejectedTotal();
    }
  }

  /** Per PCN: population size and, per linked extract, how many of them it has a row for. */
  public record PcnLinkage(String pcnCode, long population, Map<Extract, Long> found) {
    public double share(Extract e) {
      return population == 0 ? 0 : (double) found.getOrDefault(e, 0L) / population;
    }
  }

  /**
   * A threshold breach: which key, for what, the value and the limit; {@code fail} false for a
   * completeness rule set to warn (reported, the run goes on).
   */
  public record Breach(String threshold, String subject, double value, double limit, boolean fail) {
    public Breach(String threshold, String subject, double value, double limit) {
      this(threshold, subject, value, limit, true);
    }

    public String message() {
      if (threshold.equals("quality.required_extracts")) {
        return threshold + ": " + subject + " is missing";
      }
      boolean max = threshold.startsWith("quality.max");
      return String.format(
          Locale.ROOT,
          "%s: %s is %s, %s %s by %s",
          threshold,
          subject,
          num(value),
          max ? "above the maximum" : "below the minimum",
          num(limit),
          num(Math.abs(value - limit)));
    }

    private String num(double d) {
      return threshold.startsWith("quality.max_stale_days")
          ? Long.toString(Math.round(d))
          : String.format(Locale.ROOT, "%.4f", d);
    }
  }

  private final LocalDate asOf;
  private final LocalDate extractDate;
  private final QualityConfig config;
  private final Map<Extract, ExtractCounts> extracts;
  private final List<String> ignoredFiles;
  private final long patientsAccepted;
  private final Map<String, Long> exclusions;
  private final long population;
  private final long nationalOptOuts;
  private final List<String> practicesWithoutPcn;
  private final List<PcnLinkage> linkage;
  private final Map<Extract, Long> previousRows;
  private final String previousPublication;
  private final List<Breach> breaches;
  private final List<Breach> warnings;

  public QualityReport(
      LocalDate asOf,
      LocalDate extractDate,
      QualityConfig config,
      Map<Extract, ExtractCounts> extracts,
      List<String> ignoredFiles,
      long patientsAccepted,
      Map<String, Long> exclusions,
      long population,
      long nationalOptOuts,
      List<String> practicesWithoutPcn,
      List<PcnLinkage> linkage,
      Map<Extract, Long> previousRows,
      String previousPublication) {
    this.asOf = asOf;
    this.extractDate = extractDate;
    this.config = config;
    this.extracts = Collections.unmodifiableMap(new EnumMap<>(extracts));
    this.ignoredFiles = List.copyOf(ignoredFiles);
    this.patientsAccepted = patientsAccepted;
    this.exclusions = Collections.unmodifiableMap(new LinkedHashMap<>(exclusions));
    this.population = population;
    this.nationalOptOuts = nationalOptOuts;
    this.practicesWithoutPcn = List.copyOf(practicesWithoutPcn);
    this.linkage = List.copyOf(linkage);
    this.previousRows = previousRows == null ? Map.of() : Map.copyOf(previousRows);
    this.previousPublication = previousPublication;
    List<Breach> all =
        Thresholds.breaches(config, asOf, this.extracts, this.previousRows, previousPublication);
    this.breaches = all.stream().filter(Breach::fail).toList();
    this.warnings = all.stream().filter(b -> !b.fail()).toList();
  }

  /**
   * Counts everything and writes the quarantine on the way (Spark actions: one pass over each
   * extract's labels, which counts its rows while {@link QualityWriter#writeQuarantine} writes its
   * rejected ones, plus the patients and linked extracts for population and linkage). Reports one
   * stage per extract ({@code validate.NAME}) and one for the population to {@code log}.
   *
   * @param population {@link Population#build}'s result for this run
   * @param outDir the output folder: the quarantine goes to {@code quality/rejected/} under it
   * @param previous rows read per extract by the previous publication, for the row-drop rule
   *     ({@link PreviousRows#NONE}: the rule is skipped)
   */
  public static QualityReport compute(
      Validated v, Dataset<Row> population, StageLog log, Path outDir,
      PreviousRows previous) {
    Map<Extract, ExtractCounts> counts = new EnumMap<>(Extract.class);
    // The extracts are counted side by side from a few driver threads: on small extracts a pass is
    // mostly the driver's planning and the scheduler's fixed costs, and a big one ends in a few
    // long tasks; either way the other extracts' jobs use what would be idle. The lines are
    // reported in extract order, each with its own pass's time.
    java.util.concurrent.ExecutorService pool = SideBySide.pool("strat-counting", COUNTING_THREADS);
    try {
      Map<Extract, java.util.concurrent.Future<Counted>> counting = new EnumMap<>(Extract.class);
      for (Extract e : v.labels().keySet()) {
        counting.put(e, pool.submit(() -> tally(v, e, outDir)));
      }
      for (Map.Entry<Extract, java.util.concurrent.Future<Counted>> f : counting.entrySet()) {
        Counted c = SideBySide.await(f.getValue());
        counts.put(f.getKey(), c.counts());
        // done() times from a start mark: one as far back as the pass itself took.
        log.done("validate." + f.getKey().fileName(), c.counts().read(), c.counts().accepted(),
            StageLog.start() - c.nanos());
      }
    } finally {
      pool.shutdownNow();
    }

    long t0 = StageLog.start();
    Dataset<Row> classified = Population.classify(v, v.asOf(), v.config());
    Map<String, Long> exclusions = new LinkedHashMap<>();
    long patientsAccepted = 0;
    for (Population.Exclusion x : Population.Exclusion.values()) {
      exclusions.put(x.name(), 0L);
    }
    for (Row r : classified.groupBy(col(Population.EXCLUSION)).count().collectAsList()) {
      patientsAccepted += r.getLong(1);
      if (!r.isNullAt(0)) {
        exclusions.put(r.getString(0), r.getLong(1));
      }
    }
    ExtractCounts pc = counts.get(Extract.PATIENTS);
    exclusions.put(
        Reason.PRACTICE_WITHOUT_PCN.name(),
        pc == null ? 0 : pc.rejected().getOrDefault(Reason.PRACTICE_WITHOUT_PCN, 0L));

    // Every practice code on a practices row, accepted or rejected: a patient is checked against
    // them all (UNKNOWN_PRACTICE is only for a code on no row), so a practice whose only row was
    // rejected has its patients set aside as PRACTICE_WITHOUT_PCN and must be listed here too.
    List<String> withoutPcn = new ArrayList<>();
    Dataset<Row> practices = v.raw().raw().get(Extract.PRACTICES);
    for (Row r :
        practices
            .select(col("practice_code"))
            .where(col("practice_code").isNotNull())
            .distinct()
            .except(v.practicePcn().select(col("practice_code")))
            .orderBy(col("practice_code"))
            .collectAsList()) {
      withoutPcn.add(r.getString(0));
    }

    Dataset<Row> pop = population.select(col("nhs_number"), col("pcn_code"), col("national_opt_out"))
        .cache();
    Map<String, long[]> perPcn = new TreeMap<>();
    long popSize = 0;
    long nationalOptOuts = 0;
    for (Row r :
        pop.groupBy(col("pcn_code"))
            .agg(count(lit(1)), sum(when(col("national_opt_out"), 1).otherwise(0)))
            .collectAsList()) {
      String pcn = r.isNullAt(0) ? "" : r.getString(0);
      perPcn.put(pcn, new long[] {r.getLong(1)});
      popSize += r.getLong(1);
      nationalOptOuts += r.isNullAt(2) ? 0 : r.getLong(2);
    }
    Map<String, Map<Extract, Long>> found = new TreeMap<>();
    Dataset<Row> seen = null;
    for (Extract e : LINKED_EXTRACTS) {
      Dataset<Row> a = v.labels().get(e);
      if (a == null) {
        continue;
      }
      Dataset<Row> s =
          a.where(col(Validate.NHS_NUMBER).isNotNull())
              .select(col(Validate.NHS_NUMBER).as("_nhs"), lit(e.name()).as("_extract"));
      seen = seen == null ? s : seen.union(s);
    }
    if (seen != null) {
      Dataset<Row> linked = pop.join(seen.distinct(), pop.col("nhs_number").equalTo(col("_nhs")));
      for (Row r :
          linked.groupBy(col("pcn_code"), col("_extract"))
              .agg(countDistinct(col("nhs_number")))
              .collectAsList()) {
        String pcn = r.isNullAt(0) ? "" : r.getString(0);
        found.computeIfAbsent(pcn, k -> new EnumMap<>(Extract.class))
            .put(Extract.valueOf(r.getString(1)), r.getLong(2));
      }
    }
    pop.unpersist();
    List<PcnLinkage> linkage = new ArrayList<>();
    for (Map.Entry<String, long[]> en : perPcn.entrySet()) {
      linkage.add(
          new PcnLinkage(en.getKey(), en.getValue()[0], found.getOrDefault(en.getKey(), Map.of())));
    }
    log.done("population", patientsAccepted, popSize, t0);

    List<String> ignored =
        v.raw().ignoredFiles().stream().map(Path::toString).sorted().toList();
    return new QualityReport(
        v.asOf(),
        v.extractDate(),
        v.config(),
        counts,
        ignored,
        patientsAccepted,
        exclusions,
        popSize,
        nationalOptOuts,
        withoutPcn,
        linkage,
        previous.rows(),
        previous.publication());
  }

  /** Threads counting extracts at once. */
  private static final int COUNTING_THREADS = 3;

  /** One extract's counts and how long its pass took. */
  private record Counted(ExtractCounts counts, long nanos) {}

  /** Counts one extract while its quarantine is written. */
  private static Counted tally(Validated v, Extract e, Path outDir) {
    long t0 = StageLog.start();
    // Few metrics on purpose: the observation runs them on every row outside generated code.
    // Counts per reason are observed on the rejected rows only, as they are written.
    List<Column> metrics = new ArrayList<>(List.of(
        count(lit(1)).as("read"),
        count(col(Validate.REASON)).as("rejected"),
        sum(when(col(Validate.OUTSIDE_WINDOW), 1L).otherwise(0L)).as("outside")));
    String w = e.windowDate();
    if (w != null) {
      // The feed's own newest date, for the stale-feed rule: in the same pass as the counts.
      metrics.add(max(when(col(Validate.REASON).isNull(), Validate.parsedColumn(w))).as("latest"));
    }
    QualityWriter.Tally tally = QualityWriter.writeQuarantine(v, e, outDir, metrics);
    Map<String, Object> m = tally.metrics();
    long read = number(m.get("read"));
    long accepted = read - number(m.get("rejected"));
    long outside = number(m.get("outside"));
    Map<Reason, Long> rejected = tally.rejected();
    long spells = e == Extract.APC_SPELLS ? v.accepted().get(e).count() : -1;
    List<String> files = new ArrayList<>();
    for (Path p : v.raw().files().getOrDefault(e, List.of())) {
      files.add(v.raw().inputDir().relativize(p).toString());
    }
    ExtractCounts counts = new ExtractCounts(e, files, read, accepted, rejected, outside, spells,
        date(m.get("latest")));
    return new Counted(counts, StageLog.start() - t0);
  }

  /** An observed date: java.sql.Date or LocalDate (with the Java 8 time API on), null if none. */
  private static LocalDate date(Object o) {
    if (o instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    return o instanceof LocalDate d ? d : null;
  }

  /** An observed sum or count: null (no rows) is 0. */
  private static long number(Object o) {
    return o == null ? 0 : ((Number) o).longValue();
  }

  public List<Breach> breaches() {
    return breaches;
  }

  /** Completeness breaches set to warn: reported, not failing. */
  public List<Breach> warnings() {
    return warnings;
  }

  public Map<Extract, ExtractCounts> extracts() {
    return extracts;
  }

  public List<String> ignoredFiles() {
    return ignoredFiles;
  }

  public Map<String, Long> exclusions() {
    return exclusions;
  }

  public long population() {
    return population;
  }

  public long patientsAccepted() {
    return patientsAccepted;
  }

  public long nationalOptOuts() {
    return nationalOptOuts;
  }

  public List<String> practicesWithoutPcn() {
    return practicesWithoutPcn;
  }

  public List<PcnLinkage> linkage() {
    return linkage;
  }

  public LocalDate asOf() {
    return asOf;
  }

  public LocalDate extractDate() {
    return extractDate;
  }

  /** The report as JSON (quality/report.json): one line, keys in a fixed order. */
  public String toJson() {
    return ReportText.json(this);
  }

  /** The report as a flat CSV for a spreadsheet (quality/report.csv): section,subject,item,value. */
  public String toCsv() {
    return ReportText.csv(this);
  }

  QualityConfig config() {
    return config;
  }

  Map<Extract, Long> previousRows() {
    return previousRows;
  }
}
