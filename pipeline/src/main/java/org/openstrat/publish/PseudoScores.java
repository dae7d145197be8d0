package org.openstrat.publish;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * scores/: every patient's scores for analysts (planning), pseudonymised. person_id replaces the
 * NHS number ({@link Pseudonymiser}); nhs_number, date_of_birth and the opt-out flag are dropped.
 * Patients with a national data opt-out are excluded (planning is a secondary use); so is anyone
 * whose opt-out flag is unknown, to err on the side of the patient's choice. Every row carries
 * {@code as_of} (a date, second column), so several nights read together keep their dates.
 */
public final class PseudoScores {
  /** Columns never published in scores/. */
  public static final List<String> DROPPED = List.of("nhs_number", "date_of_birth", "national_opt_out");

  private PseudoScores() {}

  /** The run's date in every row of scores/ (as in cohort/ and cohort_left/). */
  public static final String AS_OF = "as_of";

  /** The pseudonymised all-patient table (a pure function). */
  public static Dataset<Row> prepare(Dataset<Row> scores, Pseudonymiser p, LocalDate asOf) {
    List<Column> cols = new ArrayList<>();
    cols.add(p.personIdColumn("nhs_number").as("person_id"));
    cols.add(lit(java.sql.Date.valueOf(asOf)).as(AS_OF));
    for (String c : scores.columns()) {
      if (!DROPPED.contains(c)) {
        cols.add(col(c));
      }
    }
    return scores
        .filter(coalesce(col("national_opt_out"), lit(true)).equalTo(false))
        .select(cols.toArray(new Column[0]));
  }

  /**
   * Writes Parquet into {@code dir} and renames Spark's part files (which carry a random UUID) to
   * part-00000.snappy.parquet, part-00001... in partition order; checksum files are removed.
   * Returns the row count, read from the Parquet footers.
   */
  public static long write(Dataset<Row> pseudo, Path dir) throws IOException {
    pseudo.write().mode(SaveMode.ErrorIfExists).parquet(dir.toString());
    List<Path> parts = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.startsWith(".") || n.equals("_SUCCESS")) {
          Files.delete(p);
        } else if (n.startsWith("part-")) {
          parts.add(p);
        }
      }
    }
    parts.sort(null);
    for (int i = 0; i < parts.size(); i++) {
      Files.move(parts.get(i), dir.resolve(String.format("part-%05d.snappy.parquet", i)));
    }
    return pseudo.sparkSession().read().parquet(dir.toString()).count();
  }
}
