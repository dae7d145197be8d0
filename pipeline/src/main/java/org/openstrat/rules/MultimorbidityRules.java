package org.openstrat.rules;

import java.util.List;
import java.util.Optional;

/** The 20 Cambridge Multimorbidity Score conditions, in file order. */
public record MultimorbidityRules(List<LtcCondition> conditions) {
  public static final int CONDITION_COUNT = 20;

  public MultimorbidityRules {
    conditions = List.copyOf(conditions);
  }

  public Optional<LtcCondition> condition(String key) {
    return conditions.stream().filter(c -> c.key().equals(key)).findFirst();
  }
}
