package org.openstrat.cohort;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.StratException;
import org.openstrat.config.Settings;

/**
 * Cohort definitions read from the run's properties file. Keys, per cohort NAME:
 *
 * <pre>
 * cohort.NAME.rank_by=admission_risk       default admission_risk (or efi, hfrs, cms_score)
 * cohort.NAME.top_percent=5                 a whole number 1-10, or "all" (everyone eligible)
 * cohort.NAME.top_n=40                      or: each list's capacity in patients (1-100000)
 * cohort.NAME.top_n.U12345=25               a capacity for one PCN's or ICC's list (0-100000)
 * cohort.NAME.per=pcn,icc                   default pcn,icc
 * cohort.NAME.filter=efi_category = moderate and age &gt;= 65     default: none (everyone)
 * cohort.tie_salt=...                       default "strat-ties-v1" (see {@link Cohorts})
 * cohort.risk_rise_days=28                  rank_by=risk_rise compares with the latest
 *                                           publication at least this many days older (1-3660)
 * </pre>
 *
 * Exactly one of top_n and top_percent per cohort. Neither, with a filter, is a filter-only cohort
 * (everyone eligible); neither without a filter, or both, is a config error: a list with no size
 * is almost certainly a forgotten key, and guessing 5% would hand a team a list it cannot staff.
 *
 * With no {@code cohort.NAME.*} key the single default cohort {@value #DEFAULT_NAME} (top 5% by
 * admission risk, per PCN and per ICC) is used: the default and what PCN leads expect.
 */
public record CohortConfig(List<CohortDefinition> definitions, String tieSalt, int riskRiseDays) {
  public static final String DEFAULT_NAME = "top5_admission_risk";
  /** top_percent of a filter-only cohort ({@code top_percent=all}): everyone eligible, ranked. */
  public static final int ALL = 100;
  public static final String DEFAULT_TIE_SALT = "strat-ties-v1";
  /** Columns a cohort may be ranked by. */
  public static final Set<String> RANKABLE =
      Set.of("admission_risk", "efi", "hfrs", "cms_score", RiskRise.COLUMN);
  /** Default {@code cohort.risk_rise_days}: about a month, as teams review caseloads monthly. */
  public static final int DEFAULT_RISK_RISE_DAYS = 28;
  /** Largest capacity a list may be given: far above any team's caseload, so a typo is caught. */
  public static final int MAX_TOP_N = 100_000;

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,40}");
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
  private static final Set<String> FIELDS = Set.of("rank_by", "top_percent", "top_n", "per", "filter");
  private static final Set<String> GLOBAL = Set.of("cohort.tie_salt", "cohort.risk_rise_days");

  public CohortConfig {
    definitions = List.copyOf(definitions);
  }

  public CohortConfig(List<CohortDefinition> definitions, String tieSalt) {
    this(definitions, tieSalt, DEFAULT_RISK_RISE_DAYS);
  }

  /** Whether any cohort ranks by the rise in risk (and so needs an earlier publication's scores). */
  public boolean needsRiskRise() {
    return definitions.stream().anyMatch(d -> d.rankBy().equals(RiskRise.COLUMN));
  }

  public static CohortConfig defaults() {
    return new CohortConfig(
        List.of(
            new CohortDefinition(
                DEFAULT_NAME, "admission_risk", 5, List.of(CohortLevel.PCN, CohortLevel.ICC), "")),
        DEFAULT_TIE_SALT);
  }

  /** Reads every {@code cohort.*} key; unknown fields and bad values are config errors (exit 3). */
  public static CohortConfig from(Settings s) {
    String salt = s.getString("cohort.tie_salt", DEFAULT_TIE_SALT);
    int riseDays = s.getInt("cohort.risk_rise_days", DEFAULT_RISK_RISE_DAYS, 1, 3660);
    Set<String> names = new TreeSet<>();
    for (String k : s.keysWithPrefix("cohort.")) {
      if (GLOBAL.contains(k)) {
        continue;
      }
      String[] parts = k.split("\\.", -1);
      boolean override = parts.length == 4 && parts[2].equals("top_n");
      if (!override && (parts.length != 3 || !FIELDS.contains(parts[2]))) {
        throw StratException.config(
            "Config " + s.source() + ": " + k + " is not a cohort key (cohort.NAME."
                + String.join("|", new TreeSet<>(FIELDS)) + ", or cohort.NAME.top_n.CODE)");
      }
      if (override && !GROUP.matcher(parts[3]).matches()) {
        throw StratException.config(
            "Config " + s.source() + ": " + k + " does not name a PCN or ICC code after top_n.");
      }
      if (!NAME.matcher(parts[1]).matches()) {
        throw StratException.config(
            "Config " + s.source() + ": cohort name '" + parts[1] + "' must match [a-z0-9_]{1,40}");
      }
      names.add(parts[1]);
    }
    if (names.isEmpty()) {
      return new CohortConfig(defaults().definitions(), salt, riseDays);
    }
    List<CohortDefinition> defs = new ArrayList<>();
    for (String n : names) {
      String p = "cohort." + n + ".";
      String rankBy = s.getString(p + "rank_by", "admission_risk");
      if (!RANKABLE.contains(rankBy)) {
        throw StratException.config(
            "Config " + s.source() + ": " + p + "rank_by=" + rankBy + " is not one of "
                + new TreeSet<>(RANKABLE));
      }
      String filter = s.getString(p + "filter", "");
      String pctText = s.getString(p + "top_percent", null);
      String nText = s.getString(p + "top_n", null);
      Map<String, Integer> perGroup = new TreeMap<>();
      for (String k : s.keysWithPrefix(p + "top_n.")) {
        perGroup.put(k.substring((p + "top_n.").length()), s.getInt(k, 0, 0, MAX_TOP_N));
      }
      if (pctText != null && (nText != null || !perGroup.isEmpty())) {
        throw StratException.config(
            "Config " + s.source() + ": cohort " + n + " has both top_percent and top_n; give one");
      }
      if (nText == null && !perGroup.isEmpty()) {
        throw StratException.config(
            "Config " + s.source() + ": cohort " + n + " has per-list " + p + "top_n.CODE keys but no "
                + p + "top_n, the capacity of every other list");
      }
      if (pctText == null && nText == null && filter.isBlank()) {
        throw StratException.config(
            "Config " + s.source() + ": cohort " + n + " has neither top_percent nor top_n (and no"
                + " filter); give " + p + "top_percent=5 or " + p + "top_n=N");
      }
      Integer topN = nText == null ? null : s.getInt(p + "top_n", 0, 1, MAX_TOP_N);
      int pct = pctText == null ? ALL : percent(s, p + "top_percent", pctText);
      List<CohortLevel> levels = new ArrayList<>();
      for (String l : s.getString(p + "per", "pcn,icc").split(",")) {
        String t = l.trim().toLowerCase(Locale.ROOT);
        CohortLevel level =
            switch (t) {
              case "pcn" -> CohortLevel.PCN;
              case "icc" -> CohortLevel.ICC;
              default -> throw StratException.config(
                  "Config " + s.source() + ": " + p + "per=" + l.trim() + " is not pcn or icc");
            };
        if (!levels.contains(level)) {
          levels.add(level);
        }
      }
      defs.add(new CohortDefinition(n, rankBy, pct, levels, filter, topN, perGroup));
    }
    return new CohortConfig(defs, salt, riseDays);
  }

  /**
   * Parses every cohort's filter against the scores table's columns and types ({@code
   * Scores.SCHEMA}), so that a syntax error, an unknown column or a value of the wrong type is exit
   * 3 when the run starts, before any extract is read, not after validation and scoring.
   */
  public void checkFilters(StructType scoresSchema) {
    for (CohortDefinition d : definitions) {
      FilterParser.parse(d.filter(), scoresSchema, "cohort." + d.name() + ".filter");
    }
  }

  private static int percent(Settings s, String key, String text) {
    if (text.equalsIgnoreCase("all")) {
      return ALL;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= 1 && v <= 10) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw StratException.config(
        "Config " + s.source() + ": " + key + "=" + text + " is not a whole number from 1 to 10 or all");
  }
}
