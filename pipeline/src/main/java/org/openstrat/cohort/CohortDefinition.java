package org.openstrat.cohort;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One cohort as configured: the top {@code topPercent}% of each group's eligible list (those
 * matching {@code filter}), or its top {@code topN} patients, ranked by {@code rankBy} descending.
 *
 * @param name config name, {@code [a-z0-9_]{1,40}}; also the value of the cohort column
 * @param rankBy numeric column ranked descending (default admission_risk; {@code risk_rise} is the
 *     change since an earlier publication, see {@link RiskRise})
 * @param topPercent whole percent 1-10, or 100 for a filter-only cohort ("all"); size =
 *     ceil(topPercent x eligible / 100). Ignored when {@code topN} is set.
 * @param levels the groups the cohort is drawn per (default pcn and icc)
 * @param filter the filter text (mini-language of {@link FilterParser}); empty = everyone
 * @param topN a list's capacity in patients (a team's caseload), or null to size by percent
 * @param topNByGroup per-list capacities by PCN or ICC code, overriding {@code topN}
 */
public record CohortDefinition(
    String name,
    String rankBy,
    int topPercent,
    List<CohortLevel> levels,
    String filter,
    Integer topN,
    Map<String, Integer> topNByGroup) {

  public CohortDefinition {
    levels = List.copyOf(levels);
    filter = filter == null ? "" : filter;
    topNByGroup = topNByGroup == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(topNByGroup));
  }

  /** A cohort sized by percent (no capacity). */
  public CohortDefinition(
      String name, String rankBy, int topPercent, List<CohortLevel> levels, String filter) {
    this(name, rankBy, topPercent, levels, filter, null, Map.of());
  }

  /** Whether the lists are sized by capacity ({@code top_n}) rather than by percent. */
  public boolean byCapacity() {
    return topN != null;
  }

  /**
   * Cohort size for an eligible list of {@code eligible} patients: ceil(pct x eligible / 100) in
   * integer arithmetic, so 5% of 1000 is exactly 50 (a double would risk 51).
   */
  public static long size(long eligible, int topPercent) {
    return (eligible * topPercent + 99) / 100;
  }
}
