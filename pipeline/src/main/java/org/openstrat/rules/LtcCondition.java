package org.openstrat.rules;

import java.util.List;
import java.util.Set;

/**
 * One of the 20 Cambridge Multimorbidity Score conditions (Payne 2020).
 *
 * <p>A patient has the condition when a code is recorded in the look-back, or (when {@code
 * minIssues12m} is set) at least that many issues of medicines whose BNF code starts with one of
 * {@code bnfPrefixes} fall in the 12 months before the index date. {@code definition} says which
 * combination applies in words; {@link #requiresCodeAndMedicine()} marks the "currently treated"
 * conditions (asthma, epilepsy) where both are needed.
 *
 * @param lookbackMonths null = ever; 12 = last 12 months; 60 = cancer in the last 5 years
 * @param minIssues12m null when the condition has no prescription rule
 * @param bnfPrefixes BNF chapter/section/chemical prefixes (empty when no prescription rule)
 * @param logic {@code code}, {@code code_or_rx}, {@code code_and_rx} or {@code rx}
 */
public record LtcCondition(
    String key,
    String name,
    double cmsWeight,
    Integer lookbackMonths,
    Set<String> snomedCodes,
    Integer minIssues12m,
    List<String> bnfPrefixes,
    String definition,
    String logic) {
  public LtcCondition {
    snomedCodes = Set.copyOf(snomedCodes);
    bnfPrefixes = List.copyOf(bnfPrefixes);
  }

  public boolean requiresCodeAndMedicine() {
    return "code_and_rx".equals(logic);
  }

  /** True when a BNF code matches one of this condition's prefixes. */
  public boolean bnfMatches(String bnfCode) {
    return bnfCode != null && bnfPrefixes.stream().anyMatch(bnfCode::startsWith);
  }
}
