package org.openstrat.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.openstrat.testing.SparkTestBase;

/** Held rows: computed once, read by a plan that does not carry the plan that made them. */
class KeptTest extends SparkTestBase {

  /** A plan with a recognisable step: an aggregate over a shuffle. */
  private Dataset<Row> made() {
    return spark().range(100).withColumn("k", col("id").mod(7)).groupBy("k").count();
  }

  @Test
  void aQueryOverHeldRowsDoesNotRenderThePlanThatMadeThem() {
    Dataset<Row> cached = made().cache();
    Dataset<Row> held = Kept.of(made());
    try {
      String overCache = cached.where(col("k").gt(2)).queryExecution().executedPlan().toString();
      String overHeld = held.where(col("k").gt(2)).queryExecution().executedPlan().toString();
      // The cache's plan is printed inside every plan that reads it; the held rows' is not.
      assertThat(overCache).contains("InMemoryRelation").contains("HashAggregate");
      assertThat(overHeld).doesNotContain("InMemoryRelation").doesNotContain("HashAggregate")
          .contains("Scan ExistingRDD");
      assertThat(held.where(col("k").gt(2)).count()).isEqualTo(4);
      assertThat(held.orderBy("k").collectAsList()).isEqualTo(made().orderBy("k").collectAsList());
    } finally {
      cached.unpersist();
      Kept.release(held);
    }
  }

  @Test
  void heldRowsAreKeptAfterTheirFirstUseAndReleasedOnRequest() {
    Dataset<Row> held = Kept.of(made());
    held.count();
    int id = rddOf(held).id();
    assertThat(spark().sparkContext().getPersistentRDDs().contains(id)).isTrue();
    assertThat(rddOf(held).getStorageLevel()).isEqualTo(StorageLevel.MEMORY_AND_DISK());

    Kept.release(held);
    assertThat(spark().sparkContext().getPersistentRDDs().contains(id)).isFalse();
  }

  private static org.apache.spark.rdd.RDD<?> rddOf(Dataset<?> d) {
    return ((org.apache.spark.sql.execution.LogicalRDD) d.queryExecution().logical()).rdd();
  }
}
