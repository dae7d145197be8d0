package org.openstrat.quality;

import org.openstrat.util.CsvText;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openstrat.core.Reason;
import org.openstrat.ingest.Extract;
import org.openstrat.quality.QualityReport.Breach;
import org.openstrat.quality.QualityReport.ExtractCounts;
import org.openstrat.quality.QualityReport.PcnLinkage;
import org.openstrat.util.JsonText;

/** The quality report written out: quality/report.json and quality/report.csv. */
final class ReportText {
  private ReportText() {}

  /** quality/report.json: one line, keys in a fixed order. */
  static String json(QualityReport r) {
    ObjectNode j = JsonText.object();
    j.put("as_of", r.asOf().toString());
    j.put("extract_date", r.extractDate().toString());
    ObjectNode th = j.putObject("thresholds");
    th.set("quality.max_reject_rate", JsonText.number(r.config().maxRejectRate()));
    th.set("quality.min_linkage_rate", JsonText.number(r.config().minLinkageRate()));
    ArrayNode required = th.putArray("quality.required_extracts");
    for (Extract e : Extract.values()) {
      if (r.config().requiredExtracts().contains(e)) {
        required.add(e.fileName());
      }
    }
    th.set("population.min_age", JsonText.number(r.config().minAge()));
    th.put("population.national_opt_out_planning_only", r.config().nationalOptOutExcludedFromPlanning());
    j.put("passed", r.breaches().isEmpty());
    breachList(j, "breaches", r.breaches());
    breachList(j, "warnings", r.warnings());
    ObjectNode ex = j.putObject("extracts");
    for (ExtractCounts c : r.extracts().values()) {
      ObjectNode x = ex.putObject(c.extract().fileName());
      ArrayNode files = x.putArray("files");
      c.files().forEach(files::add);
      x.put("rows_read", c.read());
      x.put("rows_accepted", c.accepted());
      x.put("rows_rejected", c.rejectedTotal());
      x.put("reconciled", c.reconciles());
      x.put("rows_rejected_as_defects", c.defects());
      x.set("reject_rate", JsonText.number(c.rejectRate()));
      x.put("rows_outside_scoring_window", c.outsideWindow());
      if (c.latest() != null) {
        x.put("latest_date", c.latest().toString());
      }
      if (r.previousRows().containsKey(c.extract())) {
        x.put("rows_read_previous", r.previousRows().get(c.extract()));
      }
      if (c.spells() >= 0) {
        x.put("spells", c.spells());
        x.put("merged_episodes", c.mergedEpisodes());
      }
      if (c.linkageRate() != null) {
        x.set("linkage_rate", JsonText.number(c.linkageRate()));
      }
      ObjectNode reasons = x.putObject("rejected_by_reason");
      c.rejected().forEach((reason, n) -> reasons.put(reason.name(), n));
    }
    ArrayNode ignored = j.putArray("files_not_an_extract");
    r.ignoredFiles().forEach(ignored::add);
    ObjectNode pop = j.putObject("population");
    pop.put("patients_accepted", r.patientsAccepted());
    ObjectNode excl = pop.putObject("exclusions");
    r.exclusions().forEach(excl::put);
    pop.put("population", r.population());
    pop.put("national_opt_outs_in_population", r.nationalOptOuts());
    ArrayNode noPcn = pop.putArray("practices_without_pcn");
    r.practicesWithoutPcn().forEach(noPcn::add);
    ArrayNode linkageByPcn = j.putArray("linkage_by_pcn");
    for (PcnLinkage l : r.linkage()) {
      ObjectNode o = linkageByPcn.addObject();
      o.put("pcn_code", l.pcnCode());
      o.put("population", l.population());
      for (Extract e : QualityReport.LINKED_EXTRACTS) {
        if (r.extracts().containsKey(e)) {
          o.set(e.fileName() + "_share", JsonText.number(l.share(e)));
        }
      }
    }
    return JsonText.compact(j);
  }

  /** quality/report.csv, flat for a spreadsheet: section,subject,item,value. */
  static String csv(QualityReport r) {
    StringBuilder sb = new StringBuilder("section,subject,item,value\n");
    row(sb, "run", "", "as_of", r.asOf().toString());
    row(sb, "run", "", "extract_date", r.extractDate().toString());
    row(sb, "run", "", "passed", Boolean.toString(r.breaches().isEmpty()));
    for (Breach b : r.breaches()) {
      row(sb, "breach", b.threshold(), b.subject(), b.message());
    }
    for (Breach b : r.warnings()) {
      row(sb, "warning", b.threshold(), b.subject(), b.message());
    }
    for (ExtractCounts c : r.extracts().values()) {
      String e = c.extract().fileName();
      row(sb, "rows", e, "read", Long.toString(c.read()));
      row(sb, "rows", e, "accepted", Long.toString(c.accepted()));
      row(sb, "rows", e, "rejected", Long.toString(c.rejectedTotal()));
      row(sb, "rows", e, "outside_scoring_window", Long.toString(c.outsideWindow()));
      row(sb, "rows", e, "reject_rate", fmt(c.rejectRate()));
      if (c.spells() >= 0) {
        row(sb, "rows", e, "spells", Long.toString(c.spells()));
        row(sb, "rows", e, "merged_episodes", Long.toString(c.mergedEpisodes()));
      }
      if (c.linkageRate() != null) {
        row(sb, "rows", e, "linkage_rate", fmt(c.linkageRate()));
      }
      for (Map.Entry<Reason, Long> en : c.rejected().entrySet()) {
        row(sb, "rejected", e, en.getKey().name(), Long.toString(en.getValue()));
      }
    }
    for (String f : r.ignoredFiles()) {
      row(sb, "ignored", "not an extract", f, "");
    }
    row(sb, "population", "", "patients_accepted", Long.toString(r.patientsAccepted()));
    for (Map.Entry<String, Long> en : r.exclusions().entrySet()) {
      row(sb, "exclusion", "", en.getKey(), Long.toString(en.getValue()));
    }
    row(sb, "population", "", "population", Long.toString(r.population()));
    row(sb, "population", "", "national_opt_outs_in_population", Long.toString(r.nationalOptOuts()));
    for (String p : r.practicesWithoutPcn()) {
      row(sb, "practice_without_pcn", p, "", "");
    }
    for (PcnLinkage l : r.linkage()) {
      row(sb, "linkage", l.pcnCode(), "population", Long.toString(l.population()));
      for (Extract e : QualityReport.LINKED_EXTRACTS) {
        if (r.extracts().containsKey(e)) {
          row(sb, "linkage", l.pcnCode(), e.fileName() + "_share", fmt(l.share(e)));
        }
      }
    }
    return sb.toString();
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.6f", d);
  }

  private static void row(StringBuilder sb, String... cells) {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(CsvText.quote(cells[i]));
    }
    sb.append('\n');
  }

  /** A list of breaches (or warnings) as the array {@code name} of report.json. */
  private static void breachList(ObjectNode j, String name, List<Breach> list) {
    ArrayNode a = j.putArray(name);
    for (Breach b : list) {
      ObjectNode o = a.addObject();
      o.put("threshold", b.threshold());
      o.put("subject", b.subject());
      o.set("value", JsonText.number(b.value()));
      o.set("limit", JsonText.number(b.limit()));
      o.put("message", b.message());
    }
  }
}
