package org.openstrat.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.pipeline.Extracts;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The extracts a command reads and the date it scores them as of, shared by {@code strat run},
 * {@code validate} and {@code score} (a picocli mixin) so that the three read the same data the
 * same way, from a folder or a warehouse. {@code strat backtest} keeps its own: it reads a folder
 * only, and its as-of defaults to the extract date minus the horizon.
 */
final class ExtractOptions {

  @Option(names = "--input", paramLabel = "DIR",
      description = "Extract folder (or give --sources).")
  Path input;

  @Option(names = "--sources", paramLabel = "FILE",
      description = "Read the extracts from a SQL warehouse over JDBC instead of --input: a properties file naming the url, extract_date and each extract's table or query (credentials from STRAT_JDBC_USER/STRAT_JDBC_PASSWORD or credentials.file). e.g. --sources /etc/strat/warehouse.properties (docs/operations.md).")
  Path sources;

  @Option(names = "--as-of", paramLabel = "DATE",
      description = "Scoring date yyyy-MM-dd, on or before the extract date (default: the extract date).")
  LocalDate asOf;

  @Option(names = "--extract-date", paramLabel = "DATE",
      description = "Overrides extract_date in INPUT/extract.properties.")
  LocalDate extractDate;

  /**
   * Exactly one of {@code --input} and {@code --sources} (exit 2 otherwise, naming the command's
   * help); the warehouse loaded with its credentials, or null for a folder. Checked first, before
   * the config file.
   */
  JdbcSources warehouse(CommandSpec spec, boolean publishJdbc) {
    return RunInputs.check(spec, input, sources, publishJdbc);
  }

  /**
   * The extracts and dates, checked before Spark starts: the folder readable and dated (exit 4),
   * the as-of date not after the extract date (exit 2).
   */
  Extracts resolve(JdbcSources warehouse) {
    return Extracts.resolve(input, warehouse, extractDate, asOf);
  }
}
