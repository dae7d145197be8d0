package org.openstrat.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.OutputLock;
import org.openstrat.publish.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strat report}: rebuilds a publication's report/index.html from its files, without Spark. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuilds OUTPUT/AS_OF/report/index.html from the publication's own files and the",
      "publications before it (trends): cohort sizes, band and eFI distributions, data quality,",
      "stage timings, the model in use. No re-run, no Spark; small numbers suppressed."
    },
    footer = {
      "",
      "Example:",
      "  strat report --output out                      # the latest publication",
      "  strat report --output /data/strat --as-of 2026-03-31",
      "",
      "Exit codes: 2 no such publication, 3 OUTPUT not writable, 7 another run holds OUTPUT/.lock."
    })
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Publication root.")
  Path output;

  @Option(names = "--as-of", paramLabel = "DATE",
      description = "The publication yyyy-MM-dd (default: the latest complete one).")
  LocalDate asOf;

  @Override
  public Integer call() {
    try (OutputLock lock = OutputLock.acquire(output)) {
      LocalDate date = asOf != null ? asOf : latest();
      Path pub = output.resolve(date.toString());
      if (!Files.isRegularFile(pub.resolve(Manifest.SUCCESS))) {
        throw new StratException(ExitCode.USAGE, "No complete publication " + pub
            + " (no _SUCCESS); give --as-of a date that was published");
      }
      RunReport.write(pub, output, date);
      spec.commandLine().getOut().println("report: " + pub.resolve(RunReport.FILE));
      return ExitCode.OK;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private LocalDate latest() throws IOException {
    var before = RunReport.earlier(output, LocalDate.MAX);
    if (before.isEmpty()) {
      throw new StratException(ExitCode.USAGE, "No complete publication in " + output);
    }
    return LocalDate.parse(before.get(before.size() - 1).getFileName().toString());
  }
}
