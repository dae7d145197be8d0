package org.openstrat.ops;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openstrat.core.ExitCode;
import org.openstrat.spark.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strat cluster-check}: runs {@link ClusterCheck} on whatever master the session gets
 * (local, or {@code -Dspark.master}/spark-submit) and prints one result line to stdout. The line
 * is the same on every master, so comparing it with a local run proves the cluster runs strat's
 * code.
 */
@Command(
    name = "cluster-check",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a small deterministic job that needs strat.jar on the executors, and prints",
      "'cluster-check rows=N valid=N checksum=N' (identical on any master). Use it after",
      "deploying to a cluster, before the first nightly run.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  SPARK_MASTER=spark://127.0.0.1:7077 strat cluster-check --rows 1000000",
      "  spark-submit --class org.openstrat.cli.Strat strat.jar cluster-check"
    })
public final class ClusterCheckCommand implements Callable<Integer> {

  @Option(
      names = "--rows",
      defaultValue = "1000000",
      description = "Candidate numbers to check (default ${DEFAULT-VALUE}: a few seconds, enough"
          + " rows for every executor to get work).")
  long rows;

  @Option(
      names = "--partitions",
      defaultValue = "8",
      description = "Partitions of the job (default ${DEFAULT-VALUE}: more than one task per"
          + " executor core on a small cluster).")
  int partitions;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (rows < 1 || partitions < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--rows and --partitions must be at least 1");
    }
    long start = System.nanoTime();
    SparkSession spark = SparkSessions.getOrCreate("strat cluster-check");
    Dataset<Long> ids = spark.range(0, rows, 1, partitions);
    Row r = ClusterCheck.summarise(ClusterCheck.check(ClusterCheck.candidates(ids))).first();
    long valid = r.getLong(1);
    PrintWriter err = spec.commandLine().getErr();
    err.printf(
        "stage cluster-check rows_in=%d rows_out=%d seconds=%.1f%n",
        r.getLong(0), valid, (System.nanoTime() - start) / 1e9);
    err.printf("cluster-check master=%s%n", spark.sparkContext().master());
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("cluster-check rows=%d valid=%d checksum=%d%n", r.getLong(0), valid, r.getLong(2));
    out.flush();
    return ExitCode.OK;
  }
}
