package org.openstrat.backtest;

import org.openstrat.util.CsvText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a fitted model as a candidate {@code model.csv} in the rules format: the published file's
 * header and columns, each coefficient's {@code source} saying where it came from. It is written
 * beside the backtest report, never into {@code rules/}: adopting it is a reviewed edit of
 * {@code rules/admission-risk/model.csv} and {@code strat rules lock}, as for any rule change.
 */
public final class CandidateModel {
  private CandidateModel() {}

  public static final String FILE = "candidate-model.csv";

  /**
   * @param published the live model file (its comment lines other than name, source, version
   *     and licence are kept: formula, transforms, labels)
   * @param provenance where the fit came from, one sentence: extract date, as-of dates, patients,
   *     events, regularisation
   */
  public static void write(Path file, Path published, ModelFit.Fitted fit, String version,
      String provenance) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# name: Emergency admission risk model (12 months), fitted on local outcomes");
    lines.add("# source: " + provenance + "; terms, transforms and labels as in the published "
        + "model (rules/admission-risk/model.csv), whose sources each row names");
    lines.add("# version: " + version);
    lines.add("# licence: CC0 (fitted by strat backtest --fit; holds coefficients, no patient data)");
    for (String l : Files.readAllLines(published, StandardCharsets.UTF_8)) {
      if (l.startsWith("#") && !l.startsWith("# name:") && !l.startsWith("# source:")
          && !l.startsWith("# version:") && !l.startsWith("# licence:")
          && !l.startsWith("# calibration:") && !l.startsWith("# not a fitted model")) {
        lines.add(l);
      }
    }
    lines.add("feature,transform,coefficient,label,source");
    lines.add(row("intercept", "identity", fit.intercept(), "",
        "fitted on local outcomes (" + fit.patients() + " patients, " + fit.events()
            + " events; standard error " + number(fit.interceptStandardError()) + ")"));
    for (ModelFit.Term t : fit.terms()) {
      String source = t.keptPublished()
          ? "KEPT PUBLISHED: only " + t.events() + " local events among patients with this term"
              + " (under the minimum), so the published coefficient stands"
          : String.format(Locale.ROOT, "fitted on local outcomes (%d events among patients with "
              + "this term; standard error %s); published %s", t.events(),
              number(t.standardError()), number(t.published().coefficient()));
      lines.add(row(t.published().feature(), t.published().transform(), t.coefficient(),
          t.published().label(), source));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static String row(String feature, String transform, double coefficient, String label,
      String source) {
    return String.join(",", quote(feature), quote(transform), number(coefficient),
        quote(label == null ? "" : label), quote(source));
  }

  static String number(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String quote(String s) {
    return CsvText.quote(s);
  }
}
