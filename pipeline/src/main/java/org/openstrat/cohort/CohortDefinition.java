package org.openstrat.cohort;

import java.util.List;

/**
 * One cohort as configured: the top {@code topPercent}% of each group's eligible list (those
 * matching {@code filter}), ranked by {@code rankBy} descending.
 *
 * @param name config name, {@code [a-z0-9_]{1,40}}; also the value of the cohort column
 * @param rankBy numeric scores-table column ranked descending (default admission_risk)
 * @param topPercent whole percent 1-10 (default 5), or 100 for a filter-only cohort ("all");
 *     size = ceil(topPercent x eligible / 100)
 * @param levels the groups the cohort is drawn per (default pcn and icc)
 * @param filter the filter text (mini-language of {@link FilterParser}); empty = everyone
 */
public record CohortDefinition(
    String name, String rankBy, int topPercent, List<CohortLevel> levels, String filter) {

  public CohortDefinition {
    levels = List.copyOf(levels);
    filter = filter == null ? "" : filter;
  }

  /**
   * Cohort size for an eligible list of {@code eligible} patients: ceil(pct x eligible / 100) in
   * integer arithmetic, so 5% of 1000 is exactly 50 (a double would risk 51).
   */
  public static long size(long eligible, int topPercent) {
    return (eligible * topPercent + 99) / 100;
  }
}
