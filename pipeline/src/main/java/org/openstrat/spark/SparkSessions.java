package org.openstrat.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one place a SparkSession is made. Embedded {@code local[*]} unless a master is already set
 * (spark-submit sets {@code spark.master}), so the same jar runs on a laptop and on a cluster.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** The Hadoop key, as a Spark setting, that names the class behind {@code file:} paths. */
  public static final String LOCAL_FILE_SYSTEM = "spark.hadoop.fs.file.impl";

  /** Gets or creates the session for a command. Dates are handled in UTC everywhere. */
  public static SparkSession getOrCreate(String appName) {
    SparkSession.Builder b =
        SparkSession.builder()
            .appName(appName)
            .config("spark.sql.session.timeZone", "UTC")
            // Off unless asked for (strat run --spark-ui, or -Dspark.ui.enabled=true).
            .config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"))
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.sql.adaptive.enabled", "true")
            // Every query's plan is rendered as text for the listener bus even with the UI off:
            // the default "formatted" explain of this job's deep plans was about a fifth of the
            // driver's time on the sample data. "simple", with the default field limit (the
            // truncation warning is silenced in log4j2.properties), is enough for an event log.
            .config("spark.sql.ui.explainMode", "simple")
            .config("spark.sql.parquet.compression.codec", "snappy")
            // The run's caches (labelled extracts, population, cohorts) are read a few times and
            // dropped: building compressed column batches (each value's statistics gathered, then
            // encoded) cost more than it saved. 100k system: 161 s -> 136 s (docs/performance.md).
            .config("spark.sql.inMemoryColumnarStorage.compressed",
                System.getProperty("spark.sql.inMemoryColumnarStorage.compressed", "false"))
            .config("spark.sql.sources.partitionOverwriteMode", "static")
            // file: paths through LocalFiles: permissions set in the JVM, not by a chmod process
            .config(LOCAL_FILE_SYSTEM, LocalFiles.class.getName());
    if (System.getProperty("spark.master") == null) {
      b = b.master("local[*]").config("spark.driver.host", "127.0.0.1");
    }
    if (System.getProperty("spark.sql.shuffle.partitions") == null) {
      b = b.config("spark.sql.shuffle.partitions", Integer.toString(defaultShufflePartitions()));
    }
    if (System.getProperty("spark.sql.files.maxPartitionBytes") == null) {
      // Splits of at most 32 MB: a 170 MB extract is read by 6 tasks, not 3 (on 2 cores, 3 tasks
      // leave one core idle for a third of every scan).
      b = b.config("spark.sql.files.maxPartitionBytes", String.valueOf(32L << 20));
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** A few partitions per core: the default 200 is far too many for a 2-core machine. */
  static int defaultShufflePartitions() {
    return Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
  }
}
