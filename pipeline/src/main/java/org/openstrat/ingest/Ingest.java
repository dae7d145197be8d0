package org.openstrat.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
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
    for (Path p : ExtractFiles.list(inputDir)) {
      String name = p.getFileName().toString();
      if (name.equals(PROPERTIES_FILE) || name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      // A folder may be NAME/ or, as Spark writes it, NAME.parquet/ or NAME.csv/.
      String base = ExtractFiles.stripExtension(name);
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
      List<Path> parts = Files.isDirectory(p) ? ExtractFiles.partFiles(p) : List.of(p);
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
      raw.put(e, csv ? CsvExtracts.read(spark, inputDir, e, parts) : ParquetExtracts.read(spark, inputDir, e, parts));
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

  /** True for a CSV extract's file name: {@code .csv}, or {@code .csv.gz} (gzipped CSV). */
  public static boolean isCsvName(String name) {
    return name.endsWith(".csv") || name.endsWith(CsvExtracts.CSV_GZ);
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


}
