package org.openstrat.publish;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.cohort.CohortColumns;
import org.openstrat.cohort.CohortLevel;

/**
 * {@code practice_import/PRACTICE.txt}: the NHS numbers of a practice's registered patients in its
 * PCN's cohorts, one per line (10 digits, no spaces, CRLF, ascending, each once), the plain form
 * GP clinical systems take for a bulk patient search or code-add. Only PCN-level rows are used,
 * and a row's practice is the patient's registered practice, so a practice gets only its own
 * patients (checked again by {@link PublishCheck#importLists}).
 */
public final class PracticeImport {
  public static final String DIR = "practice_import";
  /** An ODS practice code: letters and digits (e.g. A81001), as a file name. */
  public static final Pattern PRACTICE = Pattern.compile("[A-Z0-9]{3,10}");

  private PracticeImport() {}

  /** Returns {files, lines}. */
  public static long[] write(Path root, Dataset<Row> cohort) throws IOException {
    Path dir = root.resolve(DIR);
    Files.createDirectories(dir);
    Iterator<Row> it =
        cohort
            .filter(col(CohortColumns.LEVEL).equalTo(CohortLevel.PCN.key()))
            .select(col(CohortColumns.PRACTICE_CODE), col(CohortColumns.NHS_NUMBER))
            .distinct()
            .coalesce(1)
            .sortWithinPartitions(CohortColumns.PRACTICE_CODE, CohortColumns.NHS_NUMBER)
            .toLocalIterator();
    String current = null;
    BufferedWriter w = null;
    long files = 0;
    long lines = 0;
    try {
      while (it.hasNext()) {
        Row r = it.next();
        String practice = r.getString(0);
        if (w == null || !practice.equals(current)) {
          if (w != null) {
            w.close();
          }
          Path f = SafeNames.child(dir, PRACTICE, "practice", practice, ".txt");
          w = Files.newBufferedWriter(f, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
          current = practice;
          files++;
        }
        w.write(r.getString(1));
        w.write("\r\n");
        lines++;
      }
    } finally {
      if (w != null) {
        w.close();
      }
    }
    return new long[] {files, lines};
  }
}
