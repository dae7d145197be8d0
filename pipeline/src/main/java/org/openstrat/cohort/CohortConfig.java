package org.openstrat.cohort;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * cohort.NAME.top_percent=5                 default 5, a whole number 1-10, or "all" (everyone
 *                                           eligible: a filter-only cohort)
 * cohort.NAME.per=pcn,icc                   default pcn,icc
 * cohort.NAME.filter=efi_category = moderate and age &gt;= 65     default: none (everyone)
 * cohort.tie_salt=...                       default "strat-ties-v1" (see {@link Cohorts})
 * </pre>
 *
 * With no {@code cohort.NAME.*} key the single default cohort {@value #DEFAULT_NAME} (top 5% by
 * admission risk, per PCN and per ICC) is used: the default and what PCN leads expect.
 */
public record CohortConfig(List<CohortDefinition> definitions, String tieSalt) {
  public static final String DEFAULT_NAME = "top5_admission_risk";
  /** top_percent of a filter-only cohort ({@code top_percent=all}): everyone eligible, ranked. */
  public static final int ALL = 100;
  public static final String DEFAULT_TIE_SALT = "strat-ties-v1";
  /** Columns a cohort may be ranked by. */
  public static final Set<String> RANKABLE = Set.of("admission_risk", "efi", "hfrs", "cms_score");

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,40}");
  private static final Set<String> FIELDS = Set.of("rank_by", "top_percent", "per", "filter");

  public CohortConfig {
    definitions = List.copyOf(definitions);
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
    Set<String> names = new TreeSet<>();
    for (String k : s.keysWithPrefix("cohort.")) {
      if (k.equals("cohort.tie_salt")) {
        continue;
      }
      String[] parts = k.split("\\.");
      if (parts.length != 3 || !FIELDS.contains(parts[2])) {
        throw StratException.config(
            "Config " + s.source() + ": " + k + " is not a cohort key (cohort.NAME."
                + String.join("|", new TreeSet<>(FIELDS)) + ")");
      }
      if (!NAME.matcher(parts[1]).matches()) {
        throw StratException.config(
            "Config " + s.source() + ": cohort name '" + parts[1] + "' must match [a-z0-9_]{1,40}");
      }
      names.add(parts[1]);
    }
    if (names.isEmpty()) {
      return new CohortConfig(defaults().definitions(), salt);
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
      String pctText = s.getString(p + "top_percent", "5");
      int pct = percent(s, p + "top_percent", pctText);
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
      defs.add(new CohortDefinition(n, rankBy, pct, levels, s.getString(p + "filter", "")));
    }
    return new CohortConfig(defs, salt);
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
