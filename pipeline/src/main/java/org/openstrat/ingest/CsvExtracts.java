package org.openstrat.ingest;

import static org.apache.spark.sql.functions.when;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.openstrat.core.StratException;
import org.openstrat.util.CsvText;
import org.openstrat.util.IoErrors;

/**
 * CSV extracts: the header checked by name, the files parsed on the executors by
 * {@link CsvRecordParser} into the raw shape ({@link Ingest#rawSchemaWithMeta}), gzip read as it goes.
 */
final class CsvExtracts {
  private CsvExtracts() {}

  /** A CSV extract's part files, parsed on the executors (one task per file), header checked first. */
  static Dataset<Row> read(
      SparkSession spark, Path inputDir, Extract e, List<Path> parts) {
    List<String> specs = new ArrayList<>();
    for (Path part : parts) {
      String rel = inputDir.relativize(part).toString();
      int[] mapping = checkHeader(e, part, rel);
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
    return spark.createDataFrame(rows, Ingest.rawSchemaWithMeta(e));
  }

  /**
   * Checks a CSV header by name and returns, for each contract column, its position in the file.
   * First, that the file is text at all ({@link Sniff}): a gzip, zip, Office, Parquet, UTF-16 or
   * binary file named {@code .csv} is exit 4 saying what it looks like.
   */
  static int[] checkHeader(Extract e, Path part, String rel) {
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
    return ExtractHeader.map(e, CsvRecordParser.splitHeader(header.text()), rel, "header");
  }

  static final String CSV_GZ = ".csv.gz";

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

  /** The first {@code n} values joined as {@link Ingest#rawText} joins them (null as empty). */
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
}
