package org.openstrat.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Datasets that later queries read more than once: computed once, at their first use, and held
 * (in memory, spilling to disk), with a plan that is a scan of the held rows rather than the plan
 * that made them.
 *
 * <p>Why not {@code cache()}: a cached Dataset keeps the plan that made it, and Spark renders that
 * plan in full for its listeners in every query that reads it ({@code InMemoryRelation} prints
 * its cached plan), again at every adaptive stage. The run's caches were nested five deep (the
 * population reads the patients, which read the practice codes and duplicate lookups), and a
 * sample run rendered 128 MB of plan text (docs/performance.md).
 *
 * <p>Held rows are read whole, a cache column by column: for a query that reads a few columns of a
 * wide, large table, {@code cache()} is cheaper (holding the small extracts this way slowed the 1M
 * run's scores from 64 s to 88 s). The held rows have no lineage: on a cluster, an executor lost
 * with them fails the query instead of recomputing them (Spark's local checkpoint). Join planning
 * keeps the estimated size of the plan that made them.
 */
public final class Kept {
  private Kept() {}

  /**
   * {@code d}, held from its first use. Its exchanges (shuffles, broadcasts) run now; its last
   * step runs with the first query that reads it.
   */
  public static <T> Dataset<T> of(Dataset<T> d) {
    return d.localCheckpoint(false, StorageLevel.MEMORY_AND_DISK());
  }

  /** Drops the held rows of a Dataset made by {@link #of} (or cached); a no-op otherwise. */
  public static void release(Dataset<?> d) {
    LogicalPlan plan = d.queryExecution().logical();
    if (plan instanceof LogicalRDD held) {
      held.rdd().unpersist(false);
    } else {
      d.unpersist();
    }
  }
}
