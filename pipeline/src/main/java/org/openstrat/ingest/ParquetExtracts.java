package org.openstrat.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nullif;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.StratException;

/** Parquet extracts: columns matched by name, any case, and read as the contract's text. */
final class ParquetExtracts {
  private ParquetExtracts() {}

  /** A Parquet extract's files, columns matched by name (any case) and read as the contract's text. */
  static Dataset<Row> read(
      SparkSession spark, Path inputDir, Extract e, List<Path> parts) {
    String[] paths = parts.stream().map(p -> p.toUri().toString()).toArray(String[]::new);
    Dataset<Row> df = spark.read().parquet(paths);
    String rel0 = inputDir.relativize(parts.get(0)).toString();
    ExtractHeader.map(e, List.of(df.schema().fieldNames()), rel0, "schema");
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
    cols.add(source.as(Ingest.SOURCE_FILE));
    cols.add(col("_metadata.row_index").plus(1).cast(DataTypes.LongType).as(Ingest.LINE));
    // Null here: rebuilt from the fields by rawText() only for rejected rows, after the duplicate
    // shuffle, so accepted Parquet rows never carry their text through it.
    cols.add(lit(null).cast(DataTypes.StringType).as(Ingest.RAW));
    cols.add(lit(null).cast(DataTypes.StringType).as(Ingest.STRUCTURE_ERROR));
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
}
