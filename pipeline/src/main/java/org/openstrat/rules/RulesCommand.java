package org.openstrat.rules;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openstrat.core.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strat rules check|lock}: validate the rule files, or re-pin them in rules.lock. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Check the rule files under rules/ or regenerate rules/rules.lock.",
    subcommands = {RulesCommand.Check.class, RulesCommand.Lock.class},
    footer = {"", "Example:", "  strat rules check", "  strat rules lock --rules rules"})
public final class RulesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  /** Shared --rules option. */
  static final class Dir {
    @Option(
        names = "--rules",
        paramLabel = "DIR",
        description = "Rules directory (default: -Dstrat.rules, \\${strat.home}/rules, ./rules, ../rules).")
    Path dir;

    Path resolve() {
      return dir != null ? dir : RuleSet.defaultDir();
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Load every rule file, check schemas, codes and rules.lock; print a summary.",
        "Exit 3 with one line naming the file and row if anything is wrong."
      },
      footer = {"", "Example:", "  strat rules check --rules rules"})
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin Dir dir = new Dir();

    @Override
    public Integer call() {
      RuleSet rs = RuleSet.load(dir.resolve());
      PrintWriter out = spec.commandLine().getOut();
      out.println(summary(rs));
      out.flush();
      return ExitCode.OK;
    }
  }

  @Command(
      name = "lock",
      mixinStandardHelpOptions = true,
      description = {
        "Validate every rule file (schemas and codes, not checksums), then rewrite rules.lock",
        "with each file's SHA-256. Review the diff of the rule files before committing the lock."
      },
      footer = {"", "Example:", "  strat rules lock --rules rules"})
  static final class Lock implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin Dir dir = new Dir();

    @Override
    public Integer call() {
      Path d = dir.resolve();
      RuleSet.load(d, false);
      String text = RulesLock.write(d);
      RuleSet rs = RuleSet.load(d);
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      out.println("rules.lock written: " + text.lines().count() + " files, hash " + rs.hash());
      out.flush();
      return ExitCode.OK;
    }
  }

  /** A few lines describing what was loaded (no patient data: safe for logs). */
  static String summary(RuleSet rs) {
    int efiCodes = rs.efi().deficits().stream().mapToInt(d -> d.snomedCodes().size()).sum();
    int ltcCodes =
        rs.multimorbidity().conditions().stream().mapToInt(c -> c.snomedCodes().size()).sum();
    double hfrsTotal = rs.hfrs().points().values().stream().mapToDouble(Double::doubleValue).sum();
    return String.format(
        java.util.Locale.ROOT,
        "rules %s ok: hash %s%n"
            + "efi: %d deficits, %d SNOMED codes, %d value rules%n"
            + "hfrs: %d ICD-10 groups, total %.1f points, %d-year look-back%n"
            + "multimorbidity: %d conditions, %d SNOMED codes%n"
            + "medicines: %d%n"
            + "admission model %s: %d terms, bands %s",
        rs.dir(),
        rs.hash(),
        rs.efi().count(),
        efiCodes,
        rs.efi().valueRules().size(),
        rs.hfrs().points().size(),
        hfrsTotal,
        rs.hfrs().lookbackYears(),
        rs.multimorbidity().conditions().size(),
        ltcCodes,
        rs.medicines().size(),
        rs.admissionModel().version(),
        rs.admissionModel().terms().size(),
        rs.admissionModel().bands().stream().map(b -> b.name() + ">=" + b.minProbability()).toList());
  }
}
