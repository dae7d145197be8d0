package org.openstrat.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.openstrat.core.Reason;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.JdbcSources;
import org.openstrat.publish.Manifest;
import org.openstrat.quality.QualityReport;

/**
 * What the manifest says of a run's inputs once they are checked: each file with its hash, size
 * and rows (a folder) or each source with its rows (a warehouse), and every exclusion.
 */
final class RunFacts {
  private RunFacts() {}

  static void record(Manifest m, Extracts extracts, NightlyRun.Checked checked) {
    if (extracts.warehouse() == null) {
      recordInputs(m, extracts.folder(), checked);
    } else {
      recordSources(m, extracts.warehouse(), checked.report());
    }
    recordExclusions(m, checked.report());
  }

  private static void recordInputs(Manifest m, Path input, NightlyRun.Checked v) {
    QualityReport report = v.report();
    try {
      Path props = input.resolve(Ingest.PROPERTIES_FILE);
      if (Files.isRegularFile(props)) {
        m.input(input.relativize(props).toString(), Manifest.sha256(props), Files.size(props), null);
      }
      for (Map.Entry<Extract, List<Path>> e : new TreeMap<>(v.validated().raw().files()).entrySet()) {
        QualityReport.ExtractCounts c = report.extracts().get(e.getKey());
        Map<String, Long> perFile = new TreeMap<>();
        if (e.getValue().size() == 1 && c != null) {
          perFile.put(e.getValue().get(0).toString(), c.read());
        } else if (e.getValue().size() > 1) {
          // Several part files: one extra pass over this extract to count rows per file.
          for (Row r : v.validated().raw().raw().get(e.getKey())
              .groupBy(Ingest.SOURCE_FILE).count().collectAsList()) {
            perFile.put(r.getString(0), r.getLong(1));
          }
        }
        for (Path f : e.getValue().stream().sorted().toList()) {
          Long rows = lookup(perFile, f);
          m.input(input.toAbsolutePath().normalize().relativize(f.toAbsolutePath().normalize()).toString(),
              Manifest.sha256(f), Files.size(f), rows);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Long lookup(Map<String, Long> perFile, Path f) {
    for (Map.Entry<String, Long> e : perFile.entrySet()) {
      String k = e.getKey();
      if (k.equals(f.toString()) || k.endsWith("/" + f.getFileName()) || k.equals(f.toUri().toString())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Per extract read from the warehouse: its source and rows read, in place of file hashes. */
  private static void recordSources(Manifest m, JdbcSources w, QualityReport report) {
    for (Extract e : new TreeMap<>(w.sources()).keySet()) {
      QualityReport.ExtractCounts c = report.extracts().get(e);
      m.source(w.describe(e), c == null ? 0 : c.read());
    }
  }

  private static void recordExclusions(Manifest m, QualityReport report) {
    report.exclusions().forEach((k, n) -> m.exclusion("population." + k, n));
    for (QualityReport.ExtractCounts c : report.extracts().values()) {
      for (Map.Entry<Reason, Long> e : c.rejected().entrySet()) {
        m.exclusion("rows." + e.getKey().name(), e.getValue());
      }
    }
  }
}
