package org.openstrat.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.openstrat.core.ExitCode;
import org.openstrat.cli.Strat;
import org.openstrat.testing.SparkTestBase;
import picocli.CommandLine;

class ClusterCheckTest extends SparkTestBase {

  @Test
  void candidatesAreTenDigitsWithAPrimeStride() {
    Dataset<Long> ids = spark().range(0, 3);
    assertThat(ClusterCheck.candidates(ids).collectAsList())
        .containsExactly("4000000000", "4000007919", "4000015838");
  }

  @Test
  void checkUsesTheModulus11Rule() {
    // From rules/reference/nhs-number-examples.csv, plus a short and a repeated-digit number.
    Dataset<String> numbers =
        spark()
            .createDataset(
                List.of("9434765919", "9434765918", "9990000000", "0000000000", "943476591"),
                Encoders.STRING());
    Map<String, Boolean> valid =
        ClusterCheck.check(numbers).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getBoolean(1)));
    assertThat(valid)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "9434765919", true,
                "9434765918", false,
                "9990000000", false,
                "0000000000", false,
                "943476591", false));
  }

  @Test
  void summaryIsTheSameWhateverThePartitioning() {
    Row one = summary(1);
    Row five = summary(5);
    assertThat(one.getLong(0)).isEqualTo(1000L);
    assertThat(one.getLong(1)).isBetween(60L, 120L); // about 1 in 11 arbitrary numbers ends in its check digit
    assertThat(five).isEqualTo(one);
  }

  private static Row summary(int partitions) {
    return ClusterCheck.summarise(
            ClusterCheck.check(ClusterCheck.candidates(spark().range(0, 1000, 1, partitions))))
        .first();
  }

  @Test
  void commandPrintsOneResultLineAndAStageLine() {
    spark(); // the command reuses the shared local session
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    int code = cl.execute("cluster-check", "--rows", "1000", "--partitions", "3");

    Row expected = summary(1);
    assertThat(code).isEqualTo(ExitCode.OK);
    assertThat(out.toString())
        .isEqualTo(
            String.format(
                "cluster-check rows=1000 valid=%d checksum=%d%n",
                expected.getLong(1), expected.getLong(2)));
    assertThat(err.toString()).containsPattern("stage cluster-check rows_in=1000 rows_out=\\d+ seconds=");
  }

  @Test
  void zeroRowsIsAUsageError() {
    CommandLine cl = Strat.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    assertThat(cl.execute("cluster-check", "--rows", "0")).isEqualTo(ExitCode.USAGE);
  }
}
