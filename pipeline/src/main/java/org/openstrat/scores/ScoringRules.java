package org.openstrat.scores;

import java.util.List;
import java.util.Map;
import org.openstrat.features.CodedEvents.CodeRule;
import org.openstrat.features.Medications.MedicationRule;

/**
 * Everything the scores stage needs from the rule files, as plain Java collections (the rules
 * loader's RuleSet is turned into this once per run), so each stage function can be tested with a
 * few hand-written rules.
 *
 * @param codeRules GP-event rules of families {@link Efi#FAMILY} and {@link Multimorbidity#FAMILY}
 * @param medicationRules BNF-prefix rules of family {@link Multimorbidity#FAMILY}
 * @param cmsWeights long-term condition key -&gt; Cambridge Multimorbidity Score weight
 * @param hfrsPoints ICD-10 3-character group -&gt; HFRS points
 * @param hfrsLookbackYears HFRS window in years (2)
 * @param hfrsIntermediateMin lowest intermediate HFRS (5)
 * @param hfrsHighAbove HFRS above which the band is high (15)
 * @param intercept admission-risk model intercept
 * @param terms admission-risk model terms
 * @param bands admission-risk bands
 */
public record ScoringRules(
    List<CodeRule> codeRules,
    List<MedicationRule> medicationRules,
    Map<String, Double> cmsWeights,
    Map<String, Double> hfrsPoints,
    int hfrsLookbackYears,
    double hfrsIntermediateMin,
    double hfrsHighAbove,
    double intercept,
    List<AdmissionRisk.Term> terms,
    List<AdmissionRisk.Band> bands) {}
