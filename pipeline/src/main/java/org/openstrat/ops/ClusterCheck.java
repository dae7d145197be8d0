package org.openstrat.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.util.CheckDigits;

/**
 * A small deterministic job that proves a Spark cluster can run strat's code: the Modulus 11
 * check runs as a typed map over {@link CheckDigits}, so executors must load strat.jar (a built-in
 * expression would not prove that; this is the one place a lambda is the point). Synthetic
 * numbers only; no patient data is involved.
 */
public final class ClusterCheck {
  /** Column of the candidate numbers (10-digit strings made from the row id). */
  public static final String NUMBER = "number";
  /** Column of the check result. */
  public static final String VALID = "valid";
  /** Schema of {@link #check}: number, valid. */
  public static final StructType CHECKED =
      new StructType()
          .add(NUMBER, DataTypes.StringType, false)
          .add(VALID, DataTypes.BooleanType, false);

  private ClusterCheck() {}

  /**
   * Candidate 10-digit numbers from ids: {@code 4000000000 + id * 7919}, a prime stride so the
   * check digits vary. The same ids give the same numbers on any master.
   */
  public static Dataset<String> candidates(Dataset<Long> ids) {
    return ids.toDF("id")
        .select(
            format_string("%010d", lit(4_000_000_000L).plus(col("id").multiply(7919L))).as(NUMBER))
        .as(Encoders.STRING());
  }

  /** Each candidate with its Modulus 11 validity, computed on the executors by strat's code. */
  public static Dataset<Row> check(Dataset<String> numbers) {
    return numbers.map(
        (MapFunction<String, Row>) n -> RowFactory.create(n, CheckDigits.nhsNumberValid(n)),
        Encoders.row(CHECKED));
  }

  /**
   * One row: {@code rows}, {@code valid} and {@code checksum} (the sum of xxhash64 of the valid
   * numbers; order-free, so any partitioning gives the same value).
   */
  public static Dataset<Row> summarise(Dataset<Row> checked) {
    return checked.agg(
        count(lit(1)).as("rows"),
        sum(when(col(VALID), 1L).otherwise(0L)).as("valid"),
        sum(when(col(VALID), xxhash64(col(NUMBER))).otherwise(0L)).as("checksum"));
  }
}
