package org.openstrat.ingest;

import org.openstrat.util.CsvText;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.StratException;
import org.openstrat.util.IoErrors;

/**
 * Reads an input folder of contract-v1 extracts (docs/data-contract.md) into raw string Datasets.
 * The only place extracts are read. Header problems fail here, before any Spark job, with exit 4.
 *
 * <p>CSV is parsed by {@link CsvRecordParser} in one Spark task per file (Spark's own CSV reader
 * ignores header names under a schema, swallows rows after a lone quote in multiLine mode and has
 * no line numbers). So a big extract should come as a folder of part files for parallelism.
 * Parquet is read by Spark, columns matched by name, with {@code _metadata.row_index} as the row
 * number.
 */
public final class Ingest {
  /** Column: the file a row came from, relative to the input folder. */
  public static final String SOURCE_FILE = "_source_file";
  /** Column: physical line (CSV, header = 1) or row number from 1 (Parquet) within the file. */
  public static final String LINE = "_line";
  /** Column: the row as read (CSV physical line(s); Parquet fields joined as a CSV line). */
  public static final String RAW = "_raw";
  /** Column: a structure {@code Reason} name for a malformed CSV record, else null. */
  public static final String STRUCTURE_ERROR = "_structure_error";

  /**
   * CSV extracts of at least this size are staged as Parquet before validation ({@link
   * #stageCsv}); smaller ones cost less to parse again than to stage.
   */
  public static final long STAGE_MIN_BYTES = 64L << 20;

  /** The file holding {@code extract_date=yyyy-MM-dd}. */
  public static final String PROPERTIES_FILE = "extract.properties";

  private Ingest() {}

  /** The Dataset schema of a raw extract: its string columns then the four bookkeeping columns. */
  public static StructType rawSchemaWithMeta(Extract e) {
    return e.rawSchema()
        .add(SOURCE_FILE, DataTypes.StringType, false)
        .add(LINE, DataTypes.LongType, false)
        .add(RAW, DataTypes.StringType, true)
        .add(STRUCTURE_ERROR, DataTypes.StringType, true);
  }

  /**
   * Reads every extract in {@code inputDir}; {@code practices} and {@code patients} are required
   * (nothing can be scored without them). Same as {@link #read(SparkSession, Path, Set)} with those
   * two.
   */
  public static RawExtracts read(SparkSession spark, Path inputDir) {
    return read(spark, inputDir, Set.of(Extract.PRACTICES, Extract.PATIENTS));
  }

  /**
   * Reads every extract in {@code inputDir}. Lazy: header checks and file listing happen now,
   * rows are read when a Dataset is used.
   *
   * @param required extracts that must be present; a missing one fails with exit 4
   * @throws StratException exit 4 for a missing folder or required extract, a CSV header with a
   *     missing, unknown or repeated column, a Parquet file with the wrong columns, or a folder
   *     mixing CSV and Parquet parts
   */
  public static RawExtracts read(SparkSession spark, Path inputDir, Set<Extract> required) {
    checkInputFolder(inputDir);
    Map<Extract, List<Path>> files = new EnumMap<>(Extract.class);
    List<Path> ignored = new ArrayList<>();
    for (Path p : list(inputDir)) {
      String name = p.getFileName().toString();
      if (name.equals(PROPERTIES_FILE) || name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      // A folder may be NAME/ or, as Spark writes it, NAME.parquet/ or NAME.csv/.
      String base = stripExtension(name);
      Extract e = Extract.byFileName(base).orElse(null);
      boolean knownForm =
          Files.isDirectory(p) || isCsvName(name) || name.endsWith(".parquet");
      if (e == null || !knownForm) {
        ignored.add(inputDir.relativize(p));
        continue;
      }
      if (files.containsKey(e)) {
        throw StratException.input(
            "Cannot read " + e.fileName() + ": found more than one of " + e.fileName()
                + ".csv, " + e.fileName() + ".parquet, " + e.fileName() + "/");
      }
      List<Path> parts = Files.isDirectory(p) ? partFiles(p) : List.of(p);
      files.put(e, parts);
    }
    for (Extract e : required) {
      if (!files.containsKey(e)) {
        throw StratException.input(
            "Cannot read " + inputDir + ": required extract " + e.fileName() + " is missing");
      }
    }
    Map<Extract, Dataset<Row>> raw = new EnumMap<>(Extract.class);
    for (Map.Entry<Extract, List<Path>> en : files.entrySet()) {
      Extract e = en.getKey();
      List<Path> parts = en.getValue();
      boolean csv = isCsvName(parts.get(0).getFileName().toString());
      raw.put(e, csv ? readCsv(spark, inputDir, e, parts) : readParquet(spark, inputDir, e, parts));
    }
    return new RawExtracts(
        inputDir,
        extractDate(inputDir),
        Collections.unmodifiableMap(raw),
        Collections.unmodifiableMap(files),
        List.copyOf(ignored),
        Set.of());
  }

  /**
   * Exit 4 with one line saying why unless {@code dir} is a folder this user can list and enter:
   * checked first, so that an unreadable folder is not reported as a missing extract.properties.
   */
  public static void checkInputFolder(Path dir) {
    String why = null;
    if (!Files.exists(dir)) {
      why = "no such folder; check --input";
    } else if (!Files.isDirectory(dir)) {
      why = "it is a file, not a folder; give --input the folder holding the extracts";
    } else if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      why = "permission denied (user " + System.getProperty("user.name")
          + "): give it read and enter (r-x) access, e.g. through the folder's group";
    } else {
      try (Stream<Path> s = Files.list(dir)) {
        s.findFirst();
      } catch (IOException e) {
        why = IoErrors.cannotRead(e);
      }
    }
    if (why != null) {
      throw StratException.input("Cannot read input folder " + dir + ": " + why);
    }
  }

  /** {@code extract_date} from {@code extract.properties}, or null if absent. Exit 4 if garbled. */
  public static LocalDate extractDate(Path inputDir) {
    Path f = inputDir.resolve(PROPERTIES_FILE);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    Properties p = new Properties();
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw StratException.input("Cannot read " + f + ": " + IoErrors.cannotRead(e));
    }
    String v = p.getProperty("extract_date");
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw StratException.input(
          "Cannot read " + f + ": extract_date=" + v.trim() + " is not a yyyy-MM-dd date");
    }
  }

  // ---- CSV ----

  private static Dataset<Row> readCsv(
      SparkSession spark, Path inputDir, Extract e, List<Path> parts) {
    List<String> specs = new ArrayList<>();
    for (Path part : parts) {
      String rel = inputDir.relativize(part).toString();
      int[] mapping = checkCsvHeader(e, part, rel);
      StringBuilder spec = new StringBuilder(part.toUri().toString()).append('\t').append(rel);
      for (int m : mapping) {
        spec.append('\t').append(m);
      }
      specs.add(spec.toString());
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int ncols = e.columns().size();
    JavaRDD<Row> rows =
        jsc.parallelize(specs, Math.max(1, specs.size()))
            .mapPartitions(it -> parseFiles(it, ncols));
    return spark.createDataFrame(rows, rawSchemaWithMeta(e));
  }

  /**
   * Checks a CSV header by name and returns, for each contract column, its position in the file.
   * First, that the file is text at all ({@link Sniff}): a gzip, zip, Office, Parquet, UTF-16 or
   * binary file named {@code .csv} is exit 4 saying what it looks like.
   */
  static int[] checkCsvHeader(Extract e, Path part, String rel) {
    Utf8Lines.Line header;
    try (InputStream raw = Files.newInputStream(part);
        BufferedInputStream in = new BufferedInputStream(decompressed(raw, rel), Sniff.HEAD_BYTES)) {
      in.mark(Sniff.HEAD_BYTES);
      byte[] head = in.readNBytes(Sniff.HEAD_BYTES);
      String notText = Sniff.notText(head, head.length);
      if (notText != null) {
        throw StratException.input("Cannot read " + rel + ": " + notText);
      }
      in.reset();
      header = new Utf8Lines(in).next();
    } catch (IOException ex) {
      throw StratException.input("Cannot read " + rel + ": " + IoErrors.cannotRead(ex));
    }
    if (header == null) {
      throw StratException.input("Cannot read " + rel + ": empty file, no header line");
    }
    if (header.malformed()) {
      throw StratException.input("Cannot read " + rel
          + ": the header line is not valid UTF-8 text; re-export the file as UTF-8");
    }
    return mapColumns(e, CsvRecordParser.splitHeader(header.text()), rel, "header");
  }

  /** True for a CSV extract's file name: {@code .csv}, or {@code .csv.gz} (gzipped CSV). */
  public static boolean isCsvName(String name) {
    return name.endsWith(".csv") || name.endsWith(CSV_GZ);
  }

  private static final String CSV_GZ = ".csv.gz";

  /** The file's bytes, gunzipped when its name ends {@code .csv.gz}. */
  private static InputStream decompressed(InputStream in, String name) throws IOException {
    if (!name.endsWith(CSV_GZ)) {
      return in;
    }
    try {
      return new GZIPInputStream(in, 1 << 16);
    } catch (java.util.zip.ZipException ex) {
      throw new IOException("named .gz but not gzip data (" + ex.getMessage() + ")", ex);
    }
  }

  private static int[] mapColumns(Extract e, List<String> names, String rel, String what) {
    List<String> expected = e.columns();
    Set<String> seen = new LinkedHashSet<>();
    Set<String> repeated = new TreeSet<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (String h : names) {
      String n = h.toLowerCase(Locale.ROOT);
      if (!seen.add(n)) {
        repeated.add(n);
      }
      if (!expected.contains(n)) {
        unknown.add(h);
      }
    }
    List<String> missing = new ArrayList<>();
    for (String c : expected) {
      if (!seen.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty() || !unknown.isEmpty() || !repeated.isEmpty()) {
      List<String> problems = new ArrayList<>();
      if (!missing.isEmpty()) {
        problems.add("missing column(s) " + String.join(", ", missing));
      }
      if (!unknown.isEmpty()) {
        problems.add("unknown column(s) " + String.join(", ", unknown));
      }
      if (!repeated.isEmpty()) {
        problems.add("repeated column(s) " + String.join(", ", repeated));
      }
      throw StratException.input(
          "Cannot read " + rel + ": " + what + " has " + String.join("; ", problems)
              + " (expected " + String.join(",", expected) + ")");
    }
    int[] mapping = new int[expected.size()];
    for (int i = 0; i < expected.size(); i++) {
      for (int j = 0; j < names.size(); j++) {
        if (names.get(j).toLowerCase(Locale.ROOT).equals(expected.get(i))) {
          mapping[i] = j;
        }
      }
    }
    return mapping;
  }

  /** Runs on an executor: parses the files named in the spec lines, one after another, lazily. */
  private static Iterator<Row> parseFiles(Iterator<String> specs, int ncols) {
    return new Iterator<>() {
      private Iterator<Row> cur = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!cur.hasNext() && specs.hasNext()) {
          cur = parseFile(specs.next(), ncols);
        }
        return cur.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return cur.next();
      }
    };
  }

  private static Iterator<Row> parseFile(String spec, int ncols) {
    String[] s = spec.split("\t");
    String uri = s[0];
    String rel = s[1];
    int[] mapping = new int[ncols];
    for (int i = 0; i < ncols; i++) {
      mapping[i] = Integer.parseInt(s[2 + i]);
    }
    Utf8Lines lines;
    try {
      org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = hp.getFileSystem(new Configuration());
      lines = new Utf8Lines(decompressed(fs.open(hp, 1 << 20), rel), 1 << 20);
      lines.next(); // the header, checked on the driver
    } catch (IOException ex) {
      throw StratException.input("Cannot read " + rel + ": " + IoErrors.cannotRead(ex));
    }
    CsvRecordParser parser = new CsvRecordParser(lines::next, ncols, 2);
    return new Iterator<>() {
      private boolean closed;
      private long line = 1;

      @Override
      public boolean hasNext() {
        boolean h;
        try {
          h = !closed && parser.hasNext();
        } catch (UncheckedIOException ex) {
          // A read error part-way (a truncated .gz, a file changed under the run): one line, exit 4.
          throw StratException.input("Cannot read " + rel + " after line " + line + ": "
              + IoErrors.reason(ex.getCause()));
        }
        if (!h && !closed) {
          closed = true;
          try {
            lines.close();
          } catch (IOException ignored) {
            // read-only stream: nothing lost
          }
        }
        return h;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        CsvRecordParser.Record r = parser.next();
        line = r.line();
        Object[] v = new Object[ncols + 4];
        if (r.error() == null) {
          String[] f = r.fields();
          for (int i = 0; i < ncols; i++) {
            v[i] = f[mapping[i]];
          }
        }
        v[ncols] = rel;
        v[ncols + 1] = r.line();
        // Kept only where rawText() would not give it back: the fields re-joined are the line
        // itself for almost every row, and the text would otherwise travel with every row.
        v[ncols + 2] = r.error() == null && r.raw().equals(csvLine(v, ncols)) ? null : r.raw();
        v[ncols + 3] = r.error() == null ? null : r.error().name();
        return RowFactory.create(v);
      }
    };
  }

  /** The first {@code n} values joined as {@link #rawText} joins them (null as empty). */
  static String csvLine(Object[] v, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      String f = (String) v[i];
      if (f == null) {
        continue;
      }
      b.append(CsvText.quote(f));
    }
    return b.toString();
  }

  // ---- staging ----

  /**
   * Converts each CSV extract of at least {@code minBytes} to Parquet under {@code work}, in one
   * parse, and returns the extracts with those read back from there. Validation reads a big extract
   * several times (the duplicate pre-pass, the checks, the scores), and parsing CSV is most of the
   * cost of each read: staged, every later read is a columnar scan. The staged rows are exactly
   * what the parser produced (fields, file, line, raw text, structure error), so every result is
   * the same; {@link RawExtracts#files} still names the input files.
   *
   * @param work a scratch folder the caller deletes when the run ends; created if missing
   */
  public static RawExtracts stageCsv(SparkSession spark, RawExtracts raw, Path work, long minBytes) {
    Map<Extract, Dataset<Row>> out = new EnumMap<>(raw.raw());
    Set<Extract> staged = new TreeSet<>(raw.staged());
    for (Map.Entry<Extract, Dataset<Row>> en : raw.raw().entrySet()) {
      Extract e = en.getKey();
      if (!raw.isCsv(e) || staged.contains(e) || bytes(raw.files().get(e)) < minBytes) {
        continue;
      }
      String dir = work.resolve(e.fileName()).toUri().toString();
      en.getValue().write().mode("overwrite")
          // Row groups small enough that a staged extract is read by several tasks.
          .option("parquet.block.size", String.valueOf(16 << 20))
          .parquet(dir);
      Column[] cols = Arrays.stream(rawSchemaWithMeta(e).fieldNames())
          .map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
      out.put(e, spark.read().parquet(dir).select(cols));
      staged.add(e);
    }
    return new RawExtracts(raw.inputDir(), raw.extractDate(), Collections.unmodifiableMap(out),
        raw.files(), raw.ignoredFiles(), Collections.unmodifiableSet(staged));
  }

  private static long bytes(List<Path> files) {
    long n = 0;
    for (Path f : files) {
      try {
        n += Files.size(f);
      } catch (IOException e) {
        throw StratException.input("Cannot read " + f + ": " + IoErrors.cannotRead(e));
      }
    }
    return n;
  }

  // ---- Parquet ----

  private static Dataset<Row> readParquet(
      SparkSession spark, Path inputDir, Extract e, List<Path> parts) {
    String[] paths = parts.stream().map(p -> p.toUri().toString()).toArray(String[]::new);
    Dataset<Row> df = spark.read().parquet(paths);
    String rel0 = inputDir.relativize(parts.get(0)).toString();
    mapColumns(e, List.of(df.schema().fieldNames()), rel0, "schema");
    Set<String> allowed = Set.of("string", "date", "int", "bigint", "double", "smallint", "float");
    List<Column> cols = new ArrayList<>();
    for (String c : e.columns()) {
      StructField f = df.schema().apply(actualName(df.schema(), c));
      DataType t = f.dataType();
      if (!allowed.contains(t.simpleString())) {
        throw StratException.input(
            "Cannot read " + rel0 + ": column " + c + " has type " + t.simpleString()
                + " (expected string, or date/int/double)");
      }
      Column v = nullif(col(f.name()).cast(DataTypes.StringType), lit(""));
      cols.add(v.as(c));
    }
    Path parent = inputDir.relativize(parts.get(0)).getParent();
    // file_name, not a split of file_path: splitting the path costs more than reading the row.
    Column fileName = col("_metadata.file_name");
    Column source = parent == null ? fileName : concat(lit(parent + "/"), fileName);
    cols.add(source.as(SOURCE_FILE));
    cols.add(col("_metadata.row_index").plus(1).cast(DataTypes.LongType).as(LINE));
    // Null here: rebuilt from the fields by rawText() only for rejected rows, after the duplicate
    // shuffle, so accepted Parquet rows never carry their text through it.
    cols.add(lit(null).cast(DataTypes.StringType).as(RAW));
    cols.add(lit(null).cast(DataTypes.StringType).as(STRUCTURE_ERROR));
    return df.select(cols.toArray(new Column[0]));
  }

  private static String actualName(StructType schema, String c) {
    for (String n : schema.fieldNames()) {
      if (n.toLowerCase(Locale.ROOT).equals(c)) {
        return n;
      }
    }
    return c;
  }

  /**
   * The row's raw text: {@link #RAW} when the reader kept it (CSV), else the contract columns
   * joined as a CSV line (Parquet). Apply to a Dataset with {@link #rawSchemaWithMeta} columns.
   */
  public static Column rawText(Extract e) {
    Column[] parts = e.columns().stream().map(c -> csvQuote(col(c))).toArray(Column[]::new);
    return org.apache.spark.sql.functions.coalesce(col(RAW), concat_ws(",", parts));
  }

  private static Column csvQuote(Column v) {
    return when(v.isNull(), lit(""))
        .when(
            v.rlike("[,\"\\r\\n]"),
            concat(lit("\""), regexp_replace(v, "\"", "\"\""), lit("\"")))
        .otherwise(v);
  }

  // ---- files ----

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw StratException.input("Cannot read input folder " + dir + ": " + IoErrors.cannotRead(e));
    }
  }

  private static List<Path> partFiles(Path dir) {
    List<Path> parts = new ArrayList<>();
    for (Path p : list(dir)) {
      String n = p.getFileName().toString();
      if (n.startsWith(".") || n.startsWith("_") || Files.isDirectory(p)) {
        continue;
      }
      parts.add(p);
    }
    String rel = dir.getFileName().toString();
    long csv = parts.stream().filter(p -> isCsvName(p.toString())).count();
    long pq = parts.stream().filter(p -> p.toString().endsWith(".parquet")).count();
    if (csv > 0 && pq > 0) {
      throw StratException.input("Cannot read " + rel + "/: mixes .csv and .parquet part files");
    }
    List<Path> kept = parts.stream().filter(p -> csv > 0 ? isCsvName(p.toString())
        : p.toString().endsWith(".parquet")).toList();
    if (kept.isEmpty()) {
      throw StratException.input("Cannot read " + rel + "/: no .csv, .csv.gz or .parquet part files");
    }
    return kept;
  }

  private static String stripExtension(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }
}
