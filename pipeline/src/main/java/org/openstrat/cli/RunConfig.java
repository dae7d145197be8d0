package org.openstrat.cli;

import java.nio.file.Path;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.Register;
import org.openstrat.config.Settings;
import org.openstrat.core.StratException;
import org.openstrat.publish.Presentation;
import org.openstrat.quality.QualityConfig;
import org.openstrat.scores.Scores;

/**
 * The run configuration every command reads the same way (README, "Outputs"): each section
 * ({@code quality.*}, {@code population.*}, {@code cohort.*}, {@code register.*}, {@code workbook.*}) is parsed and
 * checked before any data is read, and a key no section knows is exit 3, whichever command was
 * given the file. One config file serves validate, score, run and backtest alike, so a key one
 * command does not use is not an error, but a misspelt key always is.
 *
 * @param contact who to contact, for the workbook's title block (null when not set)
 * @param registerDays the admission register's window when there is no previous publication
 *     ({@code register.window_days}, 1-366)
 */
record RunConfig(Settings settings, QualityConfig quality, CohortConfig cohorts, String contact,
    int registerDays) {

  /** Reads and checks {@code file} (null: the documented defaults). */
  static RunConfig load(Path file) {
    Settings settings = file == null ? Settings.empty() : Settings.load(file);
    QualityConfig quality = QualityConfig.from(settings);
    CohortConfig cohorts = CohortConfig.from(settings);
    String contact = settings.getString(Presentation.CONTACT_KEY, null);
    int registerDays =
        settings.getInt("register.window_days", Register.DEFAULT_WINDOW_DAYS, 1, 366);
    cohorts.checkFilters(Scores.SCHEMA); // needs no data: a bad filter fails before ingest
    if (!settings.unusedKeys().isEmpty()) {
      throw StratException.config(
          "Config " + settings.source() + ": unknown key(s) " + settings.unusedKeys());
    }
    return new RunConfig(settings, quality, cohorts, contact, registerDays);
  }
}
