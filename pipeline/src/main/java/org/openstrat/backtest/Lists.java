package org.openstrat.backtest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The lists a backtest judges: the whole population ({@code all}, code {@code ALL}), each PCN and
 * each ICC, the groups the cohorts are ranked in. A patient appears once per list they belong to.
 */
public final class Lists {
  private Lists() {}

  public static final String LEVEL = "list_level";
  public static final String CODE = "list_code";
  public static final String ALL = "all";
  public static final String ALL_CODE = "ALL";

  /** {@code frame} (with pcn_code and icc_code) once per list, with {@link #LEVEL} and {@link #CODE}. */
  public static Dataset<Row> of(Dataset<Row> frame) {
    Dataset<Row> all = frame.withColumn(LEVEL, lit(ALL)).withColumn(CODE, lit(ALL_CODE));
    Dataset<Row> pcn =
        frame.where(col("pcn_code").isNotNull())
            .withColumn(LEVEL, lit("pcn"))
            .withColumn(CODE, col("pcn_code"));
    Dataset<Row> icc =
        frame.where(col("icc_code").isNotNull())
            .withColumn(LEVEL, lit("icc"))
            .withColumn(CODE, col("icc_code"));
    return all.unionByName(pcn).unionByName(icc);
  }

  /** A list's key as one string, {@code level/code}, for maps of results. */
  public static String key(String level, String code) {
    return level + "/" + code;
  }
}
