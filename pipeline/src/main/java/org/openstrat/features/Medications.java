package org.openstrat.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.cli.StratException;

/**
 * Medication-based rules (e.g. a long-term condition counted from 4 or more issues of a drug class
 * in 12 months): issues whose BNF code starts with one of a rule's prefixes, in the rule's window,
 * counted per patient and rule. Prefixes of any length are matched with equi-joins, not a
 * per-row scan of every prefix: each issue is expanded once per distinct prefix length.
 */
public final class Medications {
  private Medications() {}

  /**
   * @param family which score the rule feeds (e.g. {@code ltc})
   * @param key the condition key
   * @param bnfPrefix a BNF code prefix (chapter, section, paragraph or substance)
   * @param lookbackMonths window in months; null = ever (on or before as-of)
   * @param minIssues issues needed in the window (over all of the key's prefixes), at least 1
   */
  public record MedicationRule(
      String family, String key, String bnfPrefix, Integer lookbackMonths, int minIssues) {
    public MedicationRule {
      if (bnfPrefix == null || bnfPrefix.isBlank() || minIssues < 1) {
        throw StratException.config(
            "Medication rule " + family + "/" + key + ": needs a BNF prefix and min issues >= 1");
      }
    }
  }

  static final StructType RULE_SCHEMA =
      new StructType()
          .add("rule_prefix", DataTypes.StringType, false)
          .add(CodedEvents.FAMILY, DataTypes.StringType, false)
          .add(CodedEvents.KEY, DataTypes.StringType, false)
          .add("rule_months", DataTypes.IntegerType, true)
          .add("rule_min", DataTypes.IntegerType, false);

  /**
   * Which medication rules each patient meets.
   *
   * @return distinct nhs_number, family, key
   */
  public static Dataset<Row> flags(
      Dataset<Row> gpMedications, List<MedicationRule> rules, LocalDate asOf) {
    if (rules.isEmpty()) {
      return gpMedications.sparkSession().createDataFrame(List.of(),
          new StructType().add(Features.NHS_NUMBER, DataTypes.StringType)
              .add(CodedEvents.FAMILY, DataTypes.StringType)
              .add(CodedEvents.KEY, DataTypes.StringType));
    }
    List<Row> rows = new ArrayList<>();
    TreeSet<Integer> lengths = new TreeSet<>();
    for (MedicationRule r : rules) {
      rows.add(RowFactory.create(r.bnfPrefix(), r.family(), r.key(), r.lookbackMonths(),
          r.minIssues()));
      lengths.add(r.bnfPrefix().length());
    }
    Dataset<Row> table = gpMedications.sparkSession().createDataFrame(rows, RULE_SCHEMA);
    Column[] prefixes =
        lengths.stream().map(n -> substring(col("code"), 1, n)).toArray(Column[]::new);
    // Rules are matched against the distinct BNF codes (a few thousand behind 50M issues), not
    // every issue: a small code -> rule table, distinct so that a code matching two prefixes of
    // one rule counts once, broadcast back onto the issues. Cached before the join so the
    // optimiser keeps the prefix expansion on the distinct codes.
    Dataset<Row> codeRules =
        gpMedications.select(col("bnf_code").as("code")).where(col("code").isNotNull()).distinct()
            .cache()
            .select(col("code"), explode(array(prefixes)).as("prefix"))
            .join(broadcast(table), col("prefix").equalTo(col("rule_prefix")))
            .select(col("code"), col(CodedEvents.FAMILY), col(CodedEvents.KEY),
                col("rule_months"), col("rule_min"))
            .distinct();
    Column months = col("rule_months");
    Column inWindow =
        months.isNull().or(col("issue_date").geq(org.apache.spark.sql.functions.add_months(
            lit(asOf), months.multiply(-1))));
    // After validation an issue (nhs_number, issue_date, dmd_code, bnf_code) is unique: exact
    // copies are rejected, so each joined row is one issue meeting one rule.
    return gpMedications
        .where(Windows.onOrBefore(col("issue_date"), asOf).and(col("bnf_code").isNotNull()))
        .select(col(Features.NHS_NUMBER), col("issue_date"), col("bnf_code"))
        .join(broadcast(codeRules), col("bnf_code").equalTo(col("code")))
        .where(inWindow)
        .groupBy(col(Features.NHS_NUMBER), col(CodedEvents.FAMILY), col(CodedEvents.KEY),
            col("rule_min"))
        .agg(count(lit(1)).as("issues"))
        .where(col("issues").geq(col("rule_min")))
        .select(Features.NHS_NUMBER, CodedEvents.FAMILY, CodedEvents.KEY)
        .distinct();
  }
}
