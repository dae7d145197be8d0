package org.openstrat.generate;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.openstrat.core.StratException;
import org.openstrat.ingest.Extract;
import org.openstrat.util.SideBySide;

/**
 * Writes a whole synthetic ICS: every extract of the contract, extract.properties and
 * generator-ledger.csv.
 *
 * <p>Deterministic: patient {@code i} is generated from (seed, i) alone, and patients are written
 * in index order into fixed files, so the same seed and N give byte-identical files whatever the
 * thread count. Below {@link #FOLDER_THRESHOLD} patients each extract is one file {@code NAME.ext}
 * (chunks are generated in parallel and written in order); from it up, each extract is a folder
 * {@code NAME/part-NNNNN.ext} with one part per chunk of {@link #FOLDER_CHUNK} patients, each
 * written by the thread that generated it.
 */
public final class Generator {
  /** From this many patients, extracts are folders of part files (the contract allows both). */
  public static final int FOLDER_THRESHOLD = 200_000;
  /** Patients per part file in folder mode: parts of a few hundred MB of CSV. */
  public static final int FOLDER_CHUNK = 50_000;
  /** Patients per in-memory chunk in single-file mode. */
  static final int FILE_CHUNK = 2_000;

  public static final String LEDGER = "generator-ledger.csv";
  public static final String PROPERTIES = "extract.properties";

  /** Extracts written per patient (practices and lsoa_deprivation are written once). */
  static final Extract[] PATIENT_EXTRACTS = {
    Extract.PATIENTS, Extract.GP_EVENTS, Extract.GP_MEDICATIONS, Extract.APC_SPELLS,
    Extract.AE_ATTENDANCES, Extract.OP_APPOINTMENTS, Extract.SOCIAL_CARE, Extract.HOUSING
  };

  /**
   * What to generate.
   *
   * @param patients registered patients (rows of the patients extract before defects)
   * @param seed random seed
   * @param out output folder (created; this run's extract files in it are replaced)
   * @param csv CSV (true) or Parquet
   * @param extractDate the extract date; history runs {@value PatientSimulator#HISTORY_YEARS} years up to it
   * @param badRows share of eligible rows given a defect (0 = none)
   * @param threads worker threads (does not change the output)
   * @param rulesDir rules/ folder the clinical codes are drawn from
   * @param logisticOutcomes emergency admissions from {@link LogisticOutcomes} instead of the
   *     hidden model
   */
  public record Options(
      int patients, long seed, Path out, boolean csv, LocalDate extractDate, double badRows, int threads,
      Path rulesDir, boolean logisticOutcomes) {
    /** The default outcome process: the hidden model. */
    public Options(
        int patients, long seed, Path out, boolean csv, LocalDate extractDate, double badRows,
        int threads, Path rulesDir) {
      this(patients, seed, out, csv, extractDate, badRows, threads, rulesDir, false);
    }
  }

  /** Rows and bytes written per extract, defects injected, superseded rows, seconds. */
  public record Result(
      Map<Extract, Long> rows, Map<Extract, Long> bytes, long defectRows, long supersededRows, double seconds,
      String codeSource) {}

  private Generator() {}

  public static Result run(Options o, PrintWriter err) {
    long t0 = System.nanoTime();
    if (o.patients() < 1) {
      throw new StratException(org.openstrat.core.ExitCode.USAGE, "--patients must be at least 1");
    }
    CodeLists codes = CodeLists.load(o.rulesDir());
    Dates dates = new Dates(o.extractDate());
    Ics ics = new Ics(o.seed(), o.patients(), o.extractDate());
    String ext = o.csv() ? ".csv" : ".parquet";
    Map<Extract, Long> rows = new EnumMap<>(Extract.class);
    Map<Extract, Long> bytes = new EnumMap<>(Extract.class);
    try {
      Files.createDirectories(o.out());
      for (Extract e : Extract.values()) {
        clean(o.out(), e.fileName());
      }
      List<String[]> practices = ics.practiceRows(dates);
      List<String[]> lsoas = ics.lsoaRows();
      writeAll(o.out().resolve(Extract.PRACTICES.fileName() + ext), Extract.PRACTICES, practices, o.csv(), rows, bytes);
      writeAll(o.out().resolve(Extract.LSOA_DEPRIVATION.fileName() + ext), Extract.LSOA_DEPRIVATION, lsoas, o.csv(), rows, bytes);
      Files.writeString(o.out().resolve(PROPERTIES), "extract_date=" + o.extractDate() + "\n", StandardCharsets.UTF_8);
      err.printf("stage generate-structure rows_in=%d rows_out=%d seconds=%.1f%n",
          o.patients(), practices.size() + lsoas.size(), (System.nanoTime() - t0) / 1e9);
      err.flush();

      long t1 = System.nanoTime();
      Defects total = new Defects(o.badRows(), o.csv(), dates);
      long superseded;
      if (o.patients() < FOLDER_THRESHOLD) {
        superseded = singleFiles(o, ics, codes, dates, ext, total, rows, bytes);
      } else {
        superseded = folders(o, ics, codes, dates, ext, total, rows, bytes);
      }
      long out = 0;
      for (Extract e : PATIENT_EXTRACTS) {
        out += rows.getOrDefault(e, 0L);
      }
      err.printf("stage generate-patients rows_in=%d rows_out=%d seconds=%.1f%n",
          o.patients(), out, (System.nanoTime() - t1) / 1e9);
      err.flush();
      long defectRows = Ledger.write(o.out().resolve(LEDGER), total, superseded, o.csv());
      return new Result(rows, bytes, defectRows, superseded, (System.nanoTime() - t0) / 1e9, codes.source);
    } catch (IOException e) {
      throw StratException.input("Cannot write " + o.out() + ": " + e.getMessage());
    }
  }

  /** Removes this extract's earlier output in any form (NAME.csv, NAME.parquet, NAME/). */
  private static void clean(Path out, String name) throws IOException {
    Files.deleteIfExists(out.resolve(name + ".csv"));
    Files.deleteIfExists(out.resolve(name + ".parquet"));
    Path dir = out.resolve(name);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void writeAll(Path file, Extract e, List<String[]> data, boolean csv, Map<Extract, Long> rows,
      Map<Extract, Long> bytes) throws IOException {
    try (ExtractWriter w = ExtractWriter.open(file, e.columns(), csv)) {
      for (String[] r : data) {
        w.write(r);
      }
    }
    rows.merge(e, (long) data.size(), Long::sum);
    bytes.merge(e, Files.size(file), Long::sum);
  }

  /** A chunk's rows held in memory, in order; raw lines are kept as String. */
  private static final class Buffer implements Defects.Sink {
    @SuppressWarnings("unchecked")
    final List<Object>[] rows = new List[Extract.values().length];
    final long[] counts = new long[Extract.values().length];
    long superseded;
    Defects defects;

    Buffer() {
      for (int i = 0; i < rows.length; i++) {
        rows[i] = new ArrayList<>();
      }
    }

    @Override
    public void row(Extract e, String[] fields) {
      rows[e.ordinal()].add(fields);
      counts[e.ordinal()]++;
    }

    @Override
    public void raw(Extract e, String line) {
      rows[e.ordinal()].add(line);
      counts[e.ordinal()] += line.indexOf('\n') >= 0 ? 2 : 1;
    }
  }

  private static long singleFiles(Options o, Ics ics, CodeLists codes, Dates dates, String ext, Defects total,
      Map<Extract, Long> rows, Map<Extract, Long> bytes) throws IOException {
    int chunks = (o.patients() + FILE_CHUNK - 1) / FILE_CHUNK;
    ExtractWriter[] writers = new ExtractWriter[Extract.values().length];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads()));
    long superseded = 0;
    try {
      for (Extract e : PATIENT_EXTRACTS) {
        writers[e.ordinal()] = ExtractWriter.open(o.out().resolve(e.fileName() + ext), e.columns(), o.csv());
      }
      Deque<Future<Buffer>> window = new ArrayDeque<>();
      int next = 0;
      int inFlight = Math.max(2, o.threads() * 2);
      while (next < chunks || !window.isEmpty()) {
        while (next < chunks && window.size() < inFlight) {
          int chunk = next++;
          window.add(pool.submit(() -> generateChunk(o, ics, codes, dates, chunk, FILE_CHUNK)));
        }
        Buffer b = SideBySide.awaitIo(window.poll());
        for (Extract e : PATIENT_EXTRACTS) {
          ExtractWriter w = writers[e.ordinal()];
          for (Object r : b.rows[e.ordinal()]) {
            if (r instanceof String line) {
              w.writeRaw(line);
            } else {
              w.write((String[]) r);
            }
          }
          rows.merge(e, b.counts[e.ordinal()], Long::sum);
        }
        total.addCounts(b.defects);
        superseded += b.superseded;
      }
    } finally {
      pool.shutdownNow();
      for (ExtractWriter w : writers) {
        if (w != null) {
          w.close();
        }
      }
    }
    for (Extract e : PATIENT_EXTRACTS) {
      bytes.merge(e, Files.size(o.out().resolve(e.fileName() + ext)), Long::sum);
    }
    return superseded;
  }

  private static Buffer generateChunk(Options o, Ics ics, CodeLists codes, Dates dates, int chunk, int size) {
    Buffer b = new Buffer();
    b.defects = new Defects(o.badRows(), o.csv(), dates);
    PatientSimulator sim = new PatientSimulator(o.seed(), ics, codes, dates, o.logisticOutcomes());
    long from = (long) chunk * size;
    long to = Math.min(o.patients(), from + size);
    for (long i = from; i < to; i++) {
      sim.simulate(i, b.defects, b);
    }
    b.superseded = sim.supersededRows;
    return b;
  }

  /** One part per chunk, written by the worker that generates it. */
  private static final class PartSink implements Defects.Sink {
    final ExtractWriter[] writers = new ExtractWriter[Extract.values().length];
    final long[] counts = new long[Extract.values().length];

    @Override
    public void row(Extract e, String[] fields) {
      try {
        writers[e.ordinal()].write(fields);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      counts[e.ordinal()]++;
    }

    @Override
    public void raw(Extract e, String line) {
      try {
        writers[e.ordinal()].writeRaw(line);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      counts[e.ordinal()] += line.indexOf('\n') >= 0 ? 2 : 1;
    }
  }

  private record PartResult(long[] counts, Defects defects, long superseded) {}

  private static long folders(Options o, Ics ics, CodeLists codes, Dates dates, String ext, Defects total,
      Map<Extract, Long> rows, Map<Extract, Long> bytes) throws IOException {
    for (Extract e : PATIENT_EXTRACTS) {
      Files.createDirectories(o.out().resolve(e.fileName()));
    }
    int chunks = (o.patients() + FOLDER_CHUNK - 1) / FOLDER_CHUNK;
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads()));
    List<Future<PartResult>> futures = new ArrayList<>();
    long superseded = 0;
    try {
      for (int c = 0; c < chunks; c++) {
        int chunk = c;
        futures.add(pool.submit(() -> writePart(o, ics, codes, dates, ext, chunk)));
      }
      for (Future<PartResult> f : futures) {
        PartResult r = SideBySide.awaitIo(f);
        for (Extract e : PATIENT_EXTRACTS) {
          rows.merge(e, r.counts()[e.ordinal()], Long::sum);
        }
        total.addCounts(r.defects());
        superseded += r.superseded();
      }
    } finally {
      pool.shutdownNow();
    }
    for (Extract e : PATIENT_EXTRACTS) {
      long size = 0;
      try (Stream<Path> s = Files.list(o.out().resolve(e.fileName()))) {
        for (Path p : s.toList()) {
          size += Files.size(p);
        }
      }
      bytes.merge(e, size, Long::sum);
    }
    return superseded;
  }

  private static PartResult writePart(Options o, Ics ics, CodeLists codes, Dates dates, String ext, int chunk)
      throws IOException {
    PartSink sink = new PartSink();
    Defects defects = new Defects(o.badRows(), o.csv(), dates);
    PatientSimulator sim = new PatientSimulator(o.seed(), ics, codes, dates, o.logisticOutcomes());
    String part = String.format("part-%05d%s", chunk, ext);
    try {
      for (Extract e : PATIENT_EXTRACTS) {
        sink.writers[e.ordinal()] = ExtractWriter.open(o.out().resolve(e.fileName()).resolve(part), e.columns(), o.csv());
      }
      long from = (long) chunk * FOLDER_CHUNK;
      long to = Math.min(o.patients(), from + FOLDER_CHUNK);
      for (long i = from; i < to; i++) {
        sim.simulate(i, defects, sink);
      }
    } finally {
      for (ExtractWriter w : sink.writers) {
        if (w != null) {
          w.close();
        }
      }
    }
    return new PartResult(sink.counts, defects, sim.supersededRows);
  }
}
