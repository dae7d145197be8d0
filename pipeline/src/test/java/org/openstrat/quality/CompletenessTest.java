package org.openstrat.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.config.Settings;
import org.openstrat.ingest.Extract;

/**
 * The completeness rules on hand-made counts (no Spark): an empty extract, a shrunken one against
 * the previous publication, a stale one, and warn instead of fail.
 */
class CompletenessTest {
  static final LocalDate EXTRACT_DATE = LocalDate.of(2025, 3, 31);

  private static QualityReport.ExtractCounts counts(Extract e, long read, LocalDate latest) {
    return new QualityReport.ExtractCounts(e, List.of(e.fileName() + ".csv"), read, read, Map.of(), 0,
        e == Extract.APC_SPELLS ? read : -1, latest);
  }

  /** 2,000 registered patients, and the given extract counts. */
  private static QualityReport report(QualityConfig cfg, Map<Extract, Long> previous,
      QualityReport.ExtractCounts... cs) {
    Map<Extract, QualityReport.ExtractCounts> m = new EnumMap<>(Extract.class);
    m.put(Extract.PRACTICES, counts(Extract.PRACTICES, 20, null));
    m.put(Extract.PATIENTS, counts(Extract.PATIENTS, 2000, null));
    for (QualityReport.ExtractCounts c : cs) {
      m.put(c.extract(), c);
    }
    return new QualityReport(EXTRACT_DATE, EXTRACT_DATE, cfg, m, List.of(), 2000, Map.of(), 2000, 0,
        List.of(), List.of(), previous, previous.isEmpty() ? null : "2025-03-30");
  }

  private static QualityConfig config(String... kv) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("quality.required_extracts", "none"));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return QualityConfig.from(Settings.of(m));
  }

  private static List<String> messages(List<QualityReport.Breach> bs) {
    return bs.stream().map(QualityReport.Breach::message).toList();
  }

  @Test
  void aHeaderOnlyExtractIsBelowTheFloor() {
    QualityReport r = report(config(), Map.of(), counts(Extract.APC_SPELLS, 0, null),
        counts(Extract.AE_ATTENDANCES, 2, LocalDate.of(2025, 3, 1))); // 1 per 1,000: on the floor
    assertThat(messages(r.breaches())).containsExactly(
        "quality.min_rows_per_1000_patients.apc_spells: apc_spells rows per 1,000 registered patients"
            + " (0 rows, 2000 patients) is 0.0000, below the minimum 1.0000 by 1.0000");
  }

  @Test
  void aShrunkenExtractIsADropAgainstThePreviousPublication() {
    LocalDate recent = LocalDate.of(2025, 3, 30);
    Map<Extract, Long> before = Map.of(Extract.GP_EVENTS, 10_000L, Extract.AE_ATTENDANCES, 1_000L);
    QualityReport r = report(config(), before, counts(Extract.GP_EVENTS, 3_000, recent),
        counts(Extract.AE_ATTENDANCES, 600, recent)); // 40% down: within the default 50%
    assertThat(messages(r.breaches())).containsExactly(
        "quality.max_row_drop.gp_events: gp_events rows' drop against the previous publication"
            + " 2025-03-30 (3000 rows, 10000 then) is 0.7000, above the maximum 0.5000 by 0.2000");
    // Tightened for one extract; no previous count, no rule.
    assertThat(messages(report(config("quality.max_row_drop.ae_attendances", "0.3"), before,
        counts(Extract.AE_ATTENDANCES, 600, recent)).breaches()))
        .singleElement().asString().startsWith("quality.max_row_drop.ae_attendances:");
    assertThat(report(config(), Map.of(), counts(Extract.GP_EVENTS, 3_000, recent)).breaches()).isEmpty();
  }

  @Test
  void aStaleFeedIsItsNewestDateFarBeforeTheAsOfDate() {
    QualityReport r = report(config(), Map.of(),
        counts(Extract.APC_SPELLS, 500, LocalDate.of(2024, 1, 1)), // 455 days
        counts(Extract.HOUSING, 500, LocalDate.of(2020, 1, 1)), // off by default
        counts(Extract.OP_APPOINTMENTS, 500, LocalDate.of(2024, 4, 1))); // 364 days
    assertThat(messages(r.breaches())).containsExactly(
        "quality.max_stale_days.apc_spells: apc_spells days from its newest admission_date (2024-01-01)"
            + " to the as-of date 2025-03-31 is 455, above the maximum 365 by 90");
    assertThat(report(config("quality.max_stale_days.housing", "400"), Map.of(),
        counts(Extract.HOUSING, 500, LocalDate.of(2020, 1, 1))).breaches()).hasSize(1);
    // Social care and housing may be empty unless a floor is configured for them.
    assertThat(report(config(), Map.of(), counts(Extract.SOCIAL_CARE, 0, null)).breaches()).isEmpty();
    assertThat(report(config("quality.min_rows_per_1000_patients.social_care", "5"), Map.of(),
        counts(Extract.SOCIAL_CARE, 0, null)).breaches()).hasSize(1);
  }

  @Test
  void warnReportsTheBreachAndDoesNotFail() {
    QualityReport r = report(config("quality.on_incomplete.apc_spells", "warn"), Map.of(),
        counts(Extract.APC_SPELLS, 0, null));
    assertThat(r.breaches()).isEmpty();
    assertThat(messages(r.warnings())).singleElement().asString()
        .startsWith("quality.min_rows_per_1000_patients.apc_spells:");
    assertThat(r.toJson()).contains("\"passed\":true").contains("\"breaches\":[],")
        .contains("\"warnings\":[{\"threshold\":"
        + "\"quality.min_rows_per_1000_patients.apc_spells\"");
    // Everything to warn at once, one extract back to fail.
    QualityReport all = report(config("quality.on_incomplete", "warn", "quality.on_incomplete.gp_events", "fail"),
        Map.of(), counts(Extract.APC_SPELLS, 0, null), counts(Extract.GP_EVENTS, 0, null));
    assertThat(messages(all.warnings())).singleElement().asString().contains("apc_spells");
    assertThat(messages(all.breaches())).singleElement().asString().contains("gp_events");
  }

  @Test
  void badValuesAndKeysForExtractsWithoutTheRuleAreConfigErrors() {
    assertThatThrownBy(() -> config("quality.on_incomplete.gp_events", "maybe"))
        .isInstanceOfSatisfying(StratException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG))
        .hasMessageContaining("quality.on_incomplete.gp_events=maybe is not fail or warn");
    assertThatThrownBy(() -> config("quality.max_row_drop.patients", "1.5"))
        .isInstanceOf(StratException.class);
    Settings s = Settings.of(Map.of("quality.max_stale_days.patients", "30",
        "quality.min_rows_per_1000_patients.practices", "1"));
    QualityConfig.from(s);
    assertThat(s.unusedKeys()).as("not read, so strat run refuses them as unknown keys")
        .containsExactly("quality.max_stale_days.patients", "quality.min_rows_per_1000_patients.practices");
  }
}
