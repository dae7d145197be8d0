package org.openstrat.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.StratException;
import org.openstrat.spark.Codegen;

/**
 * One pass over GP events for every code-list rule of every score: each event is joined to a
 * broadcast table {@code snomed_code -> (family, key, window, value test)} and the result is the set
 * of (patient, family, key) that some event on or before as-of satisfies. eFI deficits and
 * long-term conditions share this pass, so the ~50M-row events table is read once.
 */
public final class CodedEvents {
  private CodedEvents() {}

  public static final String FAMILY = "family";
  public static final String KEY = "key";

  /** Per-patient evidence column: array of {@code family:key}, see {@link #evidence}. */
  public static final String EVIDENCE = "evidence";

  /**
   * All of a patient's rule matches in one array, {@code family:key} (e.g. {@code efi:falls},
   * {@code ltc_rx:asthma}), so eFI and multimorbidity read one per-patient table: the GP-events
   * join behind the flags is computed once, not once per score.
   *
   * @param flags nhs_number, family, key (any number of sources, already unioned)
   * @return nhs_number, evidence (array&lt;string&gt;), one row per patient with any match
   */
  public static Dataset<Row> evidence(Dataset<Row> flags) {
    return flags
        .groupBy(Features.NHS_NUMBER)
        .agg(org.apache.spark.sql.functions.collect_set(
            org.apache.spark.sql.functions.concat_ws(":", col(FAMILY), col(KEY))).as(EVIDENCE));
  }

  /**
   * The keys of one family in an evidence array (prefix {@code family:} removed), sorted. The
   * array is joined with a separator no key holds and the keys are taken by one regular
   * expression: built-in functions run inside generated code, where filter and transform lambdas
   * would be evaluated row by row outside it.
   */
  public static Column keys(Column evidence, String family) {
    String sep = "\u0001";
    Column joined = org.apache.spark.sql.functions.concat(lit(sep),
        org.apache.spark.sql.functions.array_join(evidence, sep));
    String pattern = sep + java.util.regex.Pattern.quote(family + ":") + "([^" + sep + "]*)";
    return Codegen.sorted(
        org.apache.spark.sql.functions.regexp_extract_all(joined, lit(pattern), lit(1)));
  }

  /** Value tests a rule may carry. {@code any}: a numeric value is recorded, whatever it is. */
  public static final Set<String> OPERATORS = Set.of("<", "<=", ">", ">=", "=", "any");

  /**
   * One code-list rule.
   *
   * @param snomedCode the SNOMED CT concept id the event must carry
   * @param family which score the rule feeds, e.g. {@code efi} or {@code ltc}
   * @param key the deficit or condition key
   * @param lookbackMonths window length in months; null = ever (on or before as-of)
   * @param operator null = the code alone counts; else the event's numeric_value must pass {@code
   *     numeric_value OP threshold} ({@link #OPERATORS})
   * @param threshold the value the operator compares with (unused for {@code any})
   * @param sex null = any patient; else only patients of this sex (population {@code sex})
   */
  public record CodeRule(
      String snomedCode,
      String family,
      String key,
      Integer lookbackMonths,
      String operator,
      Double threshold,
      String sex) {
    public CodeRule {
      if (operator != null && !OPERATORS.contains(operator)) {
        throw StratException.config(
            "Rule " + family + "/" + key + " code " + snomedCode + ": unknown operator " + operator);
      }
      if (operator != null && !"any".equals(operator) && threshold == null) {
        throw StratException.config(
            "Rule " + family + "/" + key + " code " + snomedCode + ": operator " + operator
                + " needs a threshold");
      }
    }

    /** A plain code-list entry: the code alone counts. */
    public static CodeRule code(String snomedCode, String family, String key, Integer lookbackMonths) {
      return new CodeRule(snomedCode, family, key, lookbackMonths, null, null, null);
    }
  }

  static final StructType RULE_SCHEMA =
      new StructType()
          .add("rule_code", DataTypes.StringType, false)
          .add(FAMILY, DataTypes.StringType, false)
          .add(KEY, DataTypes.StringType, false)
          .add("rule_months", DataTypes.IntegerType, true)
          .add("rule_op", DataTypes.StringType, true)
          .add("rule_threshold", DataTypes.DoubleType, true)
          .add("rule_sex", DataTypes.StringType, true);

  /** The rules as a small table, to broadcast. */
  public static Dataset<Row> ruleTable(SparkSession spark, List<CodeRule> rules) {
    List<Row> rows = new ArrayList<>(rules.size());
    for (CodeRule r : rules) {
      rows.add(RowFactory.create(r.snomedCode(), r.family(), r.key(), r.lookbackMonths(),
          r.operator(), r.threshold(), r.sex()));
    }
    return spark.createDataFrame(rows, RULE_SCHEMA);
  }

  /**
   * Which rules each population patient meets.
   *
   * @param gpEvents typed gp_events (nhs_number, event_date, snomed_code, numeric_value)
   * @param population at least nhs_number and sex; patients outside it are dropped
   * @param rules the rules of every family
   * @return distinct nhs_number, family, key
   */
  public static Dataset<Row> flags(
      Dataset<Row> gpEvents, Dataset<Row> population, List<CodeRule> rules, LocalDate asOf) {
    Dataset<Row> table = broadcast(ruleTable(gpEvents.sparkSession(), rules));
    Column value = col("numeric_value");
    Column threshold = col("rule_threshold");
    Column op = col("rule_op");
    Column passes =
        when(op.isNull(), lit(true))
            .when(op.equalTo("<"), value.lt(threshold))
            .when(op.equalTo("<="), value.leq(threshold))
            .when(op.equalTo(">"), value.gt(threshold))
            .when(op.equalTo(">="), value.geq(threshold))
            .when(op.equalTo("="), value.equalTo(threshold))
            .when(op.equalTo("any"), value.isNotNull())
            .otherwise(lit(false));
    Column months = col("rule_months");
    Column inWindow =
        months.isNull().or(col("event_date").geq(org.apache.spark.sql.functions.add_months(
            lit(asOf), months.multiply(-1))));
    Dataset<Row> matched =
        gpEvents
            .where(Windows.onOrBefore(col("event_date"), asOf))
            .join(table, col("snomed_code").equalTo(col("rule_code")))
            .where(inWindow.and(passes))
            .select(col(Features.NHS_NUMBER), col(FAMILY), col(KEY), col("rule_sex"))
            .distinct();
    Dataset<Row> sexes = population.select(col(Features.NHS_NUMBER), col("sex").as("patient_sex"));
    return matched
        .join(sexes, Features.NHS_NUMBER)
        .where(col("rule_sex").isNull().or(col("rule_sex").equalTo(col("patient_sex"))))
        .select(Features.NHS_NUMBER, FAMILY, KEY)
        .distinct();
  }
}
