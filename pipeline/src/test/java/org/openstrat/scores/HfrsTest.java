package org.openstrat.scores;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.openstrat.scores.Fixtures.AS_OF;
import static org.openstrat.scores.Fixtures.column;
import static org.openstrat.scores.Fixtures.d;
import static org.openstrat.scores.Fixtures.day;
import static org.openstrat.scores.Fixtures.row;
import static org.openstrat.scores.Fixtures.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.openstrat.ingest.Extract;
import org.openstrat.testing.SparkTestBase;

/** HFRS points, window, once-per-group counting and bands. As-of 2026-03-31. */
class HfrsTest extends SparkTestBase {

  private static final Map<String, Double> POINTS =
      Map.of("F00", 7.1, "R29", 3.6, "W19", 3.2, "I10", 0.0, "N39", 3.2, "S00", 3.2, "E86", 2.3);

  private static Object[] spell(String id, String spellId, Object admitted, String primary,
      String... secondary) {
    return row(id, spellId, "RXX", admitted, admitted, "21", primary,
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(secondary)).toSeq());
  }

  private static Map<String, Object> hfrs(Map<String, Double> points, Object[]... spells) {
    return column(Hfrs.score(table(Extract.APC_SPELLS, spells), points, 2, AS_OF), Hfrs.HFRS);
  }

  /** Every group of the published table scores its own points (one patient, one spell each). */
  @Test
  void everyGroupOfThePublishedTableScoresItsPoints() throws IOException {
    Path file = repoRoot().resolve("rules/reference/hfrs-icd10.csv");
    Map<String, Double> points = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
      String[] f = line.split(",", 3);
      points.put(f[0], Double.parseDouble(f[1]));
    }
    assertThat(points).hasSize(109);
    List<Object[]> spells = new ArrayList<>();
    Map<String, Object> expected = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Double> e : points.entrySet()) {
      // a 4-character code of the group as primary diagnosis: the group is its first 3 characters
      spells.add(spell("p" + i, "s" + i, day(-30), e.getKey() + "9"));
      expected.put("p" + i, e.getValue());
      i++;
    }
    Map<String, Object> got = hfrs(points, spells.toArray(Object[][]::new));
    assertThat(got).isEqualTo(expected);
    double total = points.values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(total).isCloseTo(173.2, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void windowIsTwoYearsBeforeAsOfToAsOfInclusive() {
    Map<String, Object> got = hfrs(POINTS,
        spell("p1", "s1", d("2024-03-31"), "F001"), // first day of the window
        spell("p2", "s2", d("2024-03-30"), "F001"), // day before: out
        spell("p3", "s3", day(0), "R296"), // on as-of
        spell("p4", "s4", day(1), "F001")); // after as-of (backtest data): out
    assertThat(got).isEqualTo(Map.of("p1", 7.1, "p3", 3.6));
  }

  @Test
  void aGroupCountsOncePerPatient() {
    Map<String, Object> got = hfrs(POINTS,
        // R29 as primary and secondary, and again in a second spell; W19 and W19 child codes
        spell("p1", "s1", day(-10), "R296", "R29", "W19", "W190"),
        spell("p1", "s2", day(-100), "R298", "W19"),
        // codes of no group, and an empty secondary list
        spell("p2", "s3", day(-10), "Z999"),
        spell("p3", "s4", day(-10), "E86", "N390", "S001", "S00"));
    // p2 has no HFRS group: absent here, HFRS 0 once joined to the population
    assertThat(got).isEqualTo(Map.of("p1", 6.8, "p3", 8.7));
  }

  @Test
  void floatSumsLandOnTheRoundedValue() {
    // 3.2 + 3.2 + 3.2 + 2.3 + 3.6 = 15.5 exactly after rounding; 7.1 + 3.6 + 3.2 + 0 = 13.9
    Map<String, Object> got = hfrs(POINTS,
        spell("p1", "s1", day(-1), "W19", "S00", "N39", "E86", "R29"),
        spell("p2", "s2", day(-1), "F00", "R29", "S00", "I10"));
    assertThat(got).isEqualTo(Map.of("p1", 15.5, "p2", 13.9));
  }

  @Test
  void bandEdgesFiveAndFifteenAreIntermediate() {
    StructType schema = new StructType().add("nhs_number", DataTypes.StringType)
        .add("hfrs", DataTypes.DoubleType);
    Dataset<Row> t = table(schema, row("a", 0.0), row("b", 4.9), row("c", 5.0), row("d", 15.0),
        row("e", 15.1), row("f", 30.2));
    Dataset<Row> banded = t.withColumn(Hfrs.HFRS_BAND, Hfrs.band(col("hfrs"), 5, 15));
    assertThat(column(banded, Hfrs.HFRS_BAND)).isEqualTo(Map.of("a", "low", "b", "low",
        "c", "intermediate", "d", "intermediate", "e", "high", "f", "high"));
  }
}
