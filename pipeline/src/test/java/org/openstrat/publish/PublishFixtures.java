package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.ScoresFixture;

/** A small ICS for publish tests: two PCNs in two ICCs, 30 + 21 patients. */
public final class PublishFixtures {
  public static final LocalDate AS_OF = LocalDate.of(2025, 4, 1);
  public static final Map<String, String> PRACTICE_TO_PCN =
      Map.of("A00001", "U00001", "A00002", "U00001", "B00001", "U00002");

  private PublishFixtures() {}

  public static Dataset<Row> scores(SparkSession spark, double riskShift) {
    ScoresFixture f = new ScoresFixture();
    for (int i = 0; i < 30; i++) {
      f.add(ScoresFixture.nhs(i), i % 2 == 0 ? "A00001" : "A00002", "U00001", "ICC01", 60 + i,
          Math.min(0.99, 0.01 * i + riskShift * (i % 3)), 0.02 * (i % 20), i % 4 == 0 ? "moderate" : "mild",
          i * 0.5, i % 5 == 0, List.of("=cmd|' /C calc'!A0", "-1 admissions", "@SUM(A1)"));
    }
    for (int i = 0; i < 21; i++) {
      f.add(ScoresFixture.nhs(100 + i), "B00001", "U00002", "ICC02", 40 + i, 0.02 * i, 0.01, "fit",
          1.0, false, List.of("Age 80 or over", "Lives alone, \"no carer\"", "+1 line\r\nbreak"));
    }
    return f.toDataset(spark);
  }

  public static Publisher.Request request(
      Path output, Dataset<Row> scores, LocalDate asOf, Optional<Pseudonymiser> key) {
    return new Publisher.Request(
        output, asOf, scores, null, CohortConfig.defaults(), PRACTICE_TO_PCN, key, List.of());
  }

  public static Pseudonymiser key() {
    return Pseudonymiser.ofKey("0123456789abcdef0123456789abcdef-test-key".getBytes());
  }

  /** Every folder under {@code pub} is 0750 and every file 0640; the parts that hold rows are there. */
  public static void assertModes(Path pub) throws IOException {
    List<String> seen = new ArrayList<>();
    try (Stream<Path> s = Files.walk(pub)) {
      for (Path p : s.toList()) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        assertThat(mode).as(pub.relativize(p).toString()).isEqualTo(Files.isDirectory(p) ? "rwxr-x---" : "rw-r-----");
        seen.add(pub.relativize(p).toString());
      }
    }
    assertThat(seen).anyMatch(p -> p.startsWith("cohort/") && p.endsWith(".parquet"))
        .anyMatch(p -> p.startsWith("cohort_csv/") && p.endsWith(".csv"))
        .contains("manifest.json", "_SUCCESS", "summary/summary.csv");
  }
}
