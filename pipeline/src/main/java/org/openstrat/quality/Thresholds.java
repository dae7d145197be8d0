package org.openstrat.quality;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openstrat.ingest.Extract;
import org.openstrat.quality.QualityReport.Breach;
import org.openstrat.quality.QualityReport.ExtractCounts;

/**
 * The quality report's threshold rules: required extracts, reject rate, linkage, and the
 * completeness rules ({@link Completeness}). Plain Java over the counts; exit 5 is the command's.
 */
final class Thresholds {
  private Thresholds() {}

  /** Every breach of the report's counts, failing and warning. */
  static List<Breach> breaches(QualityConfig config, LocalDate asOf, Map<Extract, ExtractCounts> extracts,
      Map<Extract, Long> previousRows, String previousPublication) {
    List<Breach> out = new ArrayList<>();
    for (Extract e : Extract.values()) {
      if (config.requiredExtracts().contains(e) && !extracts.containsKey(e)) {
        out.add(new Breach("quality.required_extracts", e.fileName(), 0, 0));
      }
    }
    for (ExtractCounts c : extracts.values()) {
      if (c.rejectRate() > config.maxRejectRate()) {
        out.add(
            new Breach(
                "quality.max_reject_rate",
                c.extract().fileName() + " reject rate",
                c.rejectRate(),
                config.maxRejectRate()));
      }
      Double link = c.linkageRate();
      if (link != null && link < config.minLinkageRate()) {
        out.add(
            new Breach(
                "quality.min_linkage_rate",
                c.extract().fileName() + " rows linking to a registered patient",
                link,
                config.minLinkageRate()));
      }
    }
    out.addAll(completeness(config, asOf, extracts, previousRows, previousPublication));
    return out;
  }

  /**
   * The completeness rules ({@link Completeness}): rows per 1,000 registered patients, the drop
   * against the previous publication, the feed's newest date against the extract date. Named by
   * their per-extract key, so the message says what to configure.
   */
  private static List<Breach> completeness(QualityConfig config, LocalDate asOf,
      Map<Extract, ExtractCounts> extracts, Map<Extract, Long> previousRows, String previousPublication) {
    List<Breach> out = new ArrayList<>();
    ExtractCounts patients = extracts.get(Extract.PATIENTS);
    long registered = patients == null ? 0 : patients.accepted();
    for (ExtractCounts c : extracts.values()) {
      Completeness rule = config.completeness().get(c.extract());
      if (rule == null) {
        continue;
      }
      String n = c.extract().fileName();
      if (rule.minRowsPer1000() > 0 && registered > 0) {
        double per1000 = 1000.0 * c.read() / registered;
        if (per1000 < rule.minRowsPer1000()) {
          out.add(new Breach("quality.min_rows_per_1000_patients." + n,
              n + " rows per 1,000 registered patients (" + c.read() + " rows, " + registered
                  + " patients)", per1000, rule.minRowsPer1000(), rule.fail()));
        }
      }
      Long before = previousRows.get(c.extract());
      if (rule.maxDrop() < 1 && before != null && before > 0) {
        double drop = Math.max(0, (double) (before - c.read()) / before);
        if (drop > rule.maxDrop()) {
          out.add(new Breach("quality.max_row_drop." + n,
              n + " rows' drop against the previous publication" + (previousPublication == null ? ""
                  : " " + previousPublication) + " (" + c.read() + " rows, " + before + " then)",
              drop, rule.maxDrop(), rule.fail()));
        }
      }
      // Without an accepted dated row there is no newest date: the floor and the reject rate speak.
      // Measured to the as-of date: the extract date in a nightly run; in a backtest (an earlier
      // as-of) a feed is stale when it has nothing near the date scored, not the extract's date.
      if (rule.maxStaleDays() > 0 && c.latest() != null) {
        long days = java.time.temporal.ChronoUnit.DAYS.between(c.latest(), asOf);
        if (days > rule.maxStaleDays()) {
          out.add(new Breach("quality.max_stale_days." + n,
              n + " days from its newest " + c.extract().windowDate() + " (" + c.latest()
                  + ") to the as-of date " + asOf,
              days, rule.maxStaleDays(), rule.fail()));
        }
      }
    }
    return out;
  }
}
