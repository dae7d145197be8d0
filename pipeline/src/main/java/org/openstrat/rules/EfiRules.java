package org.openstrat.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The electronic Frailty Index rules: the 36 deficits in file order. */
public record EfiRules(List<EfiDeficit> deficits) {
  /** The eFI denominator: a score is deficits present / 36. */
  public static final int DEFICIT_COUNT = 36;

  /** Key of the one deficit with no code list (>= {@link #POLYPHARMACY_MIN} medicines in 12 months). */
  public static final String POLYPHARMACY = "polypharmacy";

  /** Distinct medicines issued in the 12 months before the index date that make polypharmacy. */
  public static final int POLYPHARMACY_MIN = 5;

  public EfiRules {
    deficits = List.copyOf(deficits);
  }

  public int count() {
    return deficits.size();
  }

  public Optional<EfiDeficit> deficit(String key) {
    return deficits.stream().filter(d -> d.key().equals(key)).findFirst();
  }

  /**
   * SNOMED code -> the deficit keys it counts toward, in file order. Most codes count toward one
   * deficit; a few sit on two deficits' original lists (e.g. diabetic nephropathy: diabetes and
   * CKD) and count toward both (listed in rules/efi/CHANGES.md).
   */
  public Map<String, List<String>> deficitsByCode() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (EfiDeficit d : deficits) {
      for (String c : d.snomedCodes()) {
        m.computeIfAbsent(c, k -> new ArrayList<>()).add(d.key());
      }
    }
    m.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(m);
  }

  /** Every value rule of every deficit, in file order of deficits. */
  public List<ValueRule> valueRules() {
    return deficits.stream().flatMap(d -> d.valueRules().stream()).toList();
  }

  /**
   * eFI category from the deficit count (counts, not the 0-1 score, to avoid floating-point edges):
   * 0-4 fit, 5-8 mild, 9-12 moderate, 13+ severe (0.12, 0.24, 0.36 of 36; Clegg 2016).
   */
  public static String category(int deficitCount) {
    if (deficitCount <= 4) {
      return "fit";
    }
    if (deficitCount <= 8) {
      return "mild";
    }
    return deficitCount <= 12 ? "moderate" : "severe";
  }
}
