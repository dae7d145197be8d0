package org.openstrat.rules;

/**
 * One term of the admission-risk model: contribution to the log-odds = {@code coefficient *
 * transform(value)}.
 *
 * @param transform {@code identity}, {@code log1p}, {@code indicator} (1 when value is true / > 0)
 *     or {@code cap:N} (min(value, N))
 * @param label plain-English explanation; {@code {value}} is replaced by the raw value
 */
public record ModelTerm(
    String feature, String transform, double coefficient, String label, String source) {

  /** The transformed value (booleans as 1/0 before calling). */
  public double transformed(double value) {
    if (transform.equals("identity")) {
      return value;
    }
    if (transform.equals("log1p")) {
      return Math.log1p(Math.max(0, value));
    }
    if (transform.equals("indicator")) {
      return value > 0 ? 1 : 0;
    }
    if (transform.startsWith("cap:")) {
      return Math.min(value, capLimit());
    }
    throw new IllegalStateException("transform " + transform);
  }

  /** N of {@code cap:N}; NaN for other transforms. */
  public double capLimit() {
    return transform.startsWith("cap:") ? Double.parseDouble(transform.substring(4)) : Double.NaN;
  }

  /**
   * The label with {@code {value}} replaced and each {@code {s}} made "s" unless the value is 1,
   * e.g. "3 emergency admissions in last 12 months", "1 emergency admission in last 12 months".
   */
  public String explain(String rawValue) {
    return label.replace("{value}", rawValue).replace(PLURAL, "1".equals(rawValue) ? "" : "s");
  }

  /** Label marker: "s" unless the value is exactly 1. */
  public static final String PLURAL = "{s}";
}
