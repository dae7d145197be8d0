package org.openstrat.publish;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.RiskRise;

/**
 * The earlier scores a {@code rank_by=risk_rise} cohort rises from: the pseudonymised {@code
 * scores/} of the comparison publication, the latest complete OUTPUT/yyyy-MM-dd at least {@code
 * cohort.risk_rise_days} before the as-of date. Its {@code person_id} is the HMAC of the NHS
 * number, so this run links it back with its own key; the NHS number itself is never stored in
 * an all-patient output. It follows that:
 *
 * <ul>
 *   <li>without a key (scores/ skipped), or with a key other than the comparison's (rotated),
 *       nothing can be linked: every rise is null, the rising-risk lists are empty and the
 *       manifest and a warning say why;
 *   <li>national data opt-outs are not in scores/ (a planning output), so they have no earlier
 *       score and are counted with the patients new since then.
 * </ul>
 *
 * The manifest's {@code risk_rise} records the comparison and, per list, how many patients were
 * not ranked for want of an earlier score.
 */
final class RisingRisk {
  private RisingRisk() {}

  /** The scores with {@code risk_rise} added, ready for the cohorts; facts in the manifest. */
  static Dataset<Row> attach(Publisher.Request r, Dataset<Row> scores, Progress progress)
      throws IOException {
    CohortConfig cc = r.cohorts();
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("days", cc.riskRiseDays());
    Optional<Path> prev = comparison(r.output(), r.asOf(), cc.riskRiseDays());
    String why = null;
    Dataset<Row> earlier = null;
    if (prev.isEmpty()) {
      why = "no complete publication with scores/ at least " + cc.riskRiseDays()
          + " days before " + r.asOf();
    } else if (r.pseudonymiser().isEmpty()) {
      why = "no pseudonymisation key, so " + prev.get().getFileName() + "/scores cannot be linked";
    } else if (!r.pseudonymiser().get().keyId().equals(keyId(prev.get()))) {
      why = prev.get().getFileName() + "/scores was made with another key (rotated?) and cannot be linked";
    } else {
      earlier =
          scores.sparkSession().read().parquet(prev.get().resolve("scores").toString())
              .select(col("person_id").as("key"), col("admission_risk"));
      facts.put("comparison_publication", prev.get().getFileName().toString());
      facts.put("days_apart", ChronoUnit.DAYS.between(LocalDate.parse(prev.get().getFileName().toString()), r.asOf()));
    }
    if (why != null) {
      progress.warn("risk_rise: " + why + "; rising-risk cohorts are empty");
      facts.put("comparison_publication", null);
      facts.put("why_none", why);
    }
    Dataset<Row> out =
        RiskRise.attach(
            scores,
            earlier == null ? null : r.pseudonymiser().get().personIdColumn("nhs_number"),
            earlier);
    Map<String, Long> without = new TreeMap<>();
    long total = 0;
    Dataset<Row> counts = RiskRise.withoutEarlier(out, cc);
    // One row per list: small enough to bring to the driver.
    for (Row c : counts.collectAsList()) {
      without.put(c.getString(0) + ":" + c.getString(1) + ":" + c.getString(2), c.getLong(3));
      total += c.getLong(3);
    }
    facts.put("not_ranked_without_earlier_score", without);
    facts.put("not_ranked_without_earlier_score_total", total);
    progress.manifest().put("risk_rise", facts);
    return out;
  }

  /**
   * The latest complete publication dated at least {@code days} before {@code asOf} that has
   * {@code scores/}. Looks only at date-named real folders, as {@link Previous#find} does.
   */
  static Optional<Path> comparison(Path output, LocalDate asOf, int days) throws IOException {
    LocalDate before = asOf.minusDays(days).plusDays(1);
    while (true) {
      Optional<Path> p = Previous.find(output, before);
      if (p.isEmpty() || Files.isDirectory(p.get().resolve("scores"))) {
        return p;
      }
      before = LocalDate.parse(p.get().getFileName().toString()); // older still
    }
  }

  private static String keyId(Path publication) {
    try {
      return new ObjectMapper().readTree(publication.resolve(Manifest.FILE).toFile())
          .path("pseudonymisation").path("key_id").asText("");
    } catch (IOException e) {
      return "";
    }
  }
}
