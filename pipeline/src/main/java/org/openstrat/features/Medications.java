package org.openstrat.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.StratException;

/**
 * Medication-based rules (e.g. a long-term condition counted from 4 or more issues of a drug class
 * in 12 months): issues whose BNF code starts with one of a rule's prefixes, in the rule's window,
 * counted per patient and rule. The issues are first summarised per patient and BNF code
 * ({@link #issuesByCode}, shared with polypharmacy); prefixes of any length are then matched with
 * equi-joins on the distinct codes.
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

  /** Column of {@link #issuesByCode}: issues on or before as-of (for an "ever" window). */
  public static final String ISSUES_EVER = "issues_ever";

  /** Column of {@link #issuesByCode}: issues in the {@code months} months to as-of. */
  public static String issuesIn(int months) {
    return "issues_" + months + "m";
  }

  /**
   * The medicine issues every medicine feature reads, summarised once: per patient and BNF code,
   * the issues in each window ({@link #issuesIn}, {@link Windows#lastMonths}; a null window is
   * "ever", {@link #ISSUES_EVER}). Only issues inside the longest window are read, and issues
   * without a BNF code are left out (no rule or substance can use them). The medication rules and
   * polypharmacy both read this instead of the 50M issues.
   *
   * @param windows the window lengths in months to count, null for "on or before as-of"
   * @return nhs_number, bnf_code, then issues_Nm (long) per window, issues_ever for null
   */
  public static Dataset<Row> issuesByCode(
      Dataset<Row> gpMedications, LocalDate asOf, Collection<Integer> windows) {
    Column date = col("issue_date");
    boolean ever = false;
    TreeSet<Integer> months = new TreeSet<>();
    for (Integer m : windows) { // not contains(null): immutable lists refuse the question
      if (m == null) {
        ever = true;
      } else {
        months.add(m);
      }
    }
    List<Column> counts = new ArrayList<>();
    for (int m : months) {
      counts.add(sum(when(Windows.lastMonths(date, asOf, m), 1L).otherwise(0L)).as(issuesIn(m)));
    }
    if (ever) {
      counts.add(count(lit(1)).as(ISSUES_EVER));
    }
    if (counts.isEmpty()) {
      throw new IllegalArgumentException("issuesByCode needs at least one window");
    }
    Integer longest = ever ? null : months.last();
    return gpMedications
        .where(Windows.lastMonths(date, asOf, longest).and(col("bnf_code").isNotNull()))
        .groupBy(col(Features.NHS_NUMBER), col("bnf_code"))
        .agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new));
  }

  /** The windows {@code rules} count in, null for an "ever" rule, for {@link #issuesByCode}. */
  public static List<Integer> windows(List<MedicationRule> rules) {
    List<Integer> w = new ArrayList<>();
    for (MedicationRule r : rules) {
      if (!w.contains(r.lookbackMonths())) {
        w.add(r.lookbackMonths());
      }
    }
    return w;
  }

  /**
   * Which medication rules each patient meets, from typed gp_medications.
   *
   * @return distinct nhs_number, family, key
   */
  public static Dataset<Row> flags(
      Dataset<Row> gpMedications, List<MedicationRule> rules, LocalDate asOf) {
    // No rules: nothing to summarise (the result is empty whatever the issues).
    return flags(rules.isEmpty() ? gpMedications : issuesByCode(gpMedications, asOf,
        windows(rules)), rules);
  }

  /**
   * Which medication rules each patient meets, from {@link #issuesByCode} with (at least) every
   * window of {@link #windows}{@code (rules)}.
   *
   * @return distinct nhs_number, family, key
   */
  public static Dataset<Row> flags(Dataset<Row> issuesByCode, List<MedicationRule> rules) {
    if (rules.isEmpty()) {
      return issuesByCode.sparkSession().createDataFrame(List.of(),
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
    Dataset<Row> table = issuesByCode.sparkSession().createDataFrame(rows, RULE_SCHEMA);
    Column[] prefixes =
        lengths.stream().map(n -> substring(col("code"), 1, n)).toArray(Column[]::new);
    // Rules are matched against the distinct BNF codes (a few thousand behind 50M issues), not
    // every issue: a small code -> rule table, distinct so that a code matching two prefixes of
    // one rule counts once, broadcast back. Cached before the join so the optimiser keeps the
    // prefix expansion on the distinct codes.
    Dataset<Row> codeRules =
        issuesByCode.select(col("bnf_code").as("code")).distinct()
            .cache()
            .select(col("code"), explode(array(prefixes)).as("prefix"))
            .join(broadcast(table), col("prefix").equalTo(col("rule_prefix")))
            .select(col("code"), col(CodedEvents.FAMILY), col(CodedEvents.KEY),
                col("rule_months"), col("rule_min"))
            .distinct();
    // The rule's window picks its count: "ever", or the issues in its months.
    Column months = col("rule_months");
    Column inWindow = lit(null).cast(DataTypes.LongType);
    for (Integer m : windows(rules)) {
      inWindow = m == null
          ? when(months.isNull(), col(ISSUES_EVER)).otherwise(inWindow)
          : when(months.equalTo(m), col(issuesIn(m))).otherwise(inWindow);
    }
    // After validation an issue (nhs_number, issue_date, dmd_code, bnf_code) is unique: exact
    // copies are rejected, so the counts are of distinct issues.
    return issuesByCode
        .join(broadcast(codeRules), col("bnf_code").equalTo(col("code")))
        .groupBy(col(Features.NHS_NUMBER), col(CodedEvents.FAMILY), col(CodedEvents.KEY),
            col("rule_min"))
        .agg(sum(inWindow).as("issues"))
        .where(col("issues").geq(col("rule_min")))
        .select(Features.NHS_NUMBER, CodedEvents.FAMILY, CodedEvents.KEY)
        .distinct();
  }
}
