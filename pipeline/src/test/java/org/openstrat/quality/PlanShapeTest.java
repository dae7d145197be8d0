package org.openstrat.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.execution.joins.SortMergeJoinExec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.RawExtracts;
import org.openstrat.testing.Interpreted;
import org.openstrat.testing.SparkTestBase;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The performance design of the quality stage, guarded in seconds by the shape of its plans
 * (docs/performance.md) rather than by a benchmark: the GP extracts (95% of the rows) are
 * labelled without a shuffle of their own rows, every lookup joined to them is broadcast, and
 * no sort-merge join appears.
 */
class PlanShapeTest extends SparkTestBase {
  @TempDir static Path dir;
  static Validated v;

  @BeforeAll
  static void validate() {
    Fixture.full(dir);
    RawExtracts raw = Ingest.read(spark(), dir);
    v = Validate.apply(raw, LocalDate.of(2025, 1, 1), LocalDate.of(2025, 3, 31),
        QualityConfig.defaults());
  }

  @Test
  void theGpExtractsAreLabelledWithoutShufflingTheirRows() {
    for (Extract e : List.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS)) {
      SparkPlan plan = initialPlan(v.labelled().get(e));
      assertThat(outsideBroadcasts(plan, ShuffleExchangeExec.class)).as(e + ":\n" + plan)
          .isEmpty();
      assertThat(outsideBroadcasts(plan, SortMergeJoinExec.class)).as(e + ":\n" + plan).isEmpty();
      assertThat(outsideBroadcasts(plan, BroadcastHashJoinExec.class))
          .as(e + ": registered list, code checks and copies are broadcast joins").hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void stagedGpExtractsAreReadBackAsTheSameRowsWithoutAnyCheck(@TempDir Path work) {
    Validated staged = Staging.stageLarge(v, work);
    for (Extract e : List.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS)) {
      Dataset<Row> accepted = staged.accepted().get(e);
      assertThat(accepted.collectAsList())
          .as(e + ": the same accepted rows as labelling again")
          .containsExactlyInAnyOrderElementsOf(v.accepted().get(e).collectAsList());
      assertThat(staged.labels().get(e).collectAsList())
          .as(e + ": the same labels, rejected text included")
          .containsExactlyInAnyOrderElementsOf(v.labels().get(e).collectAsList());
      SparkPlan plan = initialPlan(accepted);
      assertThat(outsideBroadcasts(plan, BroadcastHashJoinExec.class))
          .as(e + ": the scores read the staged rows, no check runs again:\n" + plan).isEmpty();
      assertThat(plan.toString()).contains("labelled-");
    }
    assertThat(v.labels().get(Extract.GP_EVENTS).where("reason is not null").count())
        .as("the fixture has rejected GP rows").isPositive();
  }

  @Test
  void stagingRunsNoJobOutsideItsQueries(@TempDir Path work) throws Exception {
    // Reading Parquet without a schema runs a job (no SQL execution) to read one from a footer;
    // the staged files' schema is the one just written.
    List<String> outsideQueries = java.util.Collections.synchronizedList(new ArrayList<>());
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        if (job.properties() == null
            || job.properties().getProperty("spark.sql.execution.id") == null) {
          outsideQueries.add(job.stageInfos().head().name());
        }
      }
    };
    spark().sparkContext().addSparkListener(listener);
    try {
      Staging.stageLarge(v, work);
      spark().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark().sparkContext().removeSparkListener(listener);
    }
    assertThat(outsideQueries).isEmpty();
  }

  @Test
  void theEpisodeMergeRunsInGeneratedCode() {
    // array_sort over the secondary diagnoses interpreted the arrays under it too.
    assertThat(Interpreted.in(v.accepted().get(Extract.APC_SPELLS))).isEmpty();
  }

  @Test
  void theCheckCanFail() {
    Dataset<Row> shuffled = v.labelled().get(Extract.GP_EVENTS).repartition(3);
    assertThat(outsideBroadcasts(initialPlan(shuffled), ShuffleExchangeExec.class)).isNotEmpty();
  }

  /** The physical plan before adaptive execution changes it (what the design decides). */
  static SparkPlan initialPlan(Dataset<Row> d) {
    SparkPlan p = d.queryExecution().executedPlan();
    return p instanceof AdaptiveSparkPlanExec a ? a.inputPlan() : p;
  }

  /** Nodes of a type in the plan, not counting what is built into a broadcast. */
  static List<SparkPlan> outsideBroadcasts(SparkPlan plan, Class<? extends SparkPlan> type) {
    List<SparkPlan> found = new ArrayList<>();
    walk(plan, type, found);
    return found;
  }

  private static void walk(SparkPlan p, Class<? extends SparkPlan> type, List<SparkPlan> found) {
    if (p instanceof BroadcastExchangeExec) {
      return;
    }
    if (type.isInstance(p)) {
      found.add(p);
    }
    for (SparkPlan c : CollectionConverters.asJava(p.children())) {
      walk(c, type, found);
    }
  }
}
