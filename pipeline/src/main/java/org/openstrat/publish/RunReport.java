package org.openstrat.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * {@code report/index.html}: one self-contained page for the hub and analysts (inline SVG and
 * CSS, no script, nothing fetched: a Content-Security-Policy forbids it), built only from
 * published files, so {@code strat report} can rebuild it without re-running. Every count goes
 * through {@link Disclosure} (the page may be shared widely) and no NHS number is read into it.
 *
 * <p>Sections: cohort sizes per list; admission-risk band and eFI category per PCN (from
 * summary.csv, already suppressed); data quality per extract against previous runs; trends over
 * the last {@link #HISTORY} publications; stage timings and row counts; the model in use and its
 * latest backtest.
 */
public final class RunReport {
  public static final String FILE = "report/index.html";
  /** Publications shown in the trends, this one included. */
  public static final int HISTORY = 12;

  private RunReport() {}

  /** Writes {@code publication/report/index.html} (replacing it in one step), reading history from {@code output}. */
  public static void write(Path publication, Path output, LocalDate asOf) throws IOException {
    List<Facts> history = new ArrayList<>();
    for (Path p : earlier(output, asOf)) {
      history.add(Facts.read(p, LocalDate.parse(p.getFileName().toString())));
    }
    history.add(Facts.read(publication, asOf));
    Path file = publication.resolve(FILE);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(".index.html.tmp");
    Files.writeString(tmp, html(history), StandardCharsets.UTF_8);
    org.openstrat.util.Folders.restrict(file.getParent()); // closed to other users, like the publication
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Complete publications dated before {@code asOf}, oldest first, the latest HISTORY - 1. */
  public static List<Path> earlier(Path output, LocalDate asOf) throws IOException {
    TreeMap<LocalDate, Path> found = new TreeMap<>();
    if (output != null && Files.isDirectory(output)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(output)) {
        for (Path p : ds) {
          try {
            LocalDate d = LocalDate.parse(p.getFileName().toString());
            if (d.isBefore(asOf) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                && Files.exists(p.resolve(Manifest.SUCCESS))) {
              found.put(d, p);
            }
          } catch (DateTimeParseException e) {
            // not a publication
          }
        }
      }
    }
    List<Path> all = new ArrayList<>(found.values());
    return all.subList(Math.max(0, all.size() - (HISTORY - 1)), all.size());
  }

  /** What one publication says, exact counts (suppressed only when shown). */
  record Facts(
      LocalDate asOf,
      Map<String, Map<String, Long>> lists,
      Map<String, Long> leftByReason,
      List<String[]> summary,
      JsonNode quality,
      JsonNode manifest) {

    static Facts read(Path pub, LocalDate asOf) throws IOException {
      Map<String, Map<String, Long>> lists = new TreeMap<>();
      for (GenericRecord g : records(pub.resolve("cohort"))) {
        String list = g.get("cohort") + " / " + g.get("cohort_level") + " / " + g.get("cohort_group");
        lists.computeIfAbsent(list, k -> new TreeMap<>()).merge(String.valueOf(g.get("status")), 1L, Long::sum);
      }
      Map<String, Long> left = new TreeMap<>();
      for (GenericRecord g : records(pub.resolve("cohort_left"))) {
        left.merge(String.valueOf(g.get("reason")), 1L, Long::sum);
      }
      List<String[]> summary = new ArrayList<>();
      Path s = pub.resolve("summary").resolve(Summary.FILE);
      if (Files.isRegularFile(s)) {
        try (Reader rd = Files.newBufferedReader(s, StandardCharsets.UTF_8)) {
          rd.mark(1);
          if (rd.read() != '\uFEFF') {
            rd.reset();
          }
          for (CSVRecord r : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(rd)) {
            String count = r.get("count");
            if (r.isMapped("suppressed") && Boolean.parseBoolean(r.get("suppressed"))) {
              count = Disclosure.SUPPRESSED;
            }
            summary.add(new String[] {r.get("level"), r.get("code"), r.get("measure"), r.get("category"), count});
          }
        }
      }
      return new Facts(asOf, lists, left, summary, json(pub.resolve("quality/report.json")),
          json(pub.resolve(Manifest.FILE)));
    }

    long cohortRows() {
      return lists.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    long status(String st) {
      return lists.values().stream().mapToLong(m -> m.getOrDefault(st, 0L)).sum();
    }

    long rejected() {
      long n = 0;
      for (JsonNode e : quality.path("extracts")) {
        n += e.path("rows_rejected").asLong(0);
      }
      return n;
    }
  }

  private static JsonNode json(Path f) throws IOException {
    ObjectMapper om = new ObjectMapper();
    return Files.isRegularFile(f) ? om.readTree(f.toFile()) : om.createObjectNode();
  }

  private static List<GenericRecord> records(Path dir) throws IOException {
    List<GenericRecord> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> parts;
    try (var s = Files.walk(dir)) {
      parts = s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
    for (Path p : parts) {
      try (ParquetReader<GenericRecord> r = AvroRecords.reader(p)) {
        for (GenericRecord g = r.read(); g != null; g = r.read()) {
          out.add(g);
        }
      }
    }
    return out;
  }

  // ---- the page ----

  static String html(List<Facts> history) {
    Facts now = history.get(history.size() - 1);
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>strat run report ").append(now.asOf()).append("</title>\n<style>")
        .append("body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}")
        .append("h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}")
        .append("table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append("th:first-child,td:first-child{text-align:left}.note{color:#555;font-size:13px}")
        .append("tr.part td{color:#555}tr.part td:first-child{padding-left:24px}")
        .append("svg text{font-size:12px;font-family:sans-serif}.suppressed{fill:#a33;font-style:italic}")
        .append(".bar{fill:#3a6ea5}.bar.c1{fill:#7fa7d1}.bar.c2{fill:#e3a33b}.bar.c3{fill:#c0504d}.gap{fill:none;stroke:#a33;stroke-dasharray:3 2}")
        .append("</style></head><body>\n");
    b.append("<h1>strat run report, as of ").append(now.asOf()).append("</h1>\n");
    b.append("<p class=\"note\">Counts of 1 to ").append(Disclosure.THRESHOLD)
        .append(" are shown as <span class=\"suppressed\">suppressed</span> (*), others rounded to the nearest ")
        .append(Disclosure.ROUNDING).append(", as in summary/. Run ")
        .append(esc(now.manifest().path("run_id").asText("?"))).append(".</p>\n");

    b.append("<h2>Cohort sizes per list</h2>\n");
    List<Bar> sizes = new ArrayList<>();
    now.lists().forEach((list, st) -> sizes.add(Bar.count(list, st.values().stream().mapToLong(Long::longValue).sum(), 0)));
    b.append(bars("cohort-sizes", sizes));

    for (String measure : List.of("admission_risk_band", "efi_category")) {
      b.append("<h2>").append(measure.equals("efi_category") ? "eFI category" : "Admission-risk band")
          .append(" per PCN</h2>\n<p class=\"note\">From summary/summary.csv (national opt-outs left out).</p>\n");
      List<Bar> dist = new ArrayList<>();
      List<String> cats = new ArrayList<>();
      for (String[] r : now.summary()) {
        if (r[0].equals("pcn") && r[2].equals(measure)) {
          if (!cats.contains(r[3])) {
            cats.add(r[3]);
          }
          dist.add(Bar.shown(r[1] + " " + r[3], r[4], cats.indexOf(r[3]) % 4));
        }
      }
      b.append(bars(measure.replace('_', '-'), dist));
    }

    b.append("<h2>Data quality per extract</h2>\n");
    List<Bar> q = new ArrayList<>();
    StringBuilder t = new StringBuilder("<table><tr><th>extract</th><th>read</th><th>accepted</th><th>rejected</th><th>rejected by reason</th></tr>\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = now.quality().path("extracts").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode x = e.getValue();
      q.add(Bar.count(e.getKey() + " accepted", x.path("rows_accepted").asLong(), 0));
      q.add(Bar.count(e.getKey() + " rejected", x.path("rows_rejected").asLong(), 3));
      List<String> reasons = new ArrayList<>();
      x.path("rejected_by_reason").fields().forEachRemaining(r -> reasons.add(esc(r.getKey()) + " " + shown(r.getValue().asLong())));
      t.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(shown(x.path("rows_read").asLong()))
          .append("</td><td>").append(shown(x.path("rows_accepted").asLong())).append("</td><td>")
          .append(shown(x.path("rows_rejected").asLong())).append("</td><td>").append(String.join(", ", reasons))
          .append("</td></tr>\n");
    }
    b.append(bars("quality", q)).append(t).append("</table>\n");
    b.append("<p class=\"note\">Rows read = accepted + rejected. Rejected rows over the publications:</p>\n");
    b.append(lines("rejects-trend", history, List.of(new Series("rejected rows", Facts::rejected))));

    b.append("<h2>Trends over the last ").append(history.size()).append(" publication")
        .append(history.size() == 1 ? "" : "s").append("</h2>\n");
    b.append(lines("population-trend", history, List.of(
        new Series("eligible population", f -> f.quality().path("population").path("population").asLong()))));
    b.append(lines("trends", history, List.of(
        new Series("cohort rows", Facts::cohortRows),
        new Series("new", f -> f.status("new")),
        new Series("left", f -> f.leftByReason().values().stream().mapToLong(Long::longValue).sum()))));
    StringBuilder churn = new StringBuilder("<table><tr><th>as of</th><th>population</th><th>cohort rows</th><th>new</th><th>continuing</th>");
    List<String> reasons = List.of("died", "deregistered", "moved", "no_longer_eligible", "risk_fell");
    reasons.forEach(r -> churn.append("<th>left: ").append(r.replace('_', ' ')).append("</th>"));
    churn.append("<th>rejected rows</th></tr>\n");
    for (Facts f : history) {
      churn.append("<tr><td>").append(f.asOf()).append("</td><td>")
          .append(shown(f.quality().path("population").path("population").asLong())).append("</td><td>")
          .append(shown(f.cohortRows())).append("</td><td>").append(shown(f.status("new"))).append("</td><td>")
          .append(shown(f.status("continuing"))).append("</td>");
      reasons.forEach(r -> churn.append("<td>").append(shown(f.leftByReason().getOrDefault(r, 0L))).append("</td>"));
      churn.append("<td>").append(shown(f.rejected())).append("</td></tr>\n");
    }
    b.append(churn).append("</table>\n");

    b.append("<h2>Stages</h2>\n");
    List<Bar> secs = new ArrayList<>();
    StringBuilder st = new StringBuilder("<table><tr><th>stage</th><th>rows in</th><th>rows out</th><th>seconds</th></tr>\n");
    // A part of a stage (each extract's checks within validate) is an indented row under the
    // stage that contains it, not a bar beside it. The manifest records parts before their stage
    // (a stage ends after its parts), so they are held until it comes.
    Map<String, StringBuilder> parts = new LinkedHashMap<>();
    for (JsonNode s : now.manifest().path("stages")) {
      String name = s.path("name").asText();
      double sec = s.path("seconds").asDouble();
      String row = "<td>" + esc(name) + "</td><td>" + shown(s.path("rows_in").asLong()) + "</td><td>"
          + shown(s.path("rows_out").asLong()) + "</td><td>" + ExcelCsv.number(sec) + "</td></tr>\n";
      if (s.hasNonNull("within")) {
        parts.computeIfAbsent(s.path("within").asText(), k -> new StringBuilder())
            .append("<tr class=\"part\">").append(row);
      } else {
        secs.add(new Bar(name, ExcelCsv.number(sec) + " s", sec, 0));
        st.append("<tr>").append(row);
        StringBuilder mine = parts.remove(name);
        if (mine != null) {
          st.append(mine);
        }
      }
    }
    parts.values().forEach(st::append);
    b.append(bars("stages", secs)).append(st).append("</table>\n");

    b.append("<h2>Admission-risk model</h2>\n");
    JsonNode model = now.manifest().path("admission_model");
    if (model.isMissingNode() || model.isEmpty()) {
      b.append("<p>Not recorded in this publication's manifest.</p>\n");
    } else {
      b.append("<table>");
      facts(b, "", model, 0);
      b.append("</table>\n");
    }
    b.append("</body></html>\n");
    return b.toString();
  }

  /** Scalars of a JSON object as table rows, nested keys joined with '.', at most 3 deep. */
  private static void facts(StringBuilder b, String prefix, JsonNode n, int depth) {
    if (n.isValueNode() || depth > 3) {
      b.append("<tr><td>").append(esc(prefix)).append("</td><td>").append(esc(n.isValueNode() ? n.asText() : "..."))
          .append("</td></tr>");
      return;
    }
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        facts(b, prefix + "[" + i + "]", n.get(i), depth + 1);
      }
      return;
    }
    n.fields().forEachRemaining(e -> facts(b, prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), depth + 1));
  }

  private static String shown(long n) {
    String s = Disclosure.count(n);
    return s.equals(Disclosure.SUPPRESSED) ? "<span class=\"suppressed\">*</span>" : s;
  }

  /**
   * A bar: the label, the text shown beside it, the value drawn (null when suppressed, drawn as a
   * dashed outline), and a colour class.
   */
  record Bar(String label, String text, Double value, int colour) {
    static Bar count(String label, long exact, int colour) {
      return shown(label, Disclosure.count(exact), colour);
    }

    /** From an already suppressed count. */
    static Bar shown(String label, String published, int colour) {
      boolean suppressed = published.equals(Disclosure.SUPPRESSED);
      return new Bar(label, suppressed ? "suppressed" : published,
          suppressed ? null : Double.valueOf(published.isEmpty() ? "0" : published), colour);
    }
  }

  /** A horizontal bar chart, one row per bar. */
  static String bars(String id, List<Bar> bars) {
    int labelW = 260;
    int plotW = 560;
    int rowH = 20;
    double max = bars.stream().filter(x -> x.value() != null).mapToDouble(Bar::value).max().orElse(1);
    max = max <= 0 ? 1 : max;
    StringBuilder s = new StringBuilder();
    s.append("<svg class=\"chart\" data-chart=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(labelW + plotW + 120).append("\" height=\"").append(Math.max(1, bars.size()) * rowH + 10).append("\">");
    if (bars.isEmpty()) {
      s.append("<text x=\"4\" y=\"16\">nothing to show</text>");
    }
    for (int i = 0; i < bars.size(); i++) {
      Bar x = bars.get(i);
      int y = i * rowH + 4;
      s.append("<text x=\"").append(labelW - 6).append("\" y=\"").append(y + 13).append("\" text-anchor=\"end\">")
          .append(esc(x.label())).append("</text>");
      if (x.value() == null) {
        s.append("<rect class=\"gap\" x=\"").append(labelW).append("\" y=\"").append(y + 2)
            .append("\" width=\"12\" height=\"").append(rowH - 6).append("\"/>");
        s.append("<text class=\"suppressed\" x=\"").append(labelW + 18).append("\" y=\"").append(y + 13)
            .append("\">suppressed</text>");
      } else {
        long w = Math.round(plotW * x.value() / max);
        s.append("<rect class=\"bar c").append(x.colour()).append("\" x=\"").append(labelW).append("\" y=\"")
            .append(y + 2).append("\" width=\"").append(Math.max(1, w)).append("\" height=\"").append(rowH - 6)
            .append("\"><title>").append(esc(x.label() + ": " + x.text())).append("</title></rect>");
        s.append("<text x=\"").append(labelW + w + 6).append("\" y=\"").append(y + 13).append("\">")
            .append(esc(x.text())).append("</text>");
      }
    }
    return s.append("</svg>\n").toString();
  }

  /** A series of a line chart: a count per publication (suppressed before drawing). */
  record Series(String name, java.util.function.ToLongFunction<Facts> value) {}

  /** A line chart over publications; a suppressed point is a gap marked "*". */
  static String lines(String id, List<Facts> history, List<Series> series) {
    int w = 820;
    int h = 220;
    int left = 60;
    int top = 20;
    int plotW = w - left - 160;
    int plotH = h - top - 40;
    String[] colours = {"#3a6ea5", "#e3a33b", "#4f9a4f", "#c0504d"};
    double max = 1;
    for (Series se : series) {
      for (Facts f : history) {
        String v = Disclosure.count(se.value().applyAsLong(f));
        if (!v.equals(Disclosure.SUPPRESSED)) {
          max = Math.max(max, Double.parseDouble(v));
        }
      }
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg class=\"chart\" data-chart=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w).append("\" height=\"").append(h).append("\">");
    s.append("<line x1=\"").append(left).append("\" y1=\"").append(top + plotH).append("\" x2=\"").append(left + plotW)
        .append("\" y2=\"").append(top + plotH).append("\" stroke=\"#888\"/>");
    s.append("<text x=\"").append(left - 4).append("\" y=\"").append(top + 4).append("\" text-anchor=\"end\">")
        .append(ExcelCsv.number(max)).append("</text>");
    s.append("<text x=\"").append(left - 4).append("\" y=\"").append(top + plotH).append("\" text-anchor=\"end\">0</text>");
    int n = history.size();
    for (int i = 0; i < n; i++) {
      s.append("<text x=\"").append(x(i, n, left, plotW)).append("\" y=\"").append(top + plotH + 16)
          .append("\" text-anchor=\"middle\">").append(history.get(i).asOf()).append("</text>");
    }
    for (int k = 0; k < series.size(); k++) {
      Series se = series.get(k);
      String c = colours[k % colours.length];
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < n; i++) {
        String v = Disclosure.count(se.value().applyAsLong(history.get(i)));
        int x = x(i, n, left, plotW);
        if (v.equals(Disclosure.SUPPRESSED)) {
          s.append("<text class=\"suppressed\" x=\"").append(x).append("\" y=\"").append(top + plotH - 4)
              .append("\" text-anchor=\"middle\">*</text>");
          continue;
        }
        long y = Math.round(top + plotH - plotH * Double.parseDouble(v) / max);
        pts.append(x).append(',').append(y).append(' ');
        s.append("<circle class=\"point\" cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"3.5\" fill=\"")
            .append(c).append("\"><title>").append(esc(se.name() + " " + history.get(i).asOf() + ": " + v))
            .append("</title></circle>");
      }
      if (pts.length() > 0) {
        s.append("<polyline fill=\"none\" stroke=\"").append(c).append("\" stroke-width=\"2\" points=\"")
            .append(pts.toString().trim()).append("\"/>");
      }
      s.append("<rect x=\"").append(left + plotW + 16).append("\" y=\"").append(top + k * 18).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(c).append("\"/><text x=\"").append(left + plotW + 32).append("\" y=\"").append(top + k * 18 + 9)
          .append("\">").append(esc(se.name())).append("</text>");
    }
    return s.append("</svg>\n").toString();
  }

  private static int x(int i, int n, int left, int plotW) {
    return n == 1 ? left + plotW / 2 : left + (int) Math.round((double) plotW * i / (n - 1));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
