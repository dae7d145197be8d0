package org.openstrat.rules;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Logistic model for P(at least one emergency admission in the next 12 months): {@code p = 1 / (1 +
 * exp(-(intercept + sum(coefficient * transform(value)))))}.
 *
 * @param version the {@code # version:} of model.csv (recorded in run manifests)
 * @param bands ascending by minimum probability; the first has minimum 0
 */
public record AdmissionModel(
    String version, double intercept, List<ModelTerm> terms, List<Band> bands) {

  /** Every feature name the model may use; the scores stage computes each under this name. */
  public static final List<String> KNOWN_FEATURES =
      List.of(
          "age_65_74",
          "age_75_84",
          "age_85_plus",
          "age",
          "sex_male",
          "imd_decile",
          "imd_q1",
          "efi",
          "hfrs",
          "ltc_count",
          "polypharmacy_count",
          "emergency_admissions_12m",
          "bed_days_12m",
          "ae_attendances_12m",
          "op_dna_12m",
          "social_care_nursing_residential",
          "social_care_community",
          "social_care_short_term",
          "lives_alone",
          "category1_hazard",
          "homeless_or_temporary");

  public AdmissionModel {
    terms = List.copyOf(terms);
    bands = bands.stream().sorted(Comparator.comparingDouble(Band::minProbability)).toList();
  }

  public Optional<ModelTerm> term(String feature) {
    return terms.stream().filter(t -> t.feature().equals(feature)).findFirst();
  }

  /** Probability for raw feature values (missing features count as 0). Reference for tests. */
  public double probability(Map<String, Double> values) {
    double z = intercept;
    for (ModelTerm t : terms) {
      Double v = values.get(t.feature());
      z += t.coefficient() * t.transformed(v == null ? 0 : v);
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** The band name for a probability: the last band whose minimum it reaches. */
  public String band(double probability) {
    String name = bands.get(0).name();
    for (Band b : bands) {
      if (probability >= b.minProbability()) {
        name = b.name();
      }
    }
    return name;
  }
}
