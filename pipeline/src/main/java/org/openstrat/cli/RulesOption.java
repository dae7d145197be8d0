package org.openstrat.cli;

import java.nio.file.Path;
import org.openstrat.rules.RuleSet;
import picocli.CommandLine.Option;

/**
 * {@code --rules}, shared by the commands that score (a picocli mixin): {@code strat validate}
 * checks rows, not scores, and reads no rules.
 */
final class RulesOption {

  @Option(names = "--rules", paramLabel = "DIR",
      description = "Rules folder (default: STRAT_HOME/rules or ./rules).")
  Path dir;

  /** The rule files, checked against rules.lock (exit 3). */
  RuleSet load() {
    return RuleSet.load(dir != null ? dir : RuleSet.defaultDir());
  }
}
