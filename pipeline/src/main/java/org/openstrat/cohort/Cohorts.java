package org.openstrat.cohort;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;
import static org.openstrat.cohort.CohortColumns.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Cohorts: ranked lists of the highest-risk patients per PCN and per ICC, their status against
 * the previous publication, and who left since then. Pure functions of Datasets (no reads,
 * writes or clock).
 *
 * <p><b>Size</b>: ceil(top_percent x eligible / 100) per group, integer arithmetic
 * ({@link CohortDefinition#size}); eligible = the group's scored patients matching the filter. Or,
 * sized by capacity, the top {@code top_n} (or the list's own {@code top_n.CODE}).
 *
 * <p><b>Ties</b>, in order: rank_by desc, admission_risk desc, efi desc, hfrs desc (nulls last),
 * then SHA-256 of (tie salt + nhs_number) asc, then nhs_number asc. The salted hash stops a tie at
 * the cut-off always favouring low NHS numbers, yet gives the same order on every rerun.
 *
 * <p><b>National data opt-outs</b> stay in cohorts: case-finding for the patient's own care team is
 * direct care, to which the national data opt-out does not apply (they are excluded from the
 * pseudonymised planning output instead). Type 1 opt-outs never reach the population.
 */
public final class Cohorts {
  private Cohorts() {}

  /** The cohort rows of every definition and level, with status against {@code previous}. */
  public static Dataset<Row> build(
      Dataset<Row> scores, CohortConfig config, Dataset<Row> previous) {
    Dataset<Row> out = null;
    for (CohortDefinition d : config.definitions()) {
      for (CohortLevel l : d.levels()) {
        Dataset<Row> one = select(scores, d, l, config.tieSalt());
        out = out == null ? one : out.unionByName(one);
      }
    }
    return withStatus(out, previous);
  }

  /** One definition at one level: ranked rows, status not yet set (null). */
  public static Dataset<Row> select(
      Dataset<Row> scores, CohortDefinition def, CohortLevel level, String tieSalt) {
    Column group = col(level.groupColumn());
    Dataset<Row> eligible = scores.filter(group.isNotNull().and(eligibility(def, scores)));
    WindowSpec ordered = Window.partitionBy(group).orderBy(rankOrder(col(def.rankBy()), tieSalt));
    Column n = count(lit(1)).over(Window.partitionBy(group)).cast("long");
    Column size = def.byCapacity() ? capacity(group, def) : topSize(n, def.topPercent());
    Dataset<Row> ranked =
        eligible
            .withColumn(RANK, row_number().over(ordered))
            .withColumn(ELIGIBLE, n)
            .withColumn("_size", size)
            .filter(col(RANK).leq(col("_size")));
    return ranked.select(rowColumns(def, level));
  }

  /**
   * Who may be on a list of {@code def}: the filter (a null never matches), and for {@code
   * rank_by=risk_rise} an earlier score to rise from (patients without one are counted apart by
   * {@link RiskRise#withoutEarlier}, not ranked).
   */
  static Column eligibility(CohortDefinition def, Dataset<Row> scores) {
    Column filter = FilterParser.parse(def.filter(), scores.schema(), "cohort." + def.name() + ".filter");
    Column ok = coalesce(filter, lit(false));
    return def.rankBy().equals(RiskRise.COLUMN) ? ok.and(col(RiskRise.COLUMN).isNotNull()) : ok;
  }

  /**
   * A capacity-sized list's length: the list's own {@code top_n.CODE} if configured, else {@code
   * top_n}. Ties at the cut are settled by the rank order, so exactly that many are listed (or
   * everyone eligible, if fewer).
   */
  static Column capacity(Column group, CohortDefinition def) {
    Column size = lit((long) def.topN());
    for (var e : def.topNByGroup().entrySet()) {
      size = when(group.equalTo(e.getKey()), lit((long) e.getValue())).otherwise(size);
    }
    return size;
  }

  /**
   * The order of a ranked list, highest first: {@code rankBy}, then the ties rule (class comment).
   * The backtest ranks its top shares with this too, so they are chosen as the cohorts are.
   */
  public static Column[] rankOrder(Column rankBy, String tieSalt) {
    return new Column[] {
      rankBy.desc_nulls_last(),
      col("admission_risk").desc_nulls_last(),
      col("efi").desc_nulls_last(),
      col("hfrs").desc_nulls_last(),
      sha2(concat(lit(tieSalt), col(NHS_NUMBER)), 256).asc(),
      col(NHS_NUMBER).asc()
    };
  }

  /**
   * The size of a top-{@code percent}% list of {@code eligible} patients as a column:
   * ceil(percent x eligible / 100) in integer arithmetic ({@link CohortDefinition#size}).
   */
  public static Column topSize(Column eligible, int percent) {
    Column scaled = eligible.multiply(percent).plus(99);
    return scaled.minus(pmod(scaled, lit(100L))).divide(100).cast("long");
  }

  private static Column[] rowColumns(CohortDefinition def, CohortLevel level) {
    List<Column> cs = new ArrayList<>();
    for (String c : ROW) {
      cs.add(
          switch (c) {
            case COHORT -> lit(def.name()).as(COHORT);
            case LEVEL -> lit(level.key()).as(LEVEL);
            case GROUP -> col(level.groupColumn()).as(GROUP);
            case STATUS -> lit(null).cast("string").as(STATUS);
            case FACTOR_1 -> factor(1);
            case FACTOR_2 -> factor(2);
            case FACTOR_3 -> factor(3);
            case RISE_PCT -> def.rankBy().equals(RiskRise.COLUMN)
                ? round(col(RiskRise.COLUMN).multiply(100), 1).as(RISE_PCT)
                : lit(null).cast("double").as(RISE_PCT);
            default -> col(c);
          });
    }
    return cs.toArray(new Column[0]);
  }

  private static Column factor(int i) {
    Column f = col("top_factors");
    return when(f.isNotNull().and(size(f).geq(i)), element_at(f, i))
        .cast("string")
        .as("factor_" + i);
  }

  /**
   * Sets status: {@code continuing} if the patient was in the previous publication of the same
   * cohort, level and group, else {@code new}. {@code previous} may be null (first run).
   */
  public static Dataset<Row> withStatus(Dataset<Row> current, Dataset<Row> previous) {
    if (previous == null) {
      return current.withColumn(STATUS, lit(NEW));
    }
    Dataset<Row> prev =
        previous
            .select(col(COHORT), col(LEVEL), col(GROUP), col(NHS_NUMBER))
            .distinct()
            .withColumn("_prev", lit(true));
    Dataset<Row> j =
        current.join(prev, scala(List.of(COHORT, LEVEL, GROUP, NHS_NUMBER)), "left_outer");
    Column status = when(col("_prev").isNotNull(), lit(CONTINUING)).otherwise(lit(NEW));
    return j.withColumn(STATUS, status).select(ROW.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Who was in the previous publication of a configured cohort (same cohort, level and group) and
   * is not in {@code current}, with the first reason that applies: {@code died} (date of death on
   * or before as-of in {@code deaths}), {@code deregistered} (no longer in the scored population),
   * {@code moved} (now in another group), {@code no_longer_eligible} (fails the filter),
   * {@code risk_fell} (eligible but ranked below the cut-off).
   *
   * @param deaths nhs_number, date_of_death (the patients extract; may be null)
   * @param asOf the as-of date as a Column literal is built from this
   */
  public static Dataset<Row> leavers(
      Dataset<Row> previous,
      Dataset<Row> current,
      Dataset<Row> scores,
      Dataset<Row> deaths,
      CohortConfig config,
      java.time.LocalDate asOf) {
    if (previous == null) {
      return null;
    }
    List<String> key = List.of(COHORT, LEVEL, GROUP, NHS_NUMBER);
    Dataset<Row> gone =
        previous
            .select(col(COHORT), col(LEVEL), col(GROUP), col(NHS_NUMBER), col(RANK).as(PREVIOUS_RANK),
                col(PRACTICE_CODE), col(PCN_CODE))
            .join(current.select(key.stream().map(c -> col(c)).toArray(Column[]::new)), scala(key), "left_anti");
    Dataset<Row> dead =
        deaths == null
            ? null
            : deaths
                .filter(col("date_of_death").isNotNull().and(col("date_of_death").leq(lit(java.sql.Date.valueOf(asOf)))))
                .select(col(NHS_NUMBER))
                .distinct()
                .withColumn("_died", lit(true));
    Dataset<Row> out = null;
    for (CohortDefinition d : config.definitions()) {
      Column eligible = eligibility(d, scores);
      for (CohortLevel l : d.levels()) {
        Dataset<Row> now =
            scores.select(
                col(NHS_NUMBER),
                col(l.groupColumn()).as("_group_now"),
                eligible.as("_eligible"));
        Dataset<Row> g =
            gone.filter(col(COHORT).equalTo(d.name()).and(col(LEVEL).equalTo(l.key())))
                .join(now, scala(List.of(NHS_NUMBER)), "left_outer");
        if (dead != null) {
          g = g.join(dead, scala(List.of(NHS_NUMBER)), "left_outer");
        } else {
          g = g.withColumn("_died", lit(null).cast("boolean"));
        }
        Column reason =
            when(col("_died").isNotNull(), lit(DIED))
                .when(col("_eligible").isNull(), lit(DEREGISTERED))
                .when(
                    col("_group_now").isNull().or(col("_group_now").notEqual(col(GROUP))),
                    lit(MOVED))
                .when(col("_eligible").equalTo(false), lit(NO_LONGER_ELIGIBLE))
                .otherwise(lit(RISK_FELL));
        Dataset<Row> one =
            g.withColumn(REASON, reason)
                .select(LEAVER.stream().map(c -> col(c)).toArray(Column[]::new));
        out = out == null ? one : out.unionByName(one);
      }
    }
    return out;
  }

  /** Java list to the Scala Seq that Dataset.join's column-name form takes. */
  public static scala.collection.immutable.Seq<String> scala(List<String> cols) {
    return scala.jdk.javaapi.CollectionConverters.asScala(cols).toList();
  }
}
