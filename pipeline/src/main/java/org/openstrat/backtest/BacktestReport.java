package org.openstrat.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.openstrat.publish.Disclosure;
import org.openstrat.publish.ExcelCsv;

/**
 * Writes a backtest: {@code report.json} (everything, per list) and four CSV tables
 * ({@code discrimination.csv}, {@code top_share.csv}, {@code calibration.csv},
 * {@code calibration_deciles.csv}). Every count passes through {@link Disclosure} (1-7 shown as
 * {@code *}, others rounded to 5), and so does every rate whose numerator is such a count (a PPV
 * of 3 events in a list of 40 would give the 3 away). A list with fewer than {@link
 * Evaluation#MIN_EVENTS} events of an outcome gets the status {@code too few events} and no
 * figures for that outcome.
 */
public final class BacktestReport {
  private BacktestReport() {}

  public static final String JSON = "report.json";
  public static final String TOO_FEW = "too few events";
  public static final String OK = "ok";

  /** Facts about the run the report describes (dates, model, rules), written as they are. */
  public static void write(Path dir, Map<String, Object> facts, Evaluation e,
      Map<String, Object> fit) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> root = new LinkedHashMap<>(facts);
    root.put("min_events", Evaluation.MIN_EVENTS);
    root.put("population", population(e));
    root.put("headline", headline(e, "all", "ALL"));
    List<Map<String, Object>> lists = new ArrayList<>();
    for (String[] l : lists(e)) {
      lists.add(list(e, l[0], l[1]));
    }
    root.put("lists", lists);
    if (fit != null) {
      root.put("fit", fit);
    }
    mapper().writeValue(dir.resolve(JSON).toFile(), root);
    writeDiscrimination(dir.resolve("discrimination.csv"), e);
    writeTop(dir.resolve("top_share.csv"), e);
    writeCalibration(dir.resolve("calibration.csv"), e);
    writeDeciles(dir.resolve("calibration_deciles.csv"), e);
  }

  /**
   * The evidence for a model a run uses: the headline of the latest backtest under {@code
   * output}/backtest/ whose model file had this SHA-256 (latest by as-of date), or the text "not
   * backtested". A report that cannot be read is passed over.
   */
  public static Object latestFor(Path output, String modelSha256) {
    Path root = output.resolve("backtest");
    Map<String, Object> best = null;
    String bestAsOf = "";
    if (Files.isDirectory(root)) {
      try (java.util.stream.Stream<Path> dirs = Files.list(root)) {
        for (Path d : dirs.sorted().toList()) {
          Path f = d.resolve(JSON);
          if (!d.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}") || !Files.isRegularFile(f)) {
            continue;
          }
          try {
            com.fasterxml.jackson.databind.JsonNode r = mapper().readTree(f.toFile());
            String asOf = r.path("as_of").asText();
            if (modelSha256.equals(r.path("model").path("sha256").asText())
                && asOf.compareTo(bestAsOf) > 0) {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("as_of", asOf);
              m.put("horizon_months", r.path("horizon_months").asInt());
              m.put("outcomes_to", r.path("outcomes_to").asText());
              m.put("report", root.relativize(f).toString());
              m.put("headline", mapper().convertValue(r.path("headline"), Map.class));
              best = m;
              bestAsOf = asOf;
            }
          } catch (IOException e) {
            // not a readable report: not evidence
          }
        }
      } catch (IOException e) {
        return "not backtested";
      }
    }
    return best == null ? "not backtested" : best;
  }

  static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /**
   * The figures a run's manifest and the published-vs-local comparison quote: admission risk
   * against emergency admission over the whole population.
   */
  public static Map<String, Object> headline(Evaluation e, String level, String code) {
    Map<String, Object> m = new LinkedHashMap<>();
    long events = e.events().get(Outcomes.EMERGENCY_ADMISSION);
    Auroc.Result a = e.auroc(level, code, "admission_risk", Outcomes.EMERGENCY_ADMISSION);
    Calibration.Summary c = e.calibration(level, code);
    long n = a == null ? 0 : a.events();
    m.put("outcome", Outcomes.EMERGENCY_ADMISSION);
    m.put("events", count(level.equals(Lists.ALL) ? events : n));
    if (a == null || a.events() < Evaluation.MIN_EVENTS) {
      m.put("status", TOO_FEW);
      return m;
    }
    m.put("status", OK);
    m.put("auroc", round(a.auc()));
    m.put("auroc_95ci", List.of(round(a.low()), round(a.high())));
    TopShare.Result t = e.top(level, code, "admission_risk", 5, Outcomes.EMERGENCY_ADMISSION);
    m.put("top5_ppv", rate(t.eventsInTop(), t.ppv()));
    m.put("top5_sensitivity", rate(t.eventsInTop(), t.sensitivity()));
    m.put("top5_lift", rate(t.eventsInTop(), t.lift()));
    if (c != null) {
      m.put("brier", round(c.brier()));
      m.put("mean_predicted", round(c.meanPredicted()));
      m.put("observed_rate", round(c.events() / (double) c.patients()));
      m.put("calibration_intercept", round(c.intercept()));
      m.put("calibration_slope", round(c.slope()));
    }
    return m;
  }

  private static Map<String, Object> population(Evaluation e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("patients", count(e.patients()));
    Map<String, Object> ev = new LinkedHashMap<>();
    e.events().forEach((k, v) -> ev.put(k, count(v)));
    m.put("events", ev);
    m.put("died_in_horizon", count(e.died()));
    m.put("left_in_horizon", count(e.left()));
    m.put("censoring", "everyone in the as-of population is counted; a patient who died or whose "
        + "registration ended in the horizon counts the events dated up to that day");
    return m;
  }

  private static Map<String, Object> list(Evaluation e, String level, String code) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("level", level);
    m.put("code", code);
    Auroc.Result any = e.auroc(level, code, "admission_risk", Outcomes.EMERGENCY_ADMISSION);
    m.put("patients", count(any == null ? 0 : any.patients()));
    Map<String, Object> outcomes = new LinkedHashMap<>();
    for (String o : Outcomes.ALL) {
      Map<String, Object> om = new LinkedHashMap<>();
      Auroc.Result first = e.auroc(level, code, Evaluation.SCORES.get(0), o);
      long events = first == null ? 0 : first.events();
      om.put("events", count(events));
      if (events < Evaluation.MIN_EVENTS) {
        om.put("status", TOO_FEW);
        outcomes.put(o, om);
        continue;
      }
      om.put("status", OK);
      Map<String, Object> scores = new LinkedHashMap<>();
      for (String s : Evaluation.SCORES) {
        Auroc.Result a = e.auroc(level, code, s, o);
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("auroc", round(a.auc()));
        sm.put("auroc_95ci", List.of(round(a.low()), round(a.high())));
        Map<String, Object> tops = new LinkedHashMap<>();
        for (int k : TopShare.PERCENTS) {
          TopShare.Result t = e.top(level, code, s, k, o);
          Map<String, Object> tm = new LinkedHashMap<>();
          tm.put("patients", count(t.size()));
          tm.put("events", count(t.eventsInTop()));
          tm.put("ppv", rate(t.eventsInTop(), t.ppv()));
          tm.put("sensitivity", rate(t.eventsInTop(), t.sensitivity()));
          tm.put("lift", rate(t.eventsInTop(), t.lift()));
          tops.put("top" + k, tm);
        }
        sm.put("top", tops);
        scores.put(s, sm);
      }
      om.put("scores", scores);
      outcomes.put(o, om);
    }
    m.put("outcomes", outcomes);
    Calibration.Summary c = e.calibration(level, code);
    if (c != null && c.events() >= Evaluation.MIN_EVENTS) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("brier", round(c.brier()));
      cm.put("mean_predicted", round(c.meanPredicted()));
      cm.put("observed_rate", rate(c.events(), c.events() / (double) c.patients()));
      cm.put("intercept", round(c.intercept()));
      cm.put("slope", round(c.slope()));
      List<Map<String, Object>> ds = new ArrayList<>();
      for (Calibration.Decile d : deciles(e, level, code)) {
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("decile", d.decile());
        dm.put("patients", count(d.patients()));
        dm.put("mean_predicted", round(d.meanPredicted()));
        dm.put("observed_rate", rate(d.events(), d.events() / (double) d.patients()));
        ds.add(dm);
      }
      cm.put("deciles", ds);
      m.put("calibration", cm);
    } else {
      m.put("calibration", Map.of("status", TOO_FEW));
    }
    return m;
  }

  private static void writeDiscrimination(Path file, Evaluation e) throws IOException {
    try (ExcelCsv csv = ExcelCsv.create(file, List.of("list_level", "list_code", "outcome",
        "score", "patients", "events", "status", "auroc", "auroc_low", "auroc_high"))) {
      for (String[] l : lists(e)) {
        for (String o : Outcomes.ALL) {
          for (String s : Evaluation.SCORES) {
            Auroc.Result a = e.auroc(l[0], l[1], s, o);
            boolean ok = a.events() >= Evaluation.MIN_EVENTS;
            csv.row(List.of(l[0], l[1], o, s, count(a.patients()).toString(),
                count(a.events()).toString(), ok ? OK : TOO_FEW,
                ok ? fixed(a.auc()) : "", ok ? fixed(a.low()) : "", ok ? fixed(a.high()) : ""));
          }
        }
      }
    }
  }

  private static void writeTop(Path file, Evaluation e) throws IOException {
    try (ExcelCsv csv = ExcelCsv.create(file, List.of("list_level", "list_code", "outcome",
        "score", "top_percent", "patients_in_top", "events_in_top", "status", "ppv",
        "sensitivity", "lift"))) {
      for (String[] l : lists(e)) {
        for (String o : Outcomes.ALL) {
          for (String s : Evaluation.SCORES) {
            for (int k : TopShare.PERCENTS) {
              TopShare.Result t = e.top(l[0], l[1], s, k, o);
              boolean ok = t.events() >= Evaluation.MIN_EVENTS;
              csv.row(List.of(l[0], l[1], o, s, Integer.toString(k), count(t.size()).toString(),
                  ok ? count(t.eventsInTop()).toString() : "", ok ? OK : TOO_FEW,
                  ok ? text(rate(t.eventsInTop(), t.ppv())) : "",
                  ok ? text(rate(t.eventsInTop(), t.sensitivity())) : "",
                  ok ? text(rate(t.eventsInTop(), t.lift())) : ""));
            }
          }
        }
      }
    }
  }

  private static void writeCalibration(Path file, Evaluation e) throws IOException {
    try (ExcelCsv csv = ExcelCsv.create(file, List.of("list_level", "list_code", "patients",
        "events", "status", "mean_predicted", "observed_rate", "brier", "calibration_intercept",
        "calibration_slope"))) {
      for (String[] l : lists(e)) {
        Calibration.Summary c = e.calibration(l[0], l[1]);
        boolean ok = c.events() >= Evaluation.MIN_EVENTS;
        csv.row(List.of(l[0], l[1], count(c.patients()).toString(), count(c.events()).toString(),
            ok ? OK : TOO_FEW, ok ? fixed(c.meanPredicted()) : "",
            ok ? text(rate(c.events(), c.events() / (double) c.patients())) : "",
            ok ? fixed(c.brier()) : "", ok ? fixed(c.intercept()) : "",
            ok ? fixed(c.slope()) : ""));
      }
    }
  }

  private static void writeDeciles(Path file, Evaluation e) throws IOException {
    try (ExcelCsv csv = ExcelCsv.create(file, List.of("list_level", "list_code", "decile",
        "patients", "mean_predicted", "observed_rate"))) {
      for (String[] l : lists(e)) {
        Calibration.Summary c = e.calibration(l[0], l[1]);
        if (c.events() < Evaluation.MIN_EVENTS) {
          continue;
        }
        for (Calibration.Decile d : deciles(e, l[0], l[1])) {
          csv.row(List.of(l[0], l[1], Integer.toString(d.decile()),
              count(d.patients()).toString(), fixed(d.meanPredicted()),
              text(rate(d.events(), d.events() / (double) d.patients()))));
        }
      }
    }
  }

  /** The lists in report order: the whole population, then PCNs, then ICCs, each by code. */
  static List<String[]> lists(Evaluation e) {
    List<String[]> out = new ArrayList<>();
    out.add(new String[] {Lists.ALL, Lists.ALL_CODE});
    for (String level : List.of("pcn", "icc")) {
      TreeSet<String> codes = new TreeSet<>();
      e.auroc().stream().filter(a -> a.level().equals(level)).forEach(a -> codes.add(a.code()));
      codes.forEach(c -> out.add(new String[] {level, c}));
    }
    return out;
  }

  private static List<Calibration.Decile> deciles(Evaluation e, String level, String code) {
    return e.deciles().stream()
        .filter(d -> d.level().equals(level) && d.code().equals(code))
        .sorted(Comparator.comparingInt(Calibration.Decile::decile))
        .toList();
  }

  /** A published count: a number, or "*" when suppressed. */
  static Object count(long n) {
    String s = Disclosure.count(n);
    return s.equals(Disclosure.SUPPRESSED) ? s : (Object) Long.parseLong(s);
  }

  /** A rate whose numerator is {@code numerator}: suppressed with it. */
  static Object rate(long numerator, double value) {
    if (numerator > 0 && numerator <= Disclosure.THRESHOLD) {
      return Disclosure.SUPPRESSED;
    }
    return round(value);
  }

  static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10000) / 10000.0 : null;
  }

  private static String fixed(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
  }

  private static String text(Object v) {
    return v == null ? "" : v instanceof Double d ? fixed(d) : v.toString();
  }
}
