package org.openstrat.generate;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.ingest.Extract;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strat generate}: writes a synthetic Integrated Care System in the extract contract's layout. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a synthetic ICS (every extract of docs/data-contract.md, extract.properties and",
      "generator-ledger.csv) with an England-like population and 4 years of history.",
      "The same --patients and --seed give byte-identical files whatever --threads is."
    },
    footer = {
      "",
      "Example:",
      "  strat generate --patients 5000 --seed 1 --out /tmp/ics --bad-rows 0.005",
      "  strat generate --patients 1000000 --seed 42 --format parquet --out /data/ics-1m"
    })
public final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--patients", required = true, description = "Registered patients to generate.")
  int patients;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, description = "Output folder (created; its extracts are replaced).")
  Path out;

  @Option(names = "--format", defaultValue = "csv", description = "csv or parquet (default ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--extract-date",
      description = "Extract date yyyy-MM-dd (default: today in UTC; pass it for reproducible output).")
  String extractDate;

  @Option(
      names = "--bad-rows",
      defaultValue = "0",
      description = "Share of rows given a defect, 0 to 0.5 (default ${DEFAULT-VALUE}); see the ledger.")
  double badRows;

  @Option(
      names = "--threads",
      description = "Worker threads (default: available processors). Does not change the output.")
  Integer threads;

  @Option(
      names = "--rules",
      description = "Rules folder the clinical codes come from (default: STRAT_HOME/rules or ./rules).")
  Path rules;

  @Option(
      names = "--outcomes",
      defaultValue = "hidden",
      description = "Where emergency admissions come from: hidden (the hidden model of docs/generator.md,"
          + " default) or logistic (a plain logistic process on observed features, for checking that"
          + " strat backtest --fit recovers known coefficients).")
  String outcomes;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    boolean csv = switch (format.toLowerCase(java.util.Locale.ROOT)) {
      case "csv" -> true;
      case "parquet" -> false;
      default -> throw new StratException(ExitCode.USAGE, "--format must be csv or parquet, not " + format);
    };
    if (!(badRows >= 0 && badRows <= 0.5)) {
      throw new StratException(ExitCode.USAGE, "--bad-rows must be from 0 to 0.5, not " + badRows);
    }
    if (patients < 1 || patients > 10_000_000) {
      throw new StratException(ExitCode.USAGE, "--patients must be from 1 to 10000000, not " + patients);
    }
    LocalDate date;
    try {
      // The one clock read: a default for a command-line option, never inside generation.
      date = extractDate == null ? LocalDate.now(java.time.ZoneOffset.UTC) : LocalDate.parse(extractDate);
    } catch (DateTimeParseException e) {
      throw new StratException(ExitCode.USAGE, "--extract-date must be yyyy-MM-dd, not " + extractDate);
    }
    boolean logistic = switch (outcomes) {
      case "hidden" -> false;
      case "logistic" -> true;
      default -> throw new StratException(ExitCode.USAGE, "--outcomes must be hidden or logistic, not " + outcomes);
    };
    int t = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    Generator.Result r =
        Generator.run(new Generator.Options(patients, seed, out, csv, date, badRows, t, rulesDir(), logistic), err);
    for (Extract e : Extract.values()) {
      stdout.printf("extract %-17s rows=%-11d bytes=%d%n", e.fileName(), r.rows().getOrDefault(e, 0L), r.bytes().getOrDefault(e, 0L));
    }
    stdout.printf("generated patients=%d seed=%d format=%s extract_date=%s defect_rows=%d superseded_rows=%d codes=%s seconds=%.1f%n",
        patients, seed, csv ? "csv" : "parquet", date, r.defectRows(), r.supersededRows(), r.codeSource(), r.seconds());
    stdout.flush();
    return ExitCode.OK;
  }

  private Path rulesDir() {
    if (rules != null) {
      return rules;
    }
    String home = System.getProperty("strat.home");
    return home != null ? Paths.get(home, "rules") : Paths.get("rules");
  }
}
