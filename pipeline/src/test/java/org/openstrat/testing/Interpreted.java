package org.openstrat.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The expressions of a query's physical plan that Spark evaluates row by row, outside generated
 * code ({@link CodegenFallback}, e.g. {@code array_sort} or a lambda), cached plans included, and
 * {@code lower} and {@code upper}, compiled but mapping case through ICU (see {@code
 * spark/Codegen}). What sits under an interpreted expression is interpreted with it, so only the
 * outermost is named.
 */
public final class Interpreted {
  private Interpreted() {}

  /** The pretty names of the interpreted expressions in {@code d}'s plan. */
  public static List<String> in(Dataset<Row> d) {
    List<String> found = new ArrayList<>();
    walk(d.queryExecution().executedPlan(), found);
    return found;
  }

  private static void walk(SparkPlan p, List<String> found) {
    if (p instanceof AdaptiveSparkPlanExec a) {
      walk(a.inputPlan(), found);
      return;
    }
    if (p instanceof InMemoryTableScanExec s) {
      walk(s.relation().cachedPlan(), found);
    }
    for (Expression e : CollectionConverters.asJava(p.expressions())) {
      expression(e, found);
    }
    for (SparkPlan c : CollectionConverters.asJava(p.children())) {
      walk(c, found);
    }
  }

  private static void expression(Expression e, List<String> found) {
    // Aggregate functions such as collect_set are object aggregates: no generated code exists
    // for them, and none would be chosen instead.
    if ((e instanceof CodegenFallback && !(e instanceof AggregateFunction))
        || e instanceof Lower || e instanceof Upper) {
      found.add(e.prettyName());
      return;
    }
    for (Expression c : CollectionConverters.asJava(e.children())) {
      expression(c, found);
    }
  }
}
