package org.openstrat.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config}, shared by every command that reads extracts (a picocli mixin): one file serves
 * them all, read and checked the same way by {@link RunConfig} (a misspelt key is exit 3 whichever
 * command was given it).
 */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Run configuration, one file for every command: quality.*, population.*, cohort.*, register.*, workbook.* keys; an unknown key is exit 3 (default: documented defaults).")
  Path config;

  /** The run configuration, checked before any data is read. */
  RunConfig load() {
    return RunConfig.load(config);
  }
}
