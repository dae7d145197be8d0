package org.openstrat.rules;

/**
 * A value-based eFI rule: a recorded numeric value for {@code snomedCode} counts toward the deficit
 * when it satisfies {@code operator threshold} (and the patient's sex, when {@code sex} is set).
 *
 * @param operator one of {@code <, <=, >, >=, any}; {@code any} means any recorded value counts
 * @param threshold the comparison value; {@link Double#NaN} when the operator is {@code any}
 * @param sex {@code M} or {@code F}, or null for either
 * @param unit the unit the threshold is in (e.g. {@code g/L}); informational
 */
public record ValueRule(
    String deficitKey,
    String snomedCode,
    String operator,
    double threshold,
    String sex,
    String unit) {

  /** True when a recorded {@code value} for a patient of {@code patientSex} satisfies the rule. */
  public boolean matches(double value, String patientSex) {
    if (sex != null && !sex.equals(patientSex)) {
      return false;
    }
    return switch (operator) {
      case "<" -> value < threshold;
      case "<=" -> value <= threshold;
      case ">" -> value > threshold;
      case ">=" -> value >= threshold;
      case "any" -> true;
      default -> throw new IllegalStateException("operator " + operator);
    };
  }
}
