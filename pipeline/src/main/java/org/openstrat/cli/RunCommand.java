package org.openstrat.cli;

import org.openstrat.core.ExitCode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.config.Settings;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.pipeline.Extracts;
import org.openstrat.pipeline.NightlyRun;
import org.openstrat.publish.Manifest;
import org.openstrat.publish.OutputLock;
import org.openstrat.publish.Progress;
import org.openstrat.publish.Pseudonymiser;
import org.openstrat.publish.Publication;
import org.openstrat.rules.RuleSet;
import org.openstrat.util.LogLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strat run}: the nightly job, ingest -> quality -> population -> features -> scores ->
 * cohorts -> publish, into OUTPUT/AS_OF/ made visible in one atomic step (see {@link
 * Publication}). An adapter: it resolves the options into a {@link NightlyRun.Request} and the
 * run's facts for the manifest, takes the output lock and calls {@link NightlyRun#nightly}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the extracts in INPUT, checks them, scores every registered patient and publishes",
      "OUTPUT/AS_OF/: cohort/ (Parquet), cohort_csv/ (one CSV per PCN and per ICC, for Excel),",
      "register/ and register_csv/ (each PCN's and ICC's emergency admissions, discharges and",
      "A&E attendances since the previous publication),",
      "scores/ (pseudonymised, needs a key), summary/ (small numbers suppressed), quality/,",
      "manifest.json and _SUCCESS. Nothing is visible until everything is written and checked.",
      "The pseudonymisation key is read from --key-file, or the file named by",
      "STRAT_PSEUDO_KEY_FILE, or STRAT_PSEUDO_KEY; without one, scores/ is skipped with a warning."
    },
    footer = {
      "",
      "Example:",
      "  strat run --input sample-data --output out",
      "  strat run --sources /etc/strat/warehouse.properties --output /data/strat \\",
      "      --publish-jdbc --log-format json",
      "  STRAT_PSEUDO_KEY_FILE=/secure/strat.key strat run --input /data/extract --output /data/strat \\",
      "      --as-of 2025-03-31 --config strat.properties",
      "",
      "Exit codes: 3 config/rules, 4 input, 5 quality threshold, 6 publish check,",
      "7 another run holds OUTPUT/.lock (see README)."
    })
public final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExtractOptions extracts;

  @Mixin ConfigOptions configOptions;

  @Mixin RulesOption rulesOption;

  @Option(names = "--publish-jdbc",
      description = "Also write the cohort rows and summary to warehouse tables (needs --sources; swapped in one transaction after the folder is published), e.g. --sources wh.properties --publish-jdbc. Or publish.enabled=true in the file.")
  boolean publishJdbc;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "text (default: progress lines gain time= and run=) or json (one JSON object per line: timestamp, level, run_id, as_of, stage, rows_in, rows_out, seconds, message); default from STRAT_LOG_FORMAT. e.g. --log-format json")
  String logFormat;

  @Option(names = "--spark-ui",
      description = "Switch Spark's web UI on for this run (port 4040, or the next free one) to watch a long run; same as -Dspark.ui.enabled=true. e.g. --spark-ui")
  boolean sparkUi;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Publication root; the run publishes OUTPUT/AS_OF/.")
  Path output;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "File holding the pseudonymisation key for scores/ (never pass the key itself).")
  Path keyFile;

  @Override
  public Integer call() {
    Instant started = Instant.now(); // only for the run id and manifest timestamps
    String runId =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC).format(started)
            + "-" + HexFormat.of().formatHex(SecureRandom.getSeed(3));
    LogLines log = RunInputs.logLines(spec, logFormat, runId);
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    JdbcSources warehouse = extracts.warehouse(spec, publishJdbc);
    if (sparkUi) {
      System.setProperty("spark.ui.enabled", "true");
    }

    // Everything that can fail without Spark fails first.
    RunConfig rc = configOptions.load();
    Settings settings = rc.settings();
    RuleSet rules = rulesOption.load();
    Optional<Pseudonymiser> key = Pseudonymiser.resolve(keyFile, System.getenv());
    Extracts source = extracts.resolve(warehouse);
    log.asOf(source.asOf().toString());
    NightlyRun.Request request = new NightlyRun.Request(source, output, rc.quality(), rc.cohorts(),
        rc.registerDays(), rc.contact(), rules, key, publishJdbc, runId);

    Manifest m = new Manifest(runId);
    m.put("as_of", source.asOf().toString());
    m.put("extract_date", source.extractDate().toString());
    m.put("started_at", started.toString());
    m.put("code_version", Strat.codeVersion());
    m.put("input", source.describe());
    m.put("config", map("source", settings.source(), "sha256", Manifest.sha256(settings.asMap())));
    m.put("rules", map("dir", rules.dir().toString(), "sha256", rules.hash()));
    m.put("cohorts", cohortFacts(rc.cohorts()));
    m.put("admission_model", admissionModelFacts(rules));

    // Locked before Spark starts and held to the end: a second run exits 7 at once and touches
    // nothing, and the recovery in Publication.begin cannot delete a live run's staging folder.
    try (OutputLock lock = OutputLock.acquire(output)) {
      NightlyRun.nightly(request, lock, new Progress(err, m), out, err);
      return ExitCode.OK;
    }
  }

  /**
   * The admission-risk model this run scores with and the evidence for it: the latest backtest of
   * the same model file under OUTPUT/backtest/ (its headline figures), or "not backtested".
   */
  private Map<String, Object> admissionModelFacts(RuleSet rules) {
    try {
      Map<String, Object> model = BacktestCommand.modelFacts(rules);
      model.put("backtest", org.openstrat.backtest.BacktestReport.latestFor(output,
          (String) model.get("sha256")));
      return model;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> cohortFacts(CohortConfig cc) {
    Map<String, Object> m = new LinkedHashMap<>();
    cc.definitions().forEach(
        d -> m.put(d.name(), map("rank_by", d.rankBy(),
            "top_percent", d.byCapacity() ? null : d.topPercent(),
            "top_n", d.topN(), "top_n_per_list", d.topNByGroup(),
            "per", d.levels().stream().map(l -> l.key()).toList(), "filter", d.filter())));
    m.put("risk_rise_days", cc.riskRiseDays());
    m.put("tie_salt_sha256", Manifest.sha256(Map.of("salt", cc.tieSalt())).substring(0, 8));
    return m;
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
