package org.openstrat.publish;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.PrintSetup;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.VerticalAlignment;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.streaming.DeferredSXSSFSheet;
import org.apache.poi.xssf.streaming.DeferredSXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.Row;
import org.openstrat.cohort.CohortColumns;
import org.openstrat.cohort.CohortConfig;
import org.openstrat.cohort.CohortDefinition;
import org.openstrat.rules.Band;
import org.openstrat.util.SideBySide;

/**
 * One list's workbook for the people who act on it (a PCN's, or an ICC's): an "About this list"
 * sheet (the title block), one sheet per cohort, the "Admission register" when the run has one
 * ({@link RegisterSheet}), "Left the list" and "Read me". Cohort sheets have
 * a short title, a frozen header row with an autofilter, set column widths, dates as dates, and
 * print on A4 landscape one page wide with the header row repeated on every page.
 *
 * <p>Deterministic: the document's dates are the as-of date, and the zip is re-packed with fixed
 * entry times, so the same rows give the same bytes.
 */
public final class Workbook {
  /** Rows above the header on a cohort sheet (the sheet's own title). */
  static final int HEADER_ROW = 3;

  static final String ABOUT = "About this list";
  static final String LEFT = "Left the list";
  static final String READ_ME = "Read me";
  /** Shown for a flag whose source has no record for the patient (not the same as No). */
  static final String NOT_KNOWN = PeopleColumn.NOT_KNOWN;

  /** Rows a streamed sheet keeps in memory while it is written (POI's default). */
  private static final int ROW_WINDOW = 100;

  /** The fixed zip entry time: 1 January 2000 (DOS time cannot go before 1980). */
  private static final long ZIP_TIME = LocalDate.of(2000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();

  private Workbook() {}

  /**
   * What the title block says.
   *
   * @param level {@code pcn} or {@code icc}
   * @param cohorts the configured cohorts (their definitions in words)
   */
  public record Title(String level, String code, String name, LocalDate asOf, Presentation p,
      List<CohortDefinition> cohorts) {}

  /** The columns of a cohort sheet, in order. */
  static final List<PeopleColumn> COLUMNS = columns();

  private static List<PeopleColumn> columns() {
    List<PeopleColumn> c = new ArrayList<>();
    c.add(new PeopleColumn("Rank", CohortColumns.RANK, PeopleColumn.Kind.INTEGER, 5,
        "1 = highest in this list by the cohort's ranking score."));
    c.add(new PeopleColumn("Status", CohortColumns.STATUS, PeopleColumn.Kind.STATUS, 10,
        "new: not in this list at the previous publication; continuing: in it then too."));
    // Widths fit each header's longest word (no "Previo|us"); shorter headers than the CSV's
    // keep the sheet one page wide (the read-me sheet gives each column's full meaning).
    c.add(PeopleColumn.DETAIL.get(5).withWidth(9)); // previous rank
    c.add(PeopleColumn.DETAIL.get(6).withHeader("Change in risk (points)").withWidth(9));
    c.add(new PeopleColumn("NHS number", CohortColumns.NHS_NUMBER, PeopleColumn.Kind.TEXT, 11,
        "The patient's NHS number."));
    c.add(new PeopleColumn("Date of birth", "date_of_birth", PeopleColumn.Kind.DATE, 11, "Date of birth."));
    c.add(new PeopleColumn("Age", "age", PeopleColumn.Kind.INTEGER, 4, "Age in completed years on the as-of date."));
    c.add(new PeopleColumn("Sex", "sex", PeopleColumn.Kind.TEXT, 4, "Sex as recorded by the practice."));
    c.add(new PeopleColumn("Practice", "practice_name", PeopleColumn.Kind.TEXT, 14,
        "The practice the patient is registered with on the as-of date."));
    c.add(new PeopleColumn("Emergency admission risk (%)", CohortDetail.RISK_PCT, PeopleColumn.Kind.DECIMAL, 11,
        "Estimated chance of an emergency hospital admission in the next 12 months, as a percentage."));
    c.add(new PeopleColumn("Risk band", "admission_risk_band", PeopleColumn.Kind.TEXT, 8,
        "Band of the emergency admission risk (see below)."));
    c.add(new PeopleColumn("eFI", "efi", PeopleColumn.Kind.DECIMAL, 5,
        "Electronic Frailty Index: deficits present divided by 36."));
    c.add(new PeopleColumn("eFI category", "efi_category", PeopleColumn.Kind.TEXT, 9,
        "fit, mild, moderate or severe frailty (see below)."));
    c.add(PeopleColumn.DETAIL.get(0).withWidth(28)); // conditions named
    c.add(PeopleColumn.DETAIL.get(1).withWidth(28)); // deficits named
    c.add(PeopleColumn.DETAIL.get(2).withWidth(11)); // last emergency admission
    c.add(new PeopleColumn("Emergency admissions (12 months)", "emergency_admissions_12m", PeopleColumn.Kind.INTEGER, 11,
        "Emergency hospital spells admitted in the 12 months to the as-of date."));
    c.add(PeopleColumn.DETAIL.get(3).withHeader("A&E visits (12 months)").withWidth(11));
    c.add(PeopleColumn.DETAIL.get(4).withHeader("Bed days (12 months)").withWidth(11));
    c.add(new PeopleColumn("Social care service", "social_care_service", PeopleColumn.Kind.TEXT, 10,
        "The latest open adult social care service on the as-of date; empty if none recorded."));
    // Flags 10 wide: "Not known" fits without spilling into the next column.
    c.add(new PeopleColumn("Lives alone", "lives_alone", PeopleColumn.Kind.YES_NO, 10,
        "From the latest housing record. Not known: no housing record for the patient."));
    c.add(new PeopleColumn("Category 1 housing hazard", "category1_hazard", PeopleColumn.Kind.YES_NO, 10,
        "A category 1 hazard (HHSRS) in the latest housing record. Not known: no housing record."));
    c.add(new PeopleColumn("Homeless or temporary", "homeless_or_temporary", PeopleColumn.Kind.YES_NO, 10,
        "Homeless or in temporary accommodation, from the latest housing record. Not known: no housing record."));
    c.add(new PeopleColumn("Main factors", CohortDetail.FACTORS, PeopleColumn.Kind.TEXT, 30,
        "Up to three things that raise this patient's admission risk most, largest first."));
    return List.copyOf(c);
  }

  /** The workbooks' folder in a publication. */
  public static final String DIR = "cohort_xlsx";

  /**
   * A run's admission register for the workbooks: its rows ({@link org.openstrat.cohort.Register}'s
   * columns, both levels) and the first day of its window (the last is the as-of date).
   */
  public record Admissions(org.apache.spark.sql.Dataset<Row> rows, LocalDate from) {}

  /**
   * Writes {@code cohort_xlsx/U#####_AS_OF.xlsx} per PCN and {@code cohort_xlsx/icc/ICC_AS_OF.xlsx}
   * per ICC, the lists read one at a time and written by a few threads at once: the leavers (a few
   * rows per list) gathered once, then every level's cohort rows and register rows in two sorted
   * passes read side by side (a list is small; never a collect of all). A list gets its workbook
   * if it has cohort rows, leavers or register rows: one whose patients all left since the
   * previous publication still gets empty cohort sheets and its "Left the list", and one with
   * admissions but nobody on a list (e.g. a PCN when every cohort is ICC-level) still gets its
   * "Admission register". A list with none of the three gets no workbook (its register CSV,
   * header only, says nothing happened).
   *
   * @param cohort cohort rows with {@link CohortDetail}'s columns
   * @param leavers leaver rows (null: no previous publication)
   * @param register the admission register (null: the run has none, and no workbook gets the sheet)
   * @return workbooks written
   */
  public static int writeAll(Path root, org.apache.spark.sql.Dataset<Row> cohort,
      org.apache.spark.sql.Dataset<Row> leavers, Admissions register, LocalDate asOf, Presentation p,
      CohortConfig config) throws IOException {
    Files.createDirectories(root.resolve(DIR).resolve("icc")); // there even with no list at all
    // (level, group) -> leaver rows, in (cohort, previous rank) order
    java.util.TreeMap<ListKey, List<Row>> left = new java.util.TreeMap<>();
    if (leavers != null) {
      ListRows gone = new ListRows(leavers.coalesce(1)
          .sortWithinPartitions(CohortColumns.LEVEL, CohortColumns.GROUP, CohortColumns.COHORT, CohortColumns.PREVIOUS_RANK)
          .toLocalIterator(), CohortColumns.LEVEL, CohortColumns.GROUP);
      for (ListKey k = gone.key(); k != null; k = gone.key()) {
        left.put(k, gone.take(k));
      }
    }
    ListRows books = new ListRows(cohort.coalesce(1)
        .sortWithinPartitions(CohortColumns.LEVEL, CohortColumns.GROUP, CohortColumns.COHORT, CohortColumns.RANK)
        .toLocalIterator(), CohortColumns.LEVEL, CohortColumns.GROUP);
    ListRows events = register == null ? ListRows.NONE
        : new ListRows(RegisterSheet.sorted(register.rows()).toLocalIterator(),
            org.openstrat.cohort.Register.LEVEL, org.openstrat.cohort.Register.GROUP);
    int n = 0;
    // Lists are read here, in order, and written side by side by the pool: a workbook is the
    // driver's work alone (the executors wait), one core's worth per list. At most one list per
    // thread is held beyond the one being read.
    int threads = Math.max(1, Math.min(MAX_WRITERS, Runtime.getRuntime().availableProcessors()));
    java.util.concurrent.ExecutorService pool = SideBySide.pool("strat-workbook", threads);
    java.util.ArrayDeque<java.util.concurrent.Future<?>> writing = new java.util.ArrayDeque<>();
    try {
      for (ListKey k = first(books.key(), events.key(), left); k != null;
          k = first(books.key(), events.key(), left)) {
        List<Row> rows = books.take(k);
        List<Row> happened = events.take(k);
        List<Row> gone = left.getOrDefault(k, List.of());
        left.remove(k);
        String name = name(k.level(), rows.isEmpty() ? happened : rows);
        RegisterSheet.Events e =
            register == null ? null : new RegisterSheet.Events(register.from(), asOf, happened);
        ListKey list = k;
        writing.add(pool.submit(() -> {
          writeList(root, list, name, asOf, p, config, rows, gone, e);
          return null;
        }));
        if (writing.size() >= threads) {
          SideBySide.awaitIo(writing.poll());
        }
        n++;
      }
      while (!writing.isEmpty()) {
        SideBySide.awaitIo(writing.poll());
      }
    } finally {
      pool.shutdownNow();
    }
    return n;
  }

  /** Threads writing workbooks at once, at most (fewer on fewer cores). */
  private static final int MAX_WRITERS = 4;

  /** A list: its level ({@code pcn} or {@code icc}) and its PCN or ICC code. */
  record ListKey(String level, String code) implements Comparable<ListKey> {
    @Override
    public int compareTo(ListKey o) {
      // The codes are ASCII (SafeNames), so this is the order Spark sorted them in.
      int c = level.compareTo(o.level);
      return c != 0 ? c : code.compareTo(o.code);
    }
  }

  /** The smallest of the next lists of each source; null when all are done. */
  private static ListKey first(ListKey a, ListKey b, java.util.TreeMap<ListKey, List<Row>> left) {
    ListKey k = left.isEmpty() ? null : left.firstKey();
    for (ListKey x : new ListKey[] {a, b}) {
      if (x != null && (k == null || x.compareTo(k) < 0)) {
        k = x;
      }
    }
    return k;
  }

  /** The list's name from its first row (cohort and register rows carry it); null: none. */
  private static String name(String level, List<Row> rows) {
    if (rows.isEmpty()) {
      return null;
    }
    return rows.get(0).getAs(level.equals(org.openstrat.cohort.CohortLevel.PCN.key()) ? "pcn_name" : "icc_name");
  }

  /**
   * Rows sorted by list, taken one list at a time: lets the cohort and register passes be read
   * side by side, each list's rows in memory only while its workbook is written.
   */
  private static final class ListRows {
    static final ListRows NONE = new ListRows(java.util.Collections.emptyIterator(), null, null);
    private final java.util.Iterator<Row> it;
    private final String level;
    private final String group;
    private Row next;

    ListRows(java.util.Iterator<Row> it, String level, String group) {
      this.it = it;
      this.level = level;
      this.group = group;
      this.next = it.hasNext() ? it.next() : null;
    }

    /** The next list; null when there are no more rows. */
    ListKey key() {
      return next == null ? null : new ListKey(next.getAs(level), next.getAs(group));
    }

    /** That list's rows, if it is the next one; otherwise none. */
    List<Row> take(ListKey k) {
      List<Row> out = new ArrayList<>();
      while (next != null && k.equals(key())) {
        out.add(next);
        next = it.hasNext() ? it.next() : null;
      }
      return out;
    }
  }

  /** One list's workbook; {@code name} null: the list is named by its code. */
  private static void writeList(Path root, ListKey k, String name, LocalDate asOf, Presentation p,
      CohortConfig config, List<Row> rows, List<Row> leavers, RegisterSheet.Events events) throws IOException {
    String level = k.level();
    String code = k.code();
    boolean pcn = level.equals(org.openstrat.cohort.CohortLevel.PCN.key());
    Path dir = pcn ? root.resolve(DIR) : root.resolve(DIR).resolve("icc");
    Files.createDirectories(dir);
    Path file = SafeNames.child(dir, pcn ? SafeNames.PCN : SafeNames.ICC, pcn ? "PCN" : "ICC", code,
        "_" + asOf + ".xlsx");
    write(file, new Title(level, code, name == null ? code : name, asOf, p, config.definitions()), rows, leavers,
        events);
  }

  /** Writes the workbook, without an admission register, to {@code file} (which must not exist). */
  public static void write(Path file, Title t, List<Row> rows, List<Row> leavers) throws IOException {
    write(file, t, rows, leavers, null);
  }

  /**
   * Writes the workbook to {@code file} (which must not exist).
   *
   * @param events this list's register rows, in the register CSV's order (null: no register sheet)
   */
  static void write(Path file, Title t, List<Row> rows, List<Row> leavers, RegisterSheet.Events events)
      throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    XSSFWorkbook template = new XSSFWorkbook();
    // Streamed: each sheet's rows are made as its part of the file is written, never held as POI's
    // in-memory cells (the driver wrote the 1M system's 32 workbooks in 42 s that way), and never
    // put in a temporary file (they identify patients). So everything that is not a row (widths,
    // styles, freeze panes, filters, print setup) is set before the write, the rows in generators.
    try (DeferredSXSSFWorkbook wb = new DeferredSXSSFWorkbook(template, ROW_WINDOW)) {
      Styles s = new Styles(wb);
      Map<String, List<Row>> byCohort = new LinkedHashMap<>();
      for (Row r : rows) {
        byCohort.computeIfAbsent(r.getAs(CohortColumns.COHORT), k -> new ArrayList<>()).add(r);
      }
      about(wb.createSheet(ABOUT), s, t, byCohort, events);
      for (CohortDefinition d : t.cohorts()) {
        if (d.levels().stream().anyMatch(l -> l.key().equals(t.level()))) {
          cohortSheet(wb, s, t, d, byCohort.getOrDefault(d.name(), List.of()));
        }
      }
      if (events != null) {
        // After the cohorts (the same kind of list, acted on the same way), before the reference sheets.
        RegisterSheet.write(wb, s, t, events);
      }
      leftSheet(wb.createSheet(LEFT), s, leavers);
      readMe(wb.createSheet(READ_ME), s, t, events != null);
      var props = template.getProperties().getCoreProperties();
      Date when = Date.from(t.asOf().atStartOfDay().toInstant(ZoneOffset.UTC));
      props.setCreated(Optional.of(when));
      props.setModified(Optional.of(when));
      props.setCreator("strat");
      props.setTitle(t.name() + " (" + t.code() + ") cohort list " + t.asOf());
      wb.writeAvoidingTempFiles(raw);
    }
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
      repack(raw.toByteArray(), out);
    }
  }

  private static void about(DeferredSXSSFSheet sheet, Styles s, Title t, Map<String, List<Row>> byCohort,
      RegisterSheet.Events events) {
    sheet.setColumnWidth(0, 24 * 256);
    sheet.setColumnWidth(1, 100 * 256);
    landscape(sheet, t, ABOUT);
    sheet.setRowGenerator(sh -> aboutRows(sh, s, t, byCohort, events));
  }

  private static void aboutRows(Sheet sh, Styles s, Title t, Map<String, List<Row>> byCohort,
      RegisterSheet.Events events) {
    int r = 0;
    cell(sh, r++, 0, t.name() + " (" + t.code() + ")", s.title);
    cell(sh, r++, 0, "Patients for case management, as of " + t.asOf(), s.bold);
    r++;
    r = pair(sh, r, s, t.level().equals("icc") ? "ICC" : "PCN", t.name() + " (" + t.code() + ")");
    r = pair(sh, r, s, "As of", t.asOf().toString());
    for (CohortDefinition d : t.cohorts()) {
      if (d.levels().stream().anyMatch(l -> l.key().equals(t.level()))) {
        int n = byCohort.getOrDefault(d.name(), List.of()).size();
        r = pair(sh, r, s, "Cohort " + d.name(), words(d) + " " + n + " patient" + (n == 1 ? "" : "s") + " in this list.");
      }
    }
    if (events != null) {
      r = pair(sh, r, s, RegisterSheet.NAME, RegisterSheet.about(events));
    }
    r = pair(sh, r, s, "Data sources", t.p().extractDate() == null
        ? "extract date not given" : "extracts dated " + t.p().extractDate());
    for (String src : t.p().sources()) {
      r = pair(sh, r, s, "", src);
    }
    r = pair(sh, r, s, "Contact", t.p().contact());
    r = pair(sh, r, s, "Confidential",
        "Identifies patients. For their direct care by this " + (t.level().equals("icc") ? "ICC" : "PCN")
            + "'s teams only; do not forward.");
    pair(sh, r, s, "Read me", "The \"" + READ_ME + "\" sheet says what each column means and how the scores are worked out.");
  }

  /** A cohort definition in words. */
  static String words(CohortDefinition d) {
    String who = d.filter().isBlank() ? "registered adults" : "registered adults matching " + d.filter();
    String by = switch (d.rankBy()) {
      case "admission_risk" -> "emergency admission risk";
      case "efi" -> "electronic Frailty Index";
      case "hfrs" -> "Hospital Frailty Risk Score";
      case "cms_score" -> "Cambridge Multimorbidity Score";
      default -> d.rankBy();
    };
    return d.topPercent() == CohortConfig.ALL
        ? "All " + who + ", ranked by " + by + "."
        : "The top " + d.topPercent() + "% of " + who + " by " + by + ".";
  }

  private static void cohortSheet(DeferredSXSSFWorkbook wb, Styles s, Title t, CohortDefinition d, List<Row> rows) {
    String name = d.name().length() > 31 ? d.name().substring(0, 31) : d.name();
    DeferredSXSSFSheet sheet = wb.createSheet(name);
    columnWidths(sheet, COLUMNS);
    listSetup(sheet, t, d.name(), HEADER_ROW + rows.size(), COLUMNS.size());
    sheet.setRowGenerator(sh -> cohortRows(sh, s, t, d, rows));
  }

  private static void cohortRows(Sheet sh, Styles s, Title t, CohortDefinition d, List<Row> rows) {
    cell(sh, 0, 0, t.name() + " (" + t.code() + "): " + d.name() + ", " + rows.size() + " patients, as of " + t.asOf(), s.title);
    cell(sh, 1, 0, words(d) + " Not known = no record in that source (not the same as No).", s.plain);
    cell(sh, 2, 0, "Confidential: identifies patients. For their direct care only.", s.plain);
    headerRow(sh, s, COLUMNS);
    int r = HEADER_ROW + 1;
    for (Row row : rows) {
      org.apache.poi.ss.usermodel.Row x = sh.createRow(r++);
      int lines = 1;
      for (int c = 0; c < COLUMNS.size(); c++) {
        lines = Math.max(lines, value(x.createCell(c), COLUMNS.get(c), row, s));
      }
      // Excel and LibreOffice keep a stored height, so a wrapped cell needs its row made tall here.
      x.setHeightInPoints(lines * LINE_POINTS + 2);
    }
  }

  /** A list sheet's column widths (set before its rows are made). */
  static void columnWidths(Sheet sh, List<PeopleColumn> columns) {
    for (int c = 0; c < columns.size(); c++) {
      sh.setColumnWidth(c, columns.get(c).width() * 256);
    }
  }

  /** The header row of a list sheet: wrapped bold headers, as tall as the longest. */
  static void headerRow(Sheet sh, Styles s, List<PeopleColumn> columns) {
    org.apache.poi.ss.usermodel.Row h = sh.createRow(HEADER_ROW);
    for (int c = 0; c < columns.size(); c++) {
      Cell cell = h.createCell(c);
      cell.setCellValue(columns.get(c).header());
      cell.setCellStyle(s.header);
    }
    int headerLines = 1;
    for (PeopleColumn c : columns) {
      headerLines = Math.max(headerLines, headerLines(c));
    }
    h.setHeightInPoints(headerLines * LINE_POINTS + 4); // as tall as the longest wrapped header
  }

  /**
   * What makes a list sheet usable on screen and on paper: the header row frozen and repeated on
   * every printed page, an autofilter over the rows (to {@code lastRow}), A4 landscape.
   */
  static void listSetup(Sheet sh, Title t, String what, int lastRow, int columns) {
    sh.createFreezePane(0, HEADER_ROW + 1);
    sh.setAutoFilter(new CellRangeAddress(HEADER_ROW, Math.max(HEADER_ROW, lastRow), 0, columns - 1));
    sh.setRepeatingRows(new CellRangeAddress(HEADER_ROW, HEADER_ROW, -1, -1));
    landscape(sh, t, what);
  }

  /**
   * The workbook's font: Arial 10, which LibreOffice draws with the metric-compatible Liberation
   * Sans, so a rendering here wraps as Excel does (Calibri falls back to a wider font without
   * Carlito, and row heights judged from it were off).
   */
  static final String FONT = "Arial";
  static final short FONT_POINTS = 10;

  /** Height of one line of 10-point Arial, in points (Excel's own row height for it). */
  static final float LINE_POINTS = 12.75f;

  /** Sets the cell; returns the lines it takes at its column's width (wrapped text). */
  private static int value(Cell cell, PeopleColumn col, Row row, Styles s) {
    return show(cell, col, row.getAs(col.field()), s);
  }

  /**
   * Sets the cell to {@code v} as its column shows it; returns the lines it takes at the column's
   * width. A date column may hold a few words instead (e.g. "Still in hospital"), wrapped.
   */
  static int show(Cell cell, PeopleColumn col, Object v, Styles s) {
    switch (col.kind()) {
      case INTEGER, DECIMAL -> {
        if (v != null) {
          cell.setCellValue(((Number) v).doubleValue());
        }
        cell.setCellStyle(col.kind() == PeopleColumn.Kind.DECIMAL
            ? (col.field().equals("efi") ? s.twoDp : s.oneDp) : s.integer);
      }
      case DATE -> {
        if (v instanceof java.sql.Date d) {
          cell.setCellValue(d.toLocalDate());
        } else if (v instanceof LocalDate d) {
          cell.setCellValue(d);
        } else if (v instanceof String words) {
          cell.setCellValue(words);
          cell.setCellStyle(s.wrap);
          return lines(words, col.width() * BODY_CHARS_PER_UNIT);
        }
        cell.setCellStyle(s.date);
      }
      case YES_NO -> {
        cell.setCellValue(PeopleColumn.yesNo((Boolean) v));
        cell.setCellStyle(v == null ? s.notKnown : s.plain);
      }
      case TEXT, STATUS -> {
        if (v != null && !v.toString().isEmpty()) {
          cell.setCellValue(v.toString()); // a text cell: never a formula, whatever it starts with
        }
        cell.setCellStyle(col.width() >= WRAP_WIDTH ? s.wrap : s.plain);
        if (v != null && col.width() >= WRAP_WIDTH) {
          return lines(v.toString(), col.width() * BODY_CHARS_PER_UNIT);
        }
      }
    }
    return 1;
  }

  /** Text columns at least this wide wrap. */
  static final int WRAP_WIDTH = 20;

  /**
   * Characters of 10-point Arial text per unit of column width (the width of a "0"): ordinary
   * text averages about 1.3 (narrow letters and spaces); 1.2 leaves a margin so a wrapped cell
   * is never cut off. Bold headers are wider: 1.0.
   */
  static final double BODY_CHARS_PER_UNIT = 1.2;
  static final double HEADER_CHARS_PER_UNIT = 1.0;

  /** Lines a header takes in its column, wrapped at spaces. */
  static int headerLines(PeopleColumn c) {
    return lines(c.header(), c.width() * HEADER_CHARS_PER_UNIT);
  }

  /**
   * Lines {@code text} takes when wrapped at spaces into lines of {@code perLine} characters, as
   * Excel and LibreOffice wrap (a word longer than a line is broken across lines).
   */
  static int lines(String text, double perLine) {
    int lines = 1;
    double used = 0;
    for (String word : text.trim().split(" +")) {
      int len = word.length();
      if (len == 0) {
        continue;
      }
      if (used > 0 && used + 1 + len <= perLine) {
        used += 1 + len;
        continue;
      }
      if (used > 0) {
        lines++;
      }
      int extra = len > perLine ? (int) Math.ceil(len / perLine) - 1 : 0;
      lines += extra;
      used = len - extra * perLine;
    }
    return lines;
  }

  private static final String[] LEFT_HEAD =
      {"Cohort", "NHS number", "Previous rank", "Practice code", "Why they left"};

  private static void leftSheet(DeferredSXSSFSheet sheet, Styles s, List<Row> leavers) {
    int[] width = {24, 12, 9, 10, 44};
    for (int c = 0; c < width.length; c++) {
      sheet.setColumnWidth(c, width[c] * 256);
    }
    sheet.createFreezePane(0, 1);
    sheet.setAutoFilter(new CellRangeAddress(0, leavers.size(), 0, LEFT_HEAD.length - 1));
    sheet.setRepeatingRows(new CellRangeAddress(0, 0, -1, -1));
    portrait(sheet);
    sheet.setRowGenerator(sh -> leftRows(sh, s, leavers));
  }

  private static void leftRows(Sheet sh, Styles s, List<Row> leavers) {
    String[] head = LEFT_HEAD;
    org.apache.poi.ss.usermodel.Row h = sh.createRow(0);
    for (int c = 0; c < head.length; c++) {
      Cell cell = h.createCell(c);
      cell.setCellValue(head[c]);
      cell.setCellStyle(s.header);
    }
    int r = 1;
    for (Row l : leavers) {
      org.apache.poi.ss.usermodel.Row x = sh.createRow(r++);
      x.createCell(0).setCellValue((String) l.getAs(CohortColumns.COHORT));
      x.createCell(1).setCellValue((String) l.getAs(CohortColumns.NHS_NUMBER));
      Number prev = l.getAs(CohortColumns.PREVIOUS_RANK);
      if (prev != null) {
        x.createCell(2).setCellValue(prev.doubleValue());
      }
      x.createCell(3).setCellValue((String) l.getAs(CohortColumns.PRACTICE_CODE));
      x.createCell(4).setCellValue(CohortFiles.reason(l.getAs(CohortColumns.REASON)));
    }
    if (leavers.isEmpty()) {
      cell(sh, 1, 0, "No one left these lists since the previous publication (or there was none).", s.plain);
    }
  }

  private static void readMe(DeferredSXSSFSheet sheet, Styles s, Title t, boolean register) {
    sheet.setColumnWidth(0, 34 * 256);
    sheet.setColumnWidth(1, 110 * 256);
    portrait(sheet);
    sheet.setRowGenerator(sh -> readMeRows(sh, s, t, register));
  }

  private static void readMeRows(Sheet sh, Styles s, Title t, boolean register) {
    int r = 0;
    cell(sh, r++, 0, "Read me", s.title);
    r++;
    cell(sh, r++, 0, "Columns of each cohort sheet", s.bold);
    for (PeopleColumn c : COLUMNS) {
      r = pair(sh, r, s, c.header(), c.meaning());
    }
    r++;
    if (register) {
      r = RegisterSheet.readMe(sh, s, r);
      r++;
    }
    cell(sh, r++, 0, "How the scores are worked out", s.bold);
    r = pair(sh, r, s, "Emergency admission risk",
        "A logistic model (rules/admission-risk/model.csv) over age, sex, frailty, conditions, medicines, past hospital use,"
            + " social care and housing; the estimated probability of an emergency admission in the next 12 months.");
    List<Band> bands = t.p().riskBands();
    for (int i = 0; i < bands.size(); i++) {
      String upper = i + 1 < bands.size() ? " up to " + pct(bands.get(i + 1).minProbability()) : " and above";
      r = pair(sh, r, s, "Risk band " + bands.get(i).name(), "from " + pct(bands.get(i).minProbability()) + upper);
    }
    r = pair(sh, r, s, "Electronic Frailty Index (eFI)",
        "Count of 36 deficits (symptoms, conditions, disabilities) recorded in the GP record, divided by 36 (Clegg 2016).");
    r = pair(sh, r, s, "eFI category", "fit: 0 to 0.12; mild: over 0.12 to 0.24; moderate: over 0.24 to 0.36; severe: over 0.36.");
    r = pair(sh, r, s, "Long-term conditions", "The 20 Cambridge Multimorbidity Score conditions (Payne 2020).");
    r = pair(sh, r, s, "Status", "Compared with the previous publication of the same list: new or continuing.");
    r = pair(sh, r, s, "Not known",
        "The source (e.g. housing) has no record for this patient, so the flag is unknown. It is not the same as No,"
            + " which means a record says no.");
    pair(sh, r, s, "Contact", t.p().contact());
  }

  private static String pct(double p) {
    return ExcelCsv.number(Math.round(p * 1000) / 10.0) + "%";
  }

  static int pair(Sheet sh, int r, Styles s, String k, String v) {
    cell(sh, r, 0, k, s.bold);
    cell(sh, r, 1, v, s.wrap);
    int chars = sh.getColumnWidth(1) / 256;
    sh.getRow(r).setHeightInPoints(lines(v, chars * BODY_CHARS_PER_UNIT) * LINE_POINTS + 2);
    return r + 1;
  }

  static void cell(Sheet sh, int r, int c, String v, CellStyle st) {
    org.apache.poi.ss.usermodel.Row row = sh.getRow(r) == null ? sh.createRow(r) : sh.getRow(r);
    Cell cell = row.createCell(c);
    cell.setCellValue(v);
    cell.setCellStyle(st);
  }

  static void landscape(Sheet sh, Title t, String what) {
    PrintSetup ps = sh.getPrintSetup();
    ps.setPaperSize(PrintSetup.A4_PAPERSIZE);
    ps.setLandscape(true);
    sh.setFitToPage(true);
    ps.setFitWidth((short) 1);
    ps.setFitHeight((short) 0); // as many pages down as needed
    sh.setMargin(Sheet.LeftMargin, 0.4);
    sh.setMargin(Sheet.RightMargin, 0.4);
    sh.setMargin(Sheet.TopMargin, 0.6);
    sh.setMargin(Sheet.BottomMargin, 0.6);
    sh.getHeader().setLeft(t.name() + " (" + t.code() + ") " + what);
    sh.getHeader().setRight("As of " + t.asOf() + " - CONFIDENTIAL");
    sh.getFooter().setCenter("Page &P of &N");
  }

  private static void portrait(Sheet sh) {
    PrintSetup ps = sh.getPrintSetup();
    ps.setPaperSize(PrintSetup.A4_PAPERSIZE);
    sh.setFitToPage(true);
    ps.setFitWidth((short) 1);
    ps.setFitHeight((short) 0);
    sh.getFooter().setCenter("Page &P of &N");
  }

  /**
   * The same entries in name order ({@code [Content_Types].xml} first, as Office writes it), every
   * entry time fixed: the same workbook, the same bytes.
   */
  static void repack(byte[] zip, OutputStream out) throws IOException {
    java.util.TreeMap<String, byte[]> entries = new java.util.TreeMap<>();
    // POI's streaming writer stores sizes after each entry's data (a data descriptor), which
    // java.util.zip's reader refuses; commons-compress (POI's own zip library) reads them. Its
    // entries come in no set order (the sheets after the parts POI keeps in a hash map).
    try (ZipArchiveInputStream in =
            new ZipArchiveInputStream(new ByteArrayInputStream(zip), "UTF-8", true, true)) {
      for (ZipArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry n = new ZipEntry(e.getKey());
        n.setTime(ZIP_TIME);
        z.putNextEntry(n);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
  }

  /** The cell styles, made once per workbook. */
  static final class Styles {
    final CellStyle title;
    final CellStyle bold;
    final CellStyle plain;
    final CellStyle wrap;
    final CellStyle header;
    final CellStyle integer;
    final CellStyle oneDp;
    final CellStyle twoDp;
    final CellStyle date;
    final CellStyle notKnown;

    Styles(org.apache.poi.ss.usermodel.Workbook wb) {
      Font base = wb.getFontAt(0); // every cell without a font of its own
      base.setFontName(FONT);
      base.setFontHeightInPoints(FONT_POINTS);
      Font big = font(wb);
      big.setBold(true);
      big.setFontHeightInPoints((short) 12);
      Font b = font(wb);
      b.setBold(true);
      Font grey = font(wb);
      grey.setItalic(true);
      grey.setColor(IndexedColors.GREY_50_PERCENT.getIndex());
      var fmt = wb.createDataFormat();
      title = wb.createCellStyle();
      title.setFont(big);
      bold = wb.createCellStyle();
      bold.setFont(b);
      bold.setVerticalAlignment(VerticalAlignment.TOP);
      plain = wb.createCellStyle();
      plain.setVerticalAlignment(VerticalAlignment.TOP);
      wrap = wb.createCellStyle();
      wrap.setWrapText(true);
      wrap.setVerticalAlignment(VerticalAlignment.TOP);
      header = wb.createCellStyle();
      header.setFont(b);
      header.setWrapText(true);
      header.setVerticalAlignment(VerticalAlignment.TOP);
      header.setFillForegroundColor(IndexedColors.GREY_25_PERCENT.getIndex());
      header.setFillPattern(FillPatternType.SOLID_FOREGROUND);
      header.setBorderBottom(BorderStyle.THIN);
      integer = numeric(wb, "0");
      oneDp = numeric(wb, "0.0");
      twoDp = numeric(wb, "0.00");
      date = wb.createCellStyle();
      date.setDataFormat(fmt.getFormat("dd mmm yyyy"));
      date.setVerticalAlignment(VerticalAlignment.TOP);
      notKnown = wb.createCellStyle();
      notKnown.setFont(grey);
      notKnown.setVerticalAlignment(VerticalAlignment.TOP);
    }

    private static Font font(org.apache.poi.ss.usermodel.Workbook wb) {
      Font f = wb.createFont();
      f.setFontName(FONT);
      f.setFontHeightInPoints(FONT_POINTS);
      return f;
    }

    private static CellStyle numeric(org.apache.poi.ss.usermodel.Workbook wb, String format) {
      CellStyle st = wb.createCellStyle();
      st.setDataFormat(wb.createDataFormat().getFormat(format));
      st.setVerticalAlignment(VerticalAlignment.TOP);
      return st;
    }
  }
}
