package org.openstrat.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.config.Settings;
import org.openstrat.ingest.Ingest;
import org.openstrat.testing.SparkTestBase;

class PopulationTest extends SparkTestBase {
  static final LocalDate AS_OF = LocalDate.of(2025, 1, 1);

  @TempDir static Path dir;
  static Validated v;

  @BeforeAll
  static void validate() {
    Fixture.full(dir);
    v = Validate.apply(Ingest.read(spark(), dir), AS_OF, LocalDate.of(2025, 3, 31),
        QualityConfig.defaults());
  }

  private static Map<String, Row> byNhs(Dataset<Row> d) {
    Map<String, Row> m = new TreeMap<>();
    for (Row r : d.collectAsList()) {
      m.put(r.getAs("nhs_number"), r);
    }
    return m;
  }

  @Test
  void adultsRegisteredAliveOnAsOfAtAMappedPracticeWithoutType1OptOut() {
    Dataset<Row> pop = Population.build(v, AS_OF, v.config());
    Map<String, Row> p = byNhs(pop);
    // P1 74 years old; P2 turns 18 on the as-of date (inside). P3 is 18 the day after (outside).
    assertThat(p.keySet()).containsExactlyInAnyOrder(Fixture.fill("{P1}"), Fixture.fill("{P2}"));
    Row p1 = p.get(Fixture.fill("{P1}"));
    assertThat(p1.<Integer>getAs("age")).isEqualTo(74);
    assertThat(p1.<String>getAs("pcn_code")).isEqualTo("U00001");
    assertThat(p1.<Integer>getAs("imd_decile")).isEqualTo(3);
    assertThat(p1.<Boolean>getAs("national_opt_out")).isFalse();
    Row p2 = p.get(Fixture.fill("{P2}"));
    assertThat(p2.<Integer>getAs("age")).isEqualTo(18);
    assertThat(p2.<String>getAs("pcn_code")).isEqualTo("U00002"); // moved PCN before as-of
    assertThat(p2.<Boolean>getAs("national_opt_out")).isTrue(); // kept, flagged for publish
    assertThat(p2.<Object>getAs("imd_decile")).isNull();
    assertThat(pop.columns())
        .containsExactly(
            "nhs_number", "date_of_birth", "age", "sex", "practice_code", "practice_name",
            "pcn_code", "pcn_name", "icc_code", "icc_name", "icp_code", "icp_name", "lsoa_code",
            "imd_decile", "national_opt_out");
  }

  @Test
  void everyExclusionHasItsReason() {
    Map<String, Row> c = byNhs(Population.classify(v, AS_OF, v.config()));
    Map<String, String> why = new TreeMap<>();
    c.forEach((k, r) -> why.put(k, r.getAs(Population.EXCLUSION)));
    assertThat(why)
        .containsEntry(Fixture.fill("{P3}"), "UNDER_MIN_AGE")
        .containsEntry(Fixture.fill("{P4}"), "DEAD") // died the day before as-of
        .containsEntry(Fixture.fill("{P5}"), "NOT_REGISTERED_ON_AS_OF") // left on as-of
        .containsEntry(Fixture.fill("{P6}"), "TYPE1_OPT_OUT")
        .containsEntry(Fixture.fill("{P12}"), "NOT_REGISTERED_ON_AS_OF"); // joins after as-of
  }

  @Test
  void minAgeIsConfigurable() {
    QualityConfig cfg = QualityConfig.from(Settings.of(Map.of("population.min_age", "0")));
    assertThat(byNhs(Population.build(v, AS_OF, cfg)).keySet())
        .containsExactlyInAnyOrder(
            Fixture.fill("{P1}"), Fixture.fill("{P2}"), Fixture.fill("{P3}"));
  }
}
