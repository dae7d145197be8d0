package org.openstrat.quality;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openstrat.core.StratException;
import org.openstrat.config.Settings;
import org.openstrat.ingest.Extract;

/**
 * One extract's completeness rule: a feed that arrives empty, shrunken or stale is caught even
 * when every row it has is valid (the reject rate cannot see rows that are not there). Keys, per
 * extract NAME (docs/quality.md):
 *
 * <pre>
 * quality.min_rows_per_1000_patients.NAME  rows read per 1,000 registered patients (accepted rows of
 *                                          patients) at least this; default 1 for the five activity
 *                                          extracts, 0 (off) for social care and housing; 0 = off
 * quality.max_row_drop.NAME                rows read may fall by at most this share against the
 *                                          previous publication's count (its manifest.json);
 *                                          default 0.5; 1 = off
 * quality.max_stale_days.NAME              the newest accepted row's date (the scoring-window date
 *                                          column) at most this many days before the as-of date;
 *                                          default 365 for the five activity extracts, 0 (off) for
 *                                          social care and housing, whose dates may be old
 * quality.on_incomplete[.NAME]             fail (default: exit 5, nothing published) or warn (one
 *                                          warning line and the report; the run goes on)
 * </pre>
 *
 * The defaults catch a broken feed (empty, halved, a year old) without tripping on a healthy one's
 * ordinary variation; tighten them per extract once its normal volume is known.
 *
 * @param minRowsPer1000 0 = off
 * @param maxDrop a share 0-1; 1 = off
 * @param maxStaleDays 0 = off
 * @param fail false = warn only
 */
public record Completeness(double minRowsPer1000, double maxDrop, int maxStaleDays, boolean fail) {

  /** Extracts measured per registered patient (not the reference extracts or patients itself). */
  static final Set<Extract> PER_PATIENT =
      EnumSet.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS, Extract.APC_SPELLS,
          Extract.AE_ATTENDANCES, Extract.OP_APPOINTMENTS, Extract.SOCIAL_CARE, Extract.HOUSING);
  /** Extracts whose newest date says how fresh the feed is. */
  static final Set<Extract> DATED = EnumSet.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS,
      Extract.APC_SPELLS, Extract.AE_ATTENDANCES, Extract.OP_APPOINTMENTS, Extract.SOCIAL_CARE,
      Extract.HOUSING);

  /**
   * Social care and housing: few patients have a row, a small area or an early as-of date may have
   * none, and their dates (service start, record date) may be years old; their floor and staleness
   * rules are off unless configured.
   */
  static final Set<Extract> SPARSE = EnumSet.of(Extract.SOCIAL_CARE, Extract.HOUSING);

  public static final double DEFAULT_MIN_ROWS_PER_1000 = 1;
  public static final double DEFAULT_MAX_DROP = 0.5;
  public static final int DEFAULT_MAX_STALE_DAYS = 365;

  /** Every extract's rule from the {@code quality.*} keys; a bad value is exit 3. */
  static Map<Extract, Completeness> from(Settings s) {
    String onAll = onIncomplete(s, "quality.on_incomplete", "fail");
    Map<Extract, Completeness> out = new EnumMap<>(Extract.class);
    for (Extract e : Extract.values()) {
      String n = e.fileName();
      double min = 0;
      if (PER_PATIENT.contains(e)) {
        double dflt = SPARSE.contains(e) ? 0 : DEFAULT_MIN_ROWS_PER_1000;
        min = s.getDouble("quality.min_rows_per_1000_patients." + n, dflt, 0, 1e9);
      }
      double drop = s.getDouble("quality.max_row_drop." + n, DEFAULT_MAX_DROP, 0, 1);
      int stale = 0;
      if (DATED.contains(e)) {
        int dflt = SPARSE.contains(e) ? 0 : DEFAULT_MAX_STALE_DAYS;
        stale = s.getInt("quality.max_stale_days." + n, dflt, 0, 36500);
      }
      boolean fail = onIncomplete(s, "quality.on_incomplete." + n, onAll).equals("fail");
      out.put(e, new Completeness(min, drop, stale, fail));
    }
    return out;
  }

  private static String onIncomplete(Settings s, String key, String dflt) {
    String v = s.getString(key, dflt).trim().toLowerCase(Locale.ROOT);
    if (!v.equals("fail") && !v.equals("warn")) {
      throw StratException.config("Config " + s.source() + ": " + key + "=" + v + " is not fail or warn");
    }
    return v;
  }
}
