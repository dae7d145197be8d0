package org.openstrat.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openstrat.ingest.Extract;
import org.openstrat.core.Reason;

/**
 * generator-ledger.csv, as docs/data-contract.md "Generator ledger" defines it:
 * {@code extract,defect,rows_injected,expected_reason,expected_rejected_rows}, one row per
 * (extract, defect) that was injected at least once, in contract order. Superseded social-care
 * submissions are listed as defect {@code superseded_submission} (a dataset rule, not a defect).
 * With Parquet, each CSV-structural defect is listed once per extract with 0 rows and a defect name
 * ending {@code _skipped_parquet}, so a reader can see it was left out on purpose.
 */
final class Ledger {
  static final String HEADER = "extract,defect,rows_injected,expected_reason,expected_rejected_rows";

  private Ledger() {}

  /** Writes the ledger; returns the number of rows expected to be rejected as defects. */
  static long write(Path file, Defects counts, long superseded, boolean csv) throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    long rejected = 0;
    for (Extract e : Extract.values()) {
      for (Defects.Defect d : Defects.Defect.values()) {
        long n = counts.injected[e.ordinal()][d.ordinal()];
        if (n > 0) {
          long r = n * d.rejectedPerRow;
          rejected += r;
          b.append(e.fileName()).append(',').append(d.label).append(',').append(n).append(',')
              .append(d.reason.name()).append(',').append(r).append('\n');
        }
      }
      if (e == Extract.SOCIAL_CARE && superseded > 0) {
        b.append(e.fileName()).append(",superseded_submission,").append(superseded).append(',')
            .append(Reason.SUPERSEDED_SUBMISSION.name()).append(',').append(superseded).append('\n');
      }
      if (!csv) {
        for (Defects.Spec spec : Defects.applicable(e, true)) {
          Defects.Defect d = spec.defect();
          if (d.structural) {
            b.append(e.fileName()).append(',').append(d.label).append("_skipped_parquet,0,")
                .append(d.reason.name()).append(",0\n");
          }
        }
      }
    }
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    return rejected;
  }
}
