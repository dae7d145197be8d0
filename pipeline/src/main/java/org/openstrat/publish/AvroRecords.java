package org.openstrat.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.spark.sql.Row;

/**
 * The published Avro records (docs/cohort-record.avsc) and Parquet files written with
 * parquet-avro from the driver: no Spark part-file UUIDs, no timestamps, fixed row order, so a
 * rerun writes byte-identical files, and consumers read them with AvroParquetReader.
 */
public final class AvroRecords {
  /** The cohort row: the same text as docs/cohort-record.avsc (a test keeps them equal). */
  public static final Schema COHORT = load("cohort-record.avsc");
  /** A leaver row. */
  public static final Schema LEAVER = load("cohort-leaver.avsc");
  /** An admission-register row: the same text as docs/register-record.avsc. */
  public static final Schema REGISTER = load("register-record.avsc");

  private AvroRecords() {}

  private static Schema load(String name) {
    try (InputStream in = AvroRecords.class.getResourceAsStream(name)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Converts a Spark row to the record: dates to epoch days, {@code as_of} from the run. */
  public static GenericRecord toRecord(Row r, Schema schema, LocalDate asOf) {
    GenericRecord g = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Object v = f.name().equals("as_of") ? (Object) asOf : r.getAs(f.name());
      if (v instanceof java.sql.Date d) {
        v = (int) d.toLocalDate().toEpochDay();
      } else if (v instanceof LocalDate d) {
        v = (int) d.toEpochDay();
      }
      g.put(f.name(), v);
    }
    return g;
  }

  /** A snappy Parquet writer on a local file (no Hadoop checksum files). */
  public static ParquetWriter<GenericRecord> writer(Path file, Schema schema) throws IOException {
    Files.createDirectories(file.getParent());
    return AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
        .withSchema(schema)
        .withConf(new Configuration(false))
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build();
  }

  /** Reads a Parquet file back with parquet-avro (no Spark). */
  public static ParquetReader<GenericRecord> reader(Path file) throws IOException {
    return AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
        .withConf(new Configuration(false))
        .build();
  }
}
