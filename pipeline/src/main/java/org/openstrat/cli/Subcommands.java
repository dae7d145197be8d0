package org.openstrat.cli;

import java.util.List;

/**
 * The registry of subcommands. Each stage's command class is added here (one line each) so the
 * main class never changes when a command lands.
 */
final class Subcommands {
  private Subcommands() {}

  static List<Object> all() {
    return List.of(
        new org.openstrat.generate.GenerateCommand(),
        new org.openstrat.rules.RulesCommand(),
        new ValidateCommand(),
        new ScoreCommand(),
        new RunCommand(),
        new BacktestCommand(),
        new ReportCommand(),
        new org.openstrat.ops.ClusterCheckCommand());
  }
}
