package org.openstrat.scores;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.cli.StratException;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.CodedEvents.CodeRule;
import org.openstrat.features.Features;
import org.openstrat.features.Medications.MedicationRule;
import org.openstrat.rules.LtcCondition;
import org.openstrat.rules.MultimorbidityRules;

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
    List<Row> rows = new ArrayList<>();
    for (LtcCondition c : rules.conditions()) {
      if (!List.of("code", "rx", "code_or_rx", "code_and_rx").contains(c.logic())) {
        throw StratException.config(
            "rules/multimorbidity/ltc-conditions.csv: condition " + c.key() + ": unknown logic "
                + c.logic());
      }
      rows.add(RowFactory.create(c.key(), c.logic(), c.cmsWeight()));
    }
    Dataset<Row> conditions =
        broadcast(flags.sparkSession().createDataFrame(rows,
            new StructType().add("ltc_key", DataTypes.StringType, false)
                .add("ltc_logic", DataTypes.StringType, false)
                .add("cms_weight", DataTypes.DoubleType, false)));
    Column family = col(CodedEvents.FAMILY);
    Dataset<Row> evidence =
        flags.where(family.isin(FAMILY, RX_FAMILY))
            .groupBy(Features.NHS_NUMBER, CodedEvents.KEY)
            .agg(max(when(family.equalTo(FAMILY), true).otherwise(false)).as("has_code"),
                max(when(family.equalTo(RX_FAMILY), true).otherwise(false)).as("has_rx"));
    Column code = col("has_code");
    Column rx = col("has_rx");
    Column logic = col("ltc_logic");
    Column present =
        when(logic.equalTo("code"), code)
            .when(logic.equalTo("rx"), rx)
            .when(logic.equalTo("code_or_rx"), code.or(rx))
            .when(logic.equalTo("code_and_rx"), code.and(rx))
            .otherwise(false);
    return evidence
        .join(conditions, col(CodedEvents.KEY).equalTo(col("ltc_key")))
        .where(present)
        .groupBy(Features.NHS_NUMBER)
        .agg(
            array_sort(collect_set(col(CodedEvents.KEY))).as(LTC_CONDITIONS),
            round(sum(col("cms_weight")), 2).as(CMS_SCORE))
        .withColumn(LTC_COUNT, size(col(LTC_CONDITIONS)));
  }
}
