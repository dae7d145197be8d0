package org.openstrat.generate;

import org.openstrat.util.CsvText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/** Writes one extract file: CSV (RFC 4180) or Parquet (every column an optional UTF-8 string). */
interface ExtractWriter extends AutoCloseable {
  void write(String[] fields) throws IOException;

  /** A physical line as is (CSV structural defects). */
  void writeRaw(String line) throws IOException;

  long bytes() throws IOException;

  @Override
  void close() throws IOException;

  static ExtractWriter open(Path file, List<String> columns, boolean csv) throws IOException {
    return csv ? new Csv(file, columns) : new Parquet(file, columns);
  }

  /** Hand-written CSV: header, {@code \n} line ends, quotes only where a field needs them. */
  final class Csv implements ExtractWriter {
    private final Path file;
    private final BufferedWriter out;

    Csv(Path file, List<String> columns) throws IOException {
      this.file = file;
      this.out =
          new BufferedWriter(
              new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 20);
      writeRaw(String.join(",", columns));
    }

    @Override
    public void write(String[] fields) throws IOException {
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) {
          out.write(',');
        }
        String f = fields[i];
        out.write(CsvText.quote(f));
      }
      out.write('\n');
    }

    @Override
    public void writeRaw(String line) throws IOException {
      out.write(line);
      out.write('\n');
    }

    @Override
    public long bytes() throws IOException {
      return Files.size(file);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /**
   * Parquet through a minimal WriteSupport over String[] (no Avro records in between: faster and
   * the files carry no writer-specific metadata, so they are byte-identical run to run). An empty
   * field is written as null, as the contract reads an empty CSV field.
   */
  final class Parquet implements ExtractWriter {
    private static final java.util.Set<String> HIGH_CARDINALITY =
        java.util.Set.of("nhs_number", "spell_id", "attendance_id", "appointment_id", "uprn");
    /** Rows per row group at most: the unit of a Parquet scan's parallelism. */
    static final int ROWS_PER_GROUP = 500_000;

    private final Path file;
    private final ParquetWriter<String[]> writer;

    Parquet(Path file, List<String> columns) throws IOException {
      this.file = file;
      Types.MessageTypeBuilder b = Types.buildMessage();
      for (String c : columns) {
        b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
      }
      MessageType schema = b.named("extract");
      Files.deleteIfExists(file);
      Builder builder =
          new Builder(new LocalOutputFile(file), schema)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withDictionaryEncoding(true)
              .withRowGroupSize(16L * 1024 * 1024)
              // Spark reads a row group in one task: the 100k system's gp_events came in two
              // groups of 3.55M and 0.72M rows (the size limit counts encoded bytes), so every
              // scan of it was one long task and one short on two cores.
              .withRowGroupRowCountLimit(ROWS_PER_GROUP)
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              .withConf(new Configuration(false));
      // Identifiers are (nearly) unique: a dictionary only costs lookups before it falls back.
      for (String c : columns) {
        if (HIGH_CARDINALITY.contains(c)) {
          builder = builder.withDictionaryEncoding(c, false);
        }
      }
      this.writer = builder.build();
    }

    @Override
    public void write(String[] fields) throws IOException {
      writer.write(fields);
    }

    @Override
    public void writeRaw(String line) {
      throw new UnsupportedOperationException("raw lines are CSV only");
    }

    @Override
    public long bytes() throws IOException {
      return Files.size(file);
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }

    private static final class Builder extends ParquetWriter.Builder<String[], Builder> {
      private final MessageType schema;

      Builder(OutputFile out, MessageType schema) {
        super(out);
        this.schema = schema;
      }

      @Override
      protected Builder self() {
        return this;
      }

      @Override
      protected WriteSupport<String[]> getWriteSupport(Configuration conf) {
        return new StringsWriteSupport(schema);
      }
    }

    private static final class StringsWriteSupport extends WriteSupport<String[]> {
      private final MessageType schema;
      private final String[] names;
      private RecordConsumer consumer;

      StringsWriteSupport(MessageType schema) {
        this.schema = schema;
        this.names = schema.getFields().stream().map(Type::getName).toArray(String[]::new);
      }

      @Override
      public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, new HashMap<>());
      }

      @Override
      public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
      }

      @Override
      public void write(String[] record) {
        consumer.startMessage();
        for (int i = 0; i < record.length; i++) {
          String v = record[i];
          if (v != null && !v.isEmpty()) {
            consumer.startField(names[i], i);
            // Byte-array backed: far cheaper to hash and compare in the dictionary than fromString.
            consumer.addBinary(Binary.fromConstantByteArray(v.getBytes(StandardCharsets.UTF_8)));
            consumer.endField(names[i], i);
          }
        }
        consumer.endMessage();
      }
    }
  }
}
