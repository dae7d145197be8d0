package org.openstrat.publish;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.openstrat.core.StratException;

/**
 * Checks a staged publication before it is made visible, reading the files back (Parquet with
 * parquet-avro, CSV with commons-csv): every cohort row's practice maps to its file's PCN on the
 * as-of date, every row sits in the file of its own PCN or ICC, and counts agree between Parquet,
 * CSV and what the writer reports (which goes into the manifest). Any failure is exit 6
 * ({@link StratException#publish}) and nothing is published.
 */
public final class PublishCheck {
  private PublishCheck() {}

  /**
   * @param practiceToPcn each practice's PCN on the as-of date (from the practices extract)
   */
  public static void verify(Path root, CohortFiles.Written w, Map<String, String> practiceToPcn)
      throws IOException {
    long[] parquet = parquet(root.resolve("cohort"), "cohort", practiceToPcn);
    same("cohort Parquet rows", parquet[0], "rows written", w.cohortRows());
    same("cohort Parquet pcn-level rows", parquet[1], "PCN CSV rows", w.cohortPcnRows());
    same("cohort Parquet icc-level rows", parquet[2], "ICC CSV rows", w.cohortIccRows());
    long pcnCsv = csvs(root.resolve("cohort_csv"), SafeNames.PCN, CohortFiles.PCN_HEADER, practiceToPcn, true);
    same("PCN CSV rows read back", pcnCsv, "rows written", w.cohortPcnRows());
    long iccCsv = csvs(root.resolve("cohort_csv").resolve("icc"), SafeNames.ICC, CohortFiles.ICC_HEADER, practiceToPcn, true);
    same("ICC CSV rows read back", iccCsv, "rows written", w.cohortIccRows());
    Path left = root.resolve("cohort_left");
    if (Files.isDirectory(left)) {
      long[] lp = parquet(left, "cohort_left", null);
      same("leaver Parquet rows", lp[0], "rows written", w.leaverRows());
      same("leaver Parquet pcn-level rows", lp[1], "leaver PCN CSV rows", w.leaverPcnRows());
      same("leaver Parquet icc-level rows", lp[2], "leaver ICC CSV rows", w.leaverIccRows());
    }
  }

  /**
   * The admission register, as {@link #verify} checks the cohorts: every row in the Parquet and CSV
   * file of its own PCN (its practice in that PCN on the as-of date) or ICC, and the counts agree.
   */
  static void verifyRegister(Path root, RegisterFiles.Written w, Map<String, String> practiceToPcn)
      throws IOException {
    long[] parquet = parquet(root.resolve(RegisterFiles.PARQUET), "register", practiceToPcn, "register_level");
    same("register Parquet rows", parquet[0], "rows written", w.rows());
    same("register Parquet pcn-level rows", parquet[1], "PCN CSV rows", w.pcnRows());
    same("register Parquet icc-level rows", parquet[2], "ICC CSV rows", w.iccRows());
    Path csv = root.resolve(RegisterFiles.CSV);
    same("register PCN CSV rows read back",
        csvs(csv, SafeNames.PCN, CohortFiles.PCN_HEADER, practiceToPcn, true), "rows written", w.pcnRows());
    same("register ICC CSV rows read back",
        csvs(csv.resolve("icc"), SafeNames.ICC, CohortFiles.ICC_HEADER, practiceToPcn, true), "rows written",
        w.iccRows());
  }

  /**
   * The workbooks: as many as the writer reports (the manifest's {@code outputs.cohort_xlsx.files}),
   * each named from a valid code, and, with a register, one for every PCN and ICC whose register
   * CSV has a row: a list with admissions but nobody on a cohort list still gets its workbook.
   *
   * @param register whether the publication has an admission register
   */
  static void workbooks(Path root, int written, boolean register) throws IOException {
    Path dir = root.resolve(Workbook.DIR);
    java.util.Set<String> pcns = workbookCodes(dir, SafeNames.PCN);
    java.util.Set<String> iccs = workbookCodes(dir.resolve("icc"), SafeNames.ICC);
    same("workbooks on disk", pcns.size() + iccs.size(), "workbooks written", written);
    if (register) {
      Path csv = root.resolve(RegisterFiles.CSV);
      hasWorkbook(csv, SafeNames.PCN, pcns);
      hasWorkbook(csv.resolve("icc"), SafeNames.ICC, iccs);
    }
  }

  /** The codes of the {@code CODE_AS_OF.xlsx} files in {@code dir}; anything else fails. */
  private static java.util.Set<String> workbookCodes(Path dir, Pattern code) throws IOException {
    java.util.Set<String> codes = new java.util.TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isRegularFile)) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        int cut = name.lastIndexOf('_');
        if (!name.endsWith(".xlsx") || cut < 0 || !code.matcher(name.substring(0, cut)).matches()) {
          throw StratException.publish("Publish check failed: unexpected " + Workbook.DIR + " file "
              + SafeNames.printable(name));
        }
        codes.add(name.substring(0, cut));
      }
    }
    return codes;
  }

  /** Every register CSV in {@code dir} with a row has its list's workbook. */
  private static void hasWorkbook(Path dir, Pattern code, java.util.Set<String> books) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.csv")) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        String group = name.substring(0, name.length() - 4);
        boolean rows;
        try (var lines = Files.lines(f, StandardCharsets.UTF_8)) {
          rows = lines.skip(1).anyMatch(l -> !l.isEmpty());
        }
        if (code.matcher(group).matches() && rows && !books.contains(group)) {
          throw StratException.publish("Publish check failed: " + SafeNames.printable(group)
              + " has admission register rows but no workbook");
        }
      }
    }
  }

  /**
   * Each practice's import list holds exactly the NHS numbers of the PCN-level cohort rows
   * registered with that practice (read back from the cohort Parquet), and the practice is in a
   * PCN on the as-of date: a practice never gets another practice's patient.
   */
  public static void importLists(Path root, Map<String, String> practiceToPcn) throws IOException {
    java.util.Map<String, java.util.TreeSet<String>> want = new java.util.TreeMap<>();
    Path cohort = root.resolve("cohort");
    if (Files.isDirectory(cohort)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(cohort)) {
        for (Path part : ds) {
          try (ParquetReader<GenericRecord> r = AvroRecords.reader(part.resolve(CohortFiles.PARQUET_FILE))) {
            for (GenericRecord g = r.read(); g != null; g = r.read()) {
              if (String.valueOf(g.get("cohort_level")).equals("pcn")) {
                want.computeIfAbsent(String.valueOf(g.get("practice_code")), k -> new java.util.TreeSet<>())
                    .add(String.valueOf(g.get("nhs_number")));
              }
            }
          }
        }
      }
    }
    java.util.Map<String, java.util.TreeSet<String>> got = new java.util.TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve(PracticeImport.DIR))) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        String practice = name.endsWith(".txt") ? name.substring(0, name.length() - 4) : name;
        if (!name.endsWith(".txt") || !PracticeImport.PRACTICE.matcher(practice).matches()
            || (practiceToPcn != null && !practiceToPcn.containsKey(practice))) {
          throw StratException.publish("Publish check failed: unexpected " + PracticeImport.DIR + "/"
              + SafeNames.printable(name));
        }
        got.put(practice, new java.util.TreeSet<>(Files.readAllLines(f, StandardCharsets.US_ASCII)));
      }
    }
    if (!got.equals(want)) {
      throw StratException.publish("Publish check failed: the practice import lists do not match the"
          + " PCN cohorts' patients by registered practice");
    }
  }

  /**
   * The last check before {@code _SUCCESS}: every expected part of the publication is there, a
   * folder as a folder and a file as a non-empty file. A part missing means something removed or
   * never wrote it (another process in OUTPUT, a full disk): exit 6, nothing published.
   *
   * @param parts paths relative to {@code root}; a name without a dot is a folder
   */
  public static void complete(Path root, java.util.List<String> parts) throws IOException {
    java.util.List<String> missing = new java.util.ArrayList<>();
    for (String part : parts) {
      Path p = root.resolve(part);
      boolean folder = !p.getFileName().toString().contains(".");
      boolean ok = folder ? Files.isDirectory(p) : Files.isRegularFile(p) && Files.size(p) > 0;
      if (!ok) {
        missing.add(part);
      }
    }
    if (!missing.isEmpty()) {
      throw StratException.publish("Publish check failed: the staged publication " + root.getFileName()
          + " lacks " + String.join(", ", missing) + "; nothing published (was OUTPUT changed by"
          + " another process, or is the disk full?)");
    }
  }

  private static void same(String a, long x, String b, long y) {
    if (x != y) {
      throw StratException.publish("Publish check failed: " + a + " = " + x + " but " + b + " = " + y);
    }
  }

  /** Returns {rows, pcn-level rows, icc-level rows}. */
  private static long[] parquet(Path dir, String what, Map<String, String> practiceToPcn)
      throws IOException {
    return parquet(dir, what, practiceToPcn, "cohort_level");
  }

  private static long[] parquet(Path dir, String what, Map<String, String> practiceToPcn, String levelField)
      throws IOException {
    long[] n = new long[3];
    if (!Files.isDirectory(dir)) {
      return n;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path part : ds) {
        String name = part.getFileName().toString();
        if (!name.startsWith("pcn_code=") || !SafeNames.PCN.matcher(name.substring(9)).matches()) {
          throw StratException.publish("Publish check failed: unexpected " + what + "/" + SafeNames.printable(name));
        }
        String pcn = name.substring(9);
        try (ParquetReader<GenericRecord> r = AvroRecords.reader(part.resolve(CohortFiles.PARQUET_FILE))) {
          for (GenericRecord g = r.read(); g != null; g = r.read()) {
            String rowPcn = String.valueOf(g.get("pcn_code"));
            if (!pcn.equals(rowPcn)) {
              throw StratException.publish(
                  "Publish check failed: a row of PCN " + SafeNames.printable(rowPcn) + " is in " + what + "/" + name);
            }
            if (practiceToPcn != null) {
              String practice = String.valueOf(g.get("practice_code"));
              if (!pcn.equals(practiceToPcn.get(practice))) {
                throw StratException.publish(
                    "Publish check failed: practice " + SafeNames.printable(practice) + " in " + what + "/" + name
                        + " is not in that PCN on the as-of date");
              }
            }
            n[0]++;
            String level = String.valueOf(g.get(levelField));
            if (level.equals("pcn")) {
              n[1]++;
            } else if (level.equals("icc")) {
              n[2]++;
            }
          }
        }
      }
    }
    return n;
  }

  private static long csvs(
      Path dir, Pattern code, String groupHeader, Map<String, String> practiceToPcn, boolean isCohort)
      throws IOException {
    long n = 0;
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.csv")) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        String group = name.substring(0, name.length() - 4);
        if (!code.matcher(group).matches()) {
          throw StratException.publish("Publish check failed: unexpected file " + SafeNames.printable(name));
        }
        try (Reader rd = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          if (rd.read() != '\uFEFF') {
            throw StratException.publish("Publish check failed: " + name + " has no UTF-8 BOM");
          }
          CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(rd);
          for (CSVRecord rec : p) {
            String practice = rec.get(CohortFiles.PRACTICE_HEADER);
            if (!group.equals(rec.get(groupHeader))) {
              throw StratException.publish("Publish check failed: a row of another list is in " + dir.getFileName() + "/" + name);
            }
            if (practiceToPcn != null && groupHeader.equals(CohortFiles.PCN_HEADER)
                && !group.equals(practiceToPcn.get(practice))) {
              throw StratException.publish(
                  "Publish check failed: practice " + SafeNames.printable(practice) + " in " + name
                      + " is not in that PCN on the as-of date");
            }
            n++;
          }
        }
      }
    }
    return n;
  }
}
