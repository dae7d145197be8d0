package org.openstrat.rules;

import java.util.Map;

/**
 * Hospital Frailty Risk Score (Gilbert 2018): points per ICD-10 3-character group, summed once per
 * group over spells in the window (the index date and the {@code lookbackYears} before it).
 *
 * @param points ICD-10 3-character group (e.g. {@code F00}) -> points; 109 groups, total 173.2
 * @param lookbackYears 2 (Gilbert 2018)
 * @param intermediateMin a score of at least this (5) is intermediate
 * @param highAbove a score strictly above this (15) is high; exactly 15 is intermediate
 */
public record HfrsRules(
    Map<String, Double> points, int lookbackYears, double intermediateMin, double highAbove) {
  public HfrsRules {
    points = Map.copyOf(points);
  }

  /** {@code low} below 5, {@code intermediate} 5 to 15 inclusive, {@code high} above 15. */
  public String band(double score) {
    if (score > highAbove) {
      return "high";
    }
    return score >= intermediateMin ? "intermediate" : "low";
  }
}
