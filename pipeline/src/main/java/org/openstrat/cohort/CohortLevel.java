package org.openstrat.cohort;

import java.util.Locale;

/** The list a cohort is drawn from: each PCN's or each ICC's eligible registered population. */
public enum CohortLevel {
  PCN("pcn_code"),
  ICC("icc_code");

  private final String groupColumn;

  CohortLevel(String groupColumn) {
    this.groupColumn = groupColumn;
  }

  /** The scores-table column whose value names the list (pcn_code or icc_code). */
  public String groupColumn() {
    return groupColumn;
  }

  /** Lower-case name as written in config and in the cohort_level column. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
