package org.openstrat.publish;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.Cohorts;

/**
 * From the scores table to a visible publication: cohorts (against the previous publication),
 * cohort Parquet and CSV files, pseudonymised scores, the suppressed summary, the checks, the
 * manifest, {@code _SUCCESS}, then the atomic move ({@link Publication#commit}). The caller has
 * already begun the {@link Publication} (and may have staged other files, e.g. the quality
 * report); on any failure it calls {@link Publication#abandon}.
 *
 * <p>Test pause points, in order: {@code cohort-written}, {@code scores-written},
 * {@code summary-written}, {@code checked}, {@code manifest-written}, then Publication's
 * {@code committed} or {@code replaced-aside} and {@code swapped}.
 */
public final class Publisher {
  private Publisher() {}

  /**
   * What to publish.
   *
   * @param scores the scores table (one row per population patient)
   * @param deaths nhs_number, date_of_death of every patient on the list extract (null: unknown)
   * @param practiceToPcn each practice's PCN valid on the as-of date (for the pre-publish check)
   * @param pseudonymiser the key for scores/; empty = scores/ skipped with a warning
   * @param alsoStaged files the caller staged before (e.g. the quality report), relative to the
   *     staging folder: each must be there before {@code _SUCCESS} is written
   * @param events the hospital events of the admission register; null = no register
   */
  public record Request(
      Path output,
      LocalDate asOf,
      Dataset<Row> scores,
      Dataset<Row> deaths,
      CohortConfig cohorts,
      Map<String, String> practiceToPcn,
      Optional<Pseudonymiser> pseudonymiser,
      List<String> alsoStaged,
      Presentation presentation,
      Events events) {
    /** Without presentation facts: codes instead of names, no admission dates; no register. */
    public Request(Path output, LocalDate asOf, Dataset<Row> scores, Dataset<Row> deaths,
        CohortConfig cohorts, Map<String, String> practiceToPcn, Optional<Pseudonymiser> pseudonymiser,
        List<String> alsoStaged) {
      this(output, asOf, scores, deaths, cohorts, practiceToPcn, pseudonymiser, alsoStaged, Presentation.none());
    }

    /** A publication without an admission register. */
    public Request(Path output, LocalDate asOf, Dataset<Row> scores, Dataset<Row> deaths,
        CohortConfig cohorts, Map<String, String> practiceToPcn, Optional<Pseudonymiser> pseudonymiser,
        List<String> alsoStaged, Presentation presentation) {
      this(output, asOf, scores, deaths, cohorts, practiceToPcn, pseudonymiser, alsoStaged, presentation, null);
    }
  }

  /**
   * What the admission register is made from.
   *
   * @param spells typed apc_spells (null if the extract is absent)
   * @param attendances typed ae_attendances (null if absent)
   * @param windowDays {@code register.window_days}: the window when there is no previous
   *     publication
   */
  public record Events(Dataset<Row> spells, Dataset<Row> attendances, int windowDays) {}

  /** Row counts of what was published. */
  public record Result(Path publication, CohortFiles.Written cohort, Long scoresRows, long summaryRows) {}

  public static Result publish(Request r, Publication pub, Progress progress) {
    try {
      return run(r, pub, progress);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result run(Request r, Publication pub, Progress progress) throws IOException {
    Manifest m = progress.manifest();
    Path staging = pub.staging();
    Dataset<Row> scores = r.scores();

    long t = Progress.start();
    Optional<Path> prevDir = Previous.find(r.output(), r.asOf());
    Dataset<Row> previous = prevDir.isPresent() ? Previous.cohort(scores.sparkSession(), prevDir.get()) : null;
    m.put("previous_publication", prevDir.map(p -> p.getFileName().toString()).orElse(null));
    // Cohorts ranked by the rise in risk see it as one more column; scores/ and summary/ do not.
    // The scores come with their lineage cut (RunCommand); the join with the earlier scores is
    // cut too, as the cohort, leaver and register plans each hold this table several times.
    Dataset<Row> listed =
        r.cohorts().needsRiskRise() ? RisingRisk.attach(r, scores, progress).localCheckpoint() : scores;
    Dataset<Row> cohort = Cohorts.build(listed, r.cohorts(), previous).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> leavers = Cohorts.leavers(previous, cohort, listed, r.deaths(), r.cohorts(), r.asOf());
    if (leavers != null) {
      leavers = leavers.persist(StorageLevel.MEMORY_AND_DISK());
    }
    long scoreRows = scores.count();
    Dataset<Row> detailed = CohortDetail.add(cohort, scores, previous, r.presentation())
        .persist(StorageLevel.MEMORY_AND_DISK());
    CohortFiles.Written w = CohortFiles.write(staging, detailed, leavers, r.asOf());
    progress.done("cohort", scoreRows, w.cohortRows(), t);
    // Built once, before the workbooks (each list's workbook shows its register), written after.
    Workbook.Admissions admissions = r.events() == null ? null : RegisterFiles.build(r, listed, cohort, prevDir);
    t = Progress.start();
    int workbooks = Workbook.writeAll(staging, detailed, leavers, admissions, r.asOf(), r.presentation(), r.cohorts());
    long[] imports = PracticeImport.write(staging, cohort);
    detailed.unpersist();
    m.output(Workbook.DIR, map("files", workbooks));
    m.output(PracticeImport.DIR, map("files", imports[0], "lines", imports[1]));
    progress.done("workbooks", w.cohortRows(), workbooks, t);
    Publication.pause("cohort-written");

    RegisterFiles.Written register = null;
    if (admissions != null) {
      t = Progress.start();
      register = RegisterFiles.publish(r, admissions, listed, prevDir, staging, m);
      progress.done("register", scoreRows, register.rows(), t);
    }

    Long pseudoRows = null;
    t = Progress.start();
    if (r.pseudonymiser().isPresent()) {
      Pseudonymiser p = r.pseudonymiser().get();
      pseudoRows = PseudoScores.write(PseudoScores.prepare(scores, p, r.asOf()), staging.resolve("scores"));
      m.put("pseudonymisation", map("key_id", p.keyId(), "scores_output", "written"));
      m.output("scores", map("rows", pseudoRows, "excluded_national_opt_out", scoreRows - pseudoRows));
      m.exclusion("NATIONAL_OPT_OUT (scores/ only)", scoreRows - pseudoRows);
      progress.done("scores_pseudonymised", scoreRows, pseudoRows, t);
    } else {
      String why =
          "no pseudonymisation key (--key-file, " + Pseudonymiser.ENV_KEY_FILE + " or "
              + Pseudonymiser.ENV_KEY + "): scores/ not written";
      progress.warn(why);
      m.put("pseudonymisation", map("key_id", null, "scores_output", "skipped: " + why));
      m.output("scores", map("rows", null, "skipped", why));
    }
    Publication.pause("scores-written");

    t = Progress.start();
    // The summary is a planning output: national opt-outs are left out of every count.
    Dataset<Row> planning = scores.filter(coalesce(col("national_opt_out"), lit(true)).equalTo(false));
    Dataset<Row> planningIds = planning.select(col("nhs_number"));
    long summaryRows =
        Summary.write(
            staging.resolve("summary"),
            Summary.counts(
                planning,
                cohort.join(planningIds, Cohorts.scala(List.of("nhs_number")), "left_semi"),
                leavers == null
                    ? null
                    : leavers.join(planningIds, Cohorts.scala(List.of("nhs_number")), "left_semi")));
    m.output("summary", map("rows", summaryRows, "suppression",
        "1-" + Disclosure.THRESHOLD + " shown as *, others rounded to nearest " + Disclosure.ROUNDING));
    progress.done("summary", scoreRows, summaryRows, t);
    Publication.pause("summary-written");

    m.output("cohort", map("rows", w.cohortRows(), "pcn_level_rows", w.cohortPcnRows(),
        "icc_level_rows", w.cohortIccRows(), "partitions", countDirs(staging.resolve("cohort"))));
    m.output("cohort_csv", map("pcn_files", w.pcnFiles(), "pcn_rows", w.cohortPcnRows(),
        "icc_files", w.iccFiles(), "icc_rows", w.cohortIccRows()));
    m.output("cohort_left", map("rows", w.leaverRows(), "pcn_level_rows", w.leaverPcnRows(),
        "icc_level_rows", w.leaverIccRows()));
    t = Progress.start();
    // Every Parquet part byte-identical on a rerun in another process (see ParquetFooters).
    ParquetFooters.normalize(staging);
    PublishCheck.verify(staging, w, r.practiceToPcn());
    PublishCheck.importLists(staging, r.practiceToPcn());
    if (register != null) {
      PublishCheck.verifyRegister(staging, register, r.practiceToPcn());
    }
    PublishCheck.workbooks(staging, workbooks, register != null);
    progress.done("publish_check", w.cohortRows(), w.cohortRows(), t);
    cohort.unpersist();
    if (leavers != null) {
      leavers.unpersist();
    }
    Publication.pause("checked");

    m.put("outcome", "published");
    m.write(staging);
    RunReport.write(staging, r.output(), r.asOf());
    Publication.pause("manifest-written");
    PublishCheck.complete(staging, expectedParts(r, pseudoRows != null));
    Files.createFile(staging.resolve(Manifest.SUCCESS));
    pub.commit();
    return new Result(pub.target(), w, pseudoRows, summaryRows);
  }

  /** Every part of a publication, relative to its folder: what {@link PublishCheck#complete} wants. */
  static List<String> expectedParts(Request r, boolean scores) {
    List<String> parts = new java.util.ArrayList<>(r.alsoStaged());
    parts.addAll(List.of("cohort", "cohort_csv", "summary/" + Summary.FILE, Manifest.FILE,
        Workbook.DIR, PracticeImport.DIR, RunReport.FILE));
    if (r.events() != null) {
      parts.addAll(List.of(RegisterFiles.PARQUET, RegisterFiles.CSV));
    }
    if (scores) {
      parts.add("scores");
    }
    return parts;
  }

  private static long countDirs(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var s = Files.list(dir)) {
      return s.filter(Files::isDirectory).count();
    }
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
