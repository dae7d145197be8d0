package org.openstrat.generate;

import java.time.LocalDate;
import java.time.Period;
import java.util.Map;

/**
 * The plain logistic outcome process of {@code strat generate --outcomes logistic}: in place of the
 * hidden model's emergency admissions (docs/generator.md), each year of history (blocks of 12
 * months ending on the extract date's anniversaries) a patient registered and alive at the block's
 * start has one emergency admission in it with probability {@code logistic(lp)}, lp built from
 * what the pipeline observes on that day exactly as the admission-risk model's terms read it:
 * age bands in completed years, sex, IMD decile 1-2, and ln(1 + emergency admissions in the 12
 * months to that day, both ends included). Every other model term has a true coefficient of 0.
 * A backtest's {@code --fit} on such a system should give back {@link #COEFFICIENTS}.
 */
public final class LogisticOutcomes {
  private LogisticOutcomes() {}

  public static final double INTERCEPT = -2.0;

  /** The true coefficients by model feature name (rules/admission-risk/model.csv terms). */
  public static final Map<String, Double> COEFFICIENTS = Map.of(
      "age_65_74", 0.5,
      "age_75_84", 0.9,
      "age_85_plus", 1.3,
      "sex_male", 0.3,
      "imd_q1", 0.4,
      "emergency_admissions_12m", 1.2);

  /**
   * The linear predictor on {@code asOf}.
   *
   * @param imdDecile the patient's LSOA decile, or 0 when unknown (not in decile 1-2)
   * @param priorAdmissions emergency admissions dated from asOf minus 12 months to asOf
   */
  static double linearPredictor(LocalDate dob, LocalDate asOf, String sex, int imdDecile,
      int priorAdmissions) {
    int age = Period.between(dob, asOf).getYears();
    double lp = INTERCEPT;
    if (age >= 65 && age <= 74) {
      lp += COEFFICIENTS.get("age_65_74");
    } else if (age >= 75 && age <= 84) {
      lp += COEFFICIENTS.get("age_75_84");
    } else if (age >= 85) {
      lp += COEFFICIENTS.get("age_85_plus");
    }
    if ("M".equals(sex)) {
      lp += COEFFICIENTS.get("sex_male");
    }
    if (imdDecile >= 1 && imdDecile <= 2) {
      lp += COEFFICIENTS.get("imd_q1");
    }
    return lp + COEFFICIENTS.get("emergency_admissions_12m") * Math.log1p(priorAdmissions);
  }
}
