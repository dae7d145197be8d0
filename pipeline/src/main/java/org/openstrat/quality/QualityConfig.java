package org.openstrat.quality;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openstrat.core.StratException;
import org.openstrat.config.Settings;
import org.openstrat.ingest.Extract;

/**
 * Thresholds and population rules for the ingest, quality and population stages. Resolved once per
 * run from the config file ({@link Settings}); every default is documented in docs/quality.md.
 *
 * @param maxRejectRate {@code quality.max_reject_rate}, default {@value #DEFAULT_MAX_REJECT_RATE}:
 *     the largest share of an extract's rows that may be rejected as defects (dataset-rule set-asides
 *     do not count). 5% is well above a healthy feed (under 1%) and well below a broken one.
 * @param minLinkageRate {@code quality.min_linkage_rate}, default {@value
 *     #DEFAULT_MIN_LINKAGE_RATE}: the smallest share of a secondary-care, social-care or housing
 *     extract's rows (that pass the field and duplicate checks) whose NHS number is on the
 *     registered list. Below half, the extract is probably for another area or mis-keyed.
 * @param requiredExtracts {@code quality.required_extracts}, default {@code all}: a comma list of
 *     extract names that must be present; practices and patients are always required
 * @param minAge {@code population.min_age}, default {@value #DEFAULT_MIN_AGE}: the youngest age in
 *     completed years on the as-of date; the scores are validated for adults
 * @param nationalOptOutExcludedFromPlanning {@code population.national_opt_out_planning_only},
 *     default true: national data opt-outs are excluded from planning outputs (analyst-wide scores,
 *     summaries) and kept in direct-care outputs (cohort lists for the care team). Population keeps
 *     them with the {@code national_opt_out} column so publish filters per output.
 * @param completeness per extract: the empty, shrunken and stale feed rules ({@link Completeness})
 */
public record QualityConfig(
    double maxRejectRate,
    double minLinkageRate,
    Set<Extract> requiredExtracts,
    int minAge,
    boolean nationalOptOutExcludedFromPlanning,
    Map<Extract, Completeness> completeness) {

  public static final double DEFAULT_MAX_REJECT_RATE = 0.05;
  public static final double DEFAULT_MIN_LINKAGE_RATE = 0.5;
  public static final int DEFAULT_MIN_AGE = 18;

  public QualityConfig {
    EnumSet<Extract> req = EnumSet.of(Extract.PRACTICES, Extract.PATIENTS);
    req.addAll(requiredExtracts);
    requiredExtracts = Set.copyOf(req);
    completeness = Map.copyOf(completeness);
  }

  /** Every default: all extracts required, 5% rejects, 50% linkage, adults. */
  public static QualityConfig defaults() {
    return from(Settings.empty());
  }

  /** Reads the {@code quality.*} and {@code population.*} keys; a bad value is exit 3. */
  public static QualityConfig from(Settings s) {
    String req = s.getString("quality.required_extracts", "all").trim();
    Set<Extract> required = EnumSet.noneOf(Extract.class);
    if (req.equalsIgnoreCase("all")) {
      required = EnumSet.allOf(Extract.class);
    } else if (!req.equalsIgnoreCase("none")) {
      for (String n : req.split(",")) {
        String name = n.trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        Extract e =
            Extract.byFileName(name)
                .orElseThrow(
                    () ->
                        StratException.config(
                            "Config " + s.source() + ": quality.required_extracts names "
                                + name + ", which is not an extract"));
        required.add(e);
      }
    }
    return new QualityConfig(
        s.getDouble("quality.max_reject_rate", DEFAULT_MAX_REJECT_RATE, 0, 1),
        s.getDouble("quality.min_linkage_rate", DEFAULT_MIN_LINKAGE_RATE, 0, 1),
        required,
        s.getInt("population.min_age", DEFAULT_MIN_AGE, 0, 130),
        s.getBoolean("population.national_opt_out_planning_only", true),
        Completeness.from(s));
  }
}
