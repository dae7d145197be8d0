package org.openstrat.scores;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.openstrat.core.StratException;
import org.openstrat.rules.AdmissionModel;
import org.openstrat.rules.Band;
import org.openstrat.rules.ModelTerm;
import org.openstrat.spark.Codegen;

/**
 * Emergency-admission risk: probability of at least one emergency admission in the next 12 months
 * from a logistic model whose terms are data (rules/admission-risk/model.csv). The linear predictor
 * is built generically, one Column per term, summed: {@code lp = intercept + sum(coefficient *
 * transform(feature))}; {@code admission_risk = 1 / (1 + exp(-lp))}.
 *
 * <p>Feature names are columns of the feature table the run builds (docs/scores.md lists them), or
 * {@code column=value} for a category (1 when the column equals the value, or for an array column
 * when it contains it). A null feature value contributes 0 (unknown is treated as absent).
 */
public final class AdmissionRisk {
  private AdmissionRisk() {}

  public static final String ADMISSION_RISK = "admission_risk";
  public static final String ADMISSION_RISK_BAND = "admission_risk_band";
  public static final String LINEAR_PREDICTOR = "admission_risk_lp";

  /**
   * Per-term contributions, array&lt;struct&lt;neg_contribution double, feature string, label
   * string&gt;&gt; (negated so that an ascending sort puts the largest first, ties by feature name);
   * consumed by {@link Explain#topFactors}.
   */
  public static final String CONTRIBUTIONS = "admission_risk_contributions";

  /** Age bands, IMD quintile, sex and social care indicators the model file names. */
  public static final String AGE_65_74 = "age_65_74";
  public static final String AGE_75_84 = "age_75_84";
  public static final String AGE_85_PLUS = "age_85_plus";
  public static final String SEX_MALE = "sex_male";
  public static final String IMD_Q1 = "imd_q1";
  public static final String SOCIAL_CARE_NURSING_RESIDENTIAL = "social_care_nursing_residential";
  public static final String SOCIAL_CARE_COMMUNITY = "social_care_community";
  public static final String SOCIAL_CARE_SHORT_TERM = "social_care_short_term";

  /**
   * Adds the derived features of {@link AdmissionModel#KNOWN_FEATURES} to a feature table that has
   * age, sex, imd_decile and social_care_services: age bands 65-74, 75-84, 85+ (completed years on
   * as-of); sex_male (sex M); imd_q1 (IMD decile 1 or 2, the most deprived fifth; unknown = not);
   * and one flag per kind of open social care service, by the service type's words (CLD service
   * types, A-Z matched as a-z): "nursing" or "residential" = care home; "short", "reablement" or
   * "st-max" = short-term; any other open service = community.
   */
  public static Dataset<Row> withModelFeatures(Dataset<Row> features) {
    Column age = col("age");
    Column services = col(org.openstrat.features.Features.SOCIAL_CARE_SERVICES);
    // The services joined by a separator no service type holds, tested by regular expressions:
    // built-in functions run inside generated code, where exists() lambdas would not.
    String sep = "\u0001";
    Column joined = Codegen.asciiLower(concat(lit(sep), array_join(services, sep), lit(sep)));
    String careHomeWords = "nursing|residential";
    String shortTermWords = "short|reablement|st-max";
    Column careHome = joined.rlike(careHomeWords);
    Column shortTerm = joined.rlike(shortTermWords);
    // an open service whose type holds none of those words (an empty array joins to two
    // separators, which the pattern would read as one empty service type)
    Column community = size(services).gt(0).and(joined.rlike(
        sep + "(?:(?!" + careHomeWords + "|" + shortTermWords + ")[^" + sep + "])*" + sep));
    return features
        .withColumn(AGE_65_74, age.between(65, 74))
        .withColumn(AGE_75_84, age.between(75, 84))
        .withColumn(AGE_85_PLUS, age.geq(85))
        .withColumn(SEX_MALE, col("sex").equalTo("M"))
        .withColumn(IMD_Q1, coalesce(col("imd_decile").leq(2), lit(false)))
        .withColumn(SOCIAL_CARE_NURSING_RESIDENTIAL, coalesce(careHome, lit(false)))
        .withColumn(SOCIAL_CARE_SHORT_TERM, coalesce(shortTerm, lit(false)))
        .withColumn(SOCIAL_CARE_COMMUNITY, coalesce(community, lit(false)));
  }

  /**
   * Adds admission_risk_lp, admission_risk, admission_risk_band and the contributions array.
   *
   * @param features one row per patient with every column a term names ({@link
   *     #withModelFeatures})
   */
  public static Dataset<Row> score(Dataset<Row> features, AdmissionModel model) {
    return score(features, model.intercept(), model.terms(), model.bands());
  }

  /**
   * {@link #score(Dataset, AdmissionModel)} from the model's parts.
   *
   * @param bands at least one; the band of p is the one with the largest minProbability &lt;= p
   */
  public static Dataset<Row> score(
      Dataset<Row> features, double intercept, List<ModelTerm> terms, List<Band> bands) {
    if (bands.isEmpty()) {
      throw StratException.config("Admission-risk model: no bands");
    }
    List<Column> contributions = new ArrayList<>();
    Column lp = lit(intercept);
    for (ModelTerm t : terms) {
      Column value = termValue(features, t);
      Column contribution = value.multiply(t.coefficient());
      lp = lp.plus(contribution);
      // Only terms that add to the risk are kept (null otherwise), so that Explain needs no
      // lambda (evaluated outside generated code) to drop the others.
      contributions.add(when(contribution.gt(0), struct(
          contribution.multiply(-1).as("neg_contribution"),
          lit(t.feature()).as("feature"),
          label(features, t).as("label"))));
    }
    Column p = lit(1.0).divide(lit(1.0).plus(exp(col(LINEAR_PREDICTOR).multiply(-1))));
    return features
        .withColumn(LINEAR_PREDICTOR, lp)
        .withColumn(ADMISSION_RISK, p)
        .withColumn(ADMISSION_RISK_BAND, band(col(ADMISSION_RISK), bands))
        .withColumn(CONTRIBUTIONS, array(contributions.toArray(Column[]::new)));
  }

  /** The band column: bands tested from the highest threshold down. */
  public static Column band(Column probability, List<Band> bands) {
    List<Band> sorted = new ArrayList<>(bands);
    sorted.sort(Comparator.comparingDouble(Band::minProbability).reversed());
    Column c = null;
    for (Band b : sorted) {
      c = c == null ? when(probability.geq(b.minProbability()), b.name())
          : c.when(probability.geq(b.minProbability()), b.name());
    }
    // below the lowest threshold (should not happen when the lowest is 0): the lowest band
    return c.otherwise(sorted.get(sorted.size() - 1).name());
  }

  /**
   * The value a term multiplies its coefficient by: the transformed feature, 0 when the feature is
   * null. The design matrix of a model fit ({@code backtest}) is built from these.
   */
  public static Column termValue(Dataset<Row> features, ModelTerm t) {
    return coalesce(transformed(features, t), lit(0.0));
  }

  private static Column transformed(Dataset<Row> features, ModelTerm t) {
    String tr = t.transform().trim().toLowerCase(Locale.ROOT);
    Column raw = raw(features, t);
    if (tr.equals("indicator")) {
      return indicator(features, t);
    }
    Column x = raw.cast("double");
    if (tr.equals("identity")) {
      return x;
    }
    if (tr.equals("log1p")) {
      return log1p(greatest(x, lit(0.0)));
    }
    if (tr.startsWith("cap:")) {
      double cap;
      try {
        cap = Double.parseDouble(tr.substring(4));
      } catch (NumberFormatException e) {
        throw StratException.config(
            "Admission-risk model: feature " + t.feature() + ": bad transform " + t.transform());
      }
      return least(x, lit(cap));
    }
    throw StratException.config(
        "Admission-risk model: feature " + t.feature() + ": unknown transform " + t.transform()
            + " (identity, log1p, indicator, cap:N)");
  }

  /** 1 when the feature is present: true, &gt; 0, equal to / containing the category value. */
  private static Column indicator(Dataset<Row> features, ModelTerm t) {
    String[] parts = split(t.feature());
    DataType type = type(features, parts[0], t);
    Column c = col(parts[0]);
    Column on;
    if (parts.length == 2) {
      on = type instanceof ArrayType
          ? org.apache.spark.sql.functions.array_contains(c, parts[1])
          : c.cast("string").equalTo(parts[1]);
    } else if (type instanceof BooleanType) {
      on = c;
    } else if (type instanceof StringType) {
      on = c.isNotNull().and(c.notEqual(""));
    } else {
      on = c.cast("double").gt(0);
    }
    return when(on, 1.0).otherwise(0.0);
  }

  private static Column raw(Dataset<Row> features, ModelTerm t) {
    String[] parts = split(t.feature());
    type(features, parts[0], t);
    return col(parts[0]);
  }

  /** The label with {value} filled: whole numbers without decimals, others to at most 2. */
  private static Column label(Dataset<Row> features, ModelTerm t) {
    String label = t.label() == null || t.label().isBlank() ? t.feature() : t.label();
    if (!label.contains("{value}")) {
      return lit(label.replace(ModelTerm.PLURAL, "s"));
    }
    String[] parts = split(t.feature());
    DataType type = type(features, parts[0], t);
    Column c = col(parts[0]);
    Column text;
    if (parts.length == 2) {
      text = lit(parts[1]);
    } else if (type instanceof StringType || type instanceof BooleanType) {
      text = c.cast("string");
    } else {
      Column d = c.cast("double");
      text = when(d.equalTo(org.apache.spark.sql.functions.round(d, 0)),
              d.cast("long").cast("string"))
          .otherwise(org.apache.spark.sql.functions.round(d, 2).cast("string"));
    }
    Column value = coalesce(text, lit("unknown"));
    Column plural = when(value.equalTo(lit("1")), lit("")).otherwise(lit("s"));
    int at = label.indexOf("{value}");
    List<Column> pieces = new ArrayList<>();
    pieces.addAll(literalWithPlurals(label.substring(0, at), plural));
    pieces.add(value);
    pieces.addAll(literalWithPlurals(label.substring(at + "{value}".length()), plural));
    return org.apache.spark.sql.functions.concat(pieces.toArray(new Column[0]));
  }

  /** A piece of label text as literals, each {@link ModelTerm#PLURAL} replaced by {@code plural}. */
  private static List<Column> literalWithPlurals(String text, Column plural) {
    List<Column> out = new ArrayList<>();
    String[] parts = text.split(java.util.regex.Pattern.quote(ModelTerm.PLURAL), -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.add(plural);
      }
      out.add(lit(parts[i]));
    }
    return out;
  }

  private static String[] split(String feature) {
    int eq = feature.indexOf('=');
    return eq < 0 ? new String[] {feature.trim()}
        : new String[] {feature.substring(0, eq).trim(), feature.substring(eq + 1).trim()};
  }

  private static DataType type(Dataset<Row> features, String column, ModelTerm t) {
    return Arrays.stream(features.schema().fields())
        .filter(f -> f.name().equals(column))
        .map(StructField::dataType)
        .findFirst()
        .orElseThrow(() -> StratException.config(
            "Admission-risk model: feature " + t.feature() + " is not a known feature (column "
                + column + ")"));
  }
}
