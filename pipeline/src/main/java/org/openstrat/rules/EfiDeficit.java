package org.openstrat.rules;

import java.util.List;
import java.util.Set;

/**
 * One of the 36 eFI deficits (Clegg 2016). A patient has the deficit when any of {@code
 * snomedCodes} is recorded in the look-back, or a value rule matches a recorded value.
 *
 * @param key kebab-case key, e.g. {@code activity-limitation} (as in the reference table)
 * @param lookbackMonths null means ever recorded before the index date (the original eFI);
 *     polypharmacy uses 12
 * @param snomedCodes the SNOMED CT concept ids of its list (empty for polypharmacy)
 * @param valueRules value-based rules (Barthel, 6CIT, haemoglobin...), possibly empty
 */
public record EfiDeficit(
    String key,
    String name,
    Integer lookbackMonths,
    Set<String> snomedCodes,
    List<ValueRule> valueRules) {
  public EfiDeficit {
    snomedCodes = Set.copyOf(snomedCodes);
    valueRules = List.copyOf(valueRules);
  }
}
