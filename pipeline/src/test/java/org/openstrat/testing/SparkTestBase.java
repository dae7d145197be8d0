package org.openstrat.testing;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.openstrat.spark.LocalFiles;
import org.openstrat.spark.SparkSessions;

/**
 * One local SparkSession shared by every test in the JVM: local[2], 2 shuffle partitions, UI off,
 * loopback host, UTC, the local file system of {@link SparkSessions}. Extend this class, or call
 * {@link #spark()}.
 */
public abstract class SparkTestBase {
  private static SparkSession session;

  public static synchronized SparkSession spark() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("strat-tests")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.ansi.enabled", "false")
              // as SparkSessions: the default "formatted" plan text costs every query dearly
              .config("spark.sql.ui.explainMode", "simple")
              .config(SparkSessions.LOCAL_FILE_SYSTEM, LocalFiles.class.getName())
              // The suite runs thousands of queries in one JVM; the status store keeps 1,000 jobs,
              // stages and SQL executions by default, each with its plan graph and metrics.
              .config("spark.ui.retainedJobs", "20")
              .config("spark.ui.retainedStages", "20")
              .config("spark.sql.ui.retainedExecutions", "20")
              .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** What a test class cached goes with it: the next class starts from an empty block store. */
  @AfterAll
  static void dropCaches() {
    if (session != null) {
      session.catalog().clearCache();
    }
  }

  /** The repository root (rules/, sample-data/ live there). */
  public static Path repoRoot() {
    String p = System.getProperty("strat.repo.root");
    return (p == null ? Paths.get("..") : Paths.get(p)).toAbsolutePath().normalize();
  }
}
