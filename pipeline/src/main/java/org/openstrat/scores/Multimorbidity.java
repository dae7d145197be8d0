package org.openstrat.scores;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.core.StratException;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.CodedEvents.CodeRule;
import org.openstrat.features.Features;
import org.openstrat.features.Medications.MedicationRule;
import org.openstrat.rules.LtcCondition;
import org.openstrat.rules.MultimorbidityRules;
import org.openstrat.spark.Codegen;

/**
 * Multimorbidity: the long-term conditions present (count) and the Cambridge Multimorbidity Score
 * (Payne RA et al., CMAJ 2020;192:E107-14), the sum of the weights of the conditions present.
 * A condition is present by its rule's logic (rules/multimorbidity/ltc-conditions.csv): {@code
 * code} a code in its look-back; {@code rx} at least min_issues_12m issues of its BNF prefixes in
 * the 12 months to as-of; {@code code_or_rx} either; {@code code_and_rx} both ("currently
 * treated").
 */
public final class Multimorbidity {
  private Multimorbidity() {}

  /** Family of condition code rules in the coded-event pass. */
  public static final String FAMILY = "ltc";

  /** Family of condition medicine rules in the medication pass. */
  public static final String RX_FAMILY = "ltc_rx";

  /** Prescription rules count issues in the 12 months to as-of (min_issues_12m). */
  public static final int RX_MONTHS = 12;

  public static final String LTC_COUNT = "ltc_count";
  public static final String LTC_CONDITIONS = "ltc_conditions";
  public static final String CMS_SCORE = "cms_score";

  /** Code rules of every condition (family {@link #FAMILY}), each in its look-back. */
  public static List<CodeRule> codeRules(MultimorbidityRules rules) {
    List<CodeRule> out = new ArrayList<>();
    for (LtcCondition c : rules.conditions()) {
      for (String code : c.snomedCodes()) {
        out.add(CodeRule.code(code, FAMILY, c.key(), c.lookbackMonths()));
      }
    }
    return out;
  }

  /** Medicine rules (family {@link #RX_FAMILY}): min_issues_12m issues over the BNF prefixes. */
  public static List<MedicationRule> medicationRules(MultimorbidityRules rules) {
    List<MedicationRule> out = new ArrayList<>();
    for (LtcCondition c : rules.conditions()) {
      if (c.minIssues12m() == null) {
        continue;
      }
      for (String prefix : c.bnfPrefixes()) {
        out.add(new MedicationRule(RX_FAMILY, c.key(), prefix, RX_MONTHS, c.minIssues12m()));
      }
    }
    return out;
  }

  /**
   * @param flags nhs_number, family, key: family {@link #FAMILY} = the condition's code evidence,
   *     {@link #RX_FAMILY} = its medicine evidence; other families are ignored
   * @return nhs_number, ltc_conditions (sorted keys), ltc_count (int), cms_score (rounded to 2
   *     decimals, the weights' precision); only patients with at least one condition
   */
  public static Dataset<Row> score(Dataset<Row> flags, MultimorbidityRules rules) {
    Column evidence = col(CodedEvents.EVIDENCE);
    return CodedEvents.evidence(flags)
        .select(col(Features.NHS_NUMBER), conditions(evidence, rules).as(LTC_CONDITIONS),
            cmsScore(evidence, rules).as(CMS_SCORE))
        .withColumn(LTC_COUNT, size(col(LTC_CONDITIONS)))
        .where(col(LTC_COUNT).gt(0));
  }

  /**
   * The ltc_conditions column (sorted keys) from a patient's evidence array ({@link
   * CodedEvents#evidence}; null = none): one Column per condition of the rule file, by its logic.
   */
  public static Column conditions(Column evidence, MultimorbidityRules rules) {
    List<Column> each = new ArrayList<>();
    for (LtcCondition c : rules.conditions()) {
      each.add(when(present(evidence, c), lit(c.key())));
    }
    if (each.isEmpty()) {
      return array().cast("array<string>");
    }
    // array_except drops the nulls (absent conditions) inside generated code; a filter lambda
    // would be evaluated row by row outside it. The keys are distinct, so nothing else is lost.
    return Codegen.sorted(
        array_except(array(each.toArray(Column[]::new)), array(lit(null).cast("string"))));
  }

  /** The cms_score column: sum of the present conditions' weights, rounded to 2 decimals. */
  public static Column cmsScore(Column evidence, MultimorbidityRules rules) {
    Column sum = lit(0.0);
    for (LtcCondition c : rules.conditions()) {
      sum = sum.plus(when(present(evidence, c), lit(c.cmsWeight())).otherwise(lit(0.0)));
    }
    return round(sum, 2);
  }

  private static Column present(Column evidence, LtcCondition c) {
    Column ev = coalesce(evidence, array().cast("array<string>"));
    Column code = array_contains(ev, FAMILY + ":" + c.key());
    Column rx = array_contains(ev, RX_FAMILY + ":" + c.key());
    return switch (c.logic()) {
      case "code" -> code;
      case "rx" -> rx;
      case "code_or_rx" -> code.or(rx);
      case "code_and_rx" -> code.and(rx);
      default -> throw StratException.config(
          "rules/multimorbidity/ltc-conditions.csv: condition " + c.key() + ": unknown logic "
              + c.logic() + " (code, rx, code_or_rx, code_and_rx)");
    };
  }
}
