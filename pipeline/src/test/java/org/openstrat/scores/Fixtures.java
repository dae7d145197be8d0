package org.openstrat.scores;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.openstrat.ingest.Extract;
import org.openstrat.testing.SparkTestBase;

/** Tiny hand-made tables for the features and scores tests. */
public final class Fixtures {
  private Fixtures() {}

  /** The as-of date every fixture is written against. */
  public static final LocalDate AS_OF = LocalDate.of(2026, 3, 31);

  /** Population shape (docs/architecture.md, "Population"). */
  public static final StructType POPULATION =
      new StructType()
          .add("nhs_number", DataTypes.StringType)
          .add("date_of_birth", DataTypes.DateType)
          .add("age", DataTypes.IntegerType)
          .add("sex", DataTypes.StringType)
          .add("practice_code", DataTypes.StringType)
          .add("practice_name", DataTypes.StringType)
          .add("pcn_code", DataTypes.StringType)
          .add("pcn_name", DataTypes.StringType)
          .add("icc_code", DataTypes.StringType)
          .add("icc_name", DataTypes.StringType)
          .add("icp_code", DataTypes.StringType)
          .add("icp_name", DataTypes.StringType)
          .add("lsoa_code", DataTypes.StringType)
          .add("imd_decile", DataTypes.IntegerType)
          .add("national_opt_out", DataTypes.BooleanType);

  public static Date d(String iso) {
    return Date.valueOf(iso);
  }

  /** {@code AS_OF} plus a number of days (negative = before). */
  public static Date day(int offset) {
    return Date.valueOf(AS_OF.plusDays(offset));
  }

  /** A typed extract from rows in contract column order. */
  public static Dataset<Row> table(Extract e, Object[]... rows) {
    return table(e.typedSchema(), rows);
  }

  public static Dataset<Row> table(StructType schema, Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return SparkTestBase.spark().createDataFrame(list, schema);
  }

  public static Object[] row(Object... values) {
    return values;
  }

  /** A population patient: id, age, sex, imd decile; other columns filled with plain values. */
  public static Object[] patient(String id, int age, String sex, Integer imd) {
    return row(id, Date.valueOf(AS_OF.minusYears(age).minusDays(1)), age, sex, "A00001",
        "Practice", "U00001", "PCN", "ICC1", "ICC", "ICP1", "ICP", "E01000001", imd, false);
  }

  public static Dataset<Row> population(Object[]... patients) {
    return table(POPULATION, patients);
  }

  /** Rows by nhs_number; fails on a duplicate patient. */
  public static Map<String, Row> byPatient(Dataset<Row> ds) {
    Map<String, Row> m = new TreeMap<>();
    for (Row r : ds.collectAsList()) {
      String id = r.getAs("nhs_number");
      assertThat(m.put(id, r)).as("duplicate row for patient %s", id).isNull();
    }
    return m;
  }

  /** One column's values by nhs_number (patients absent from the result are absent here). */
  public static Map<String, Object> column(Dataset<Row> ds, String column) {
    Map<String, Object> m = new TreeMap<>();
    byPatient(ds).forEach((id, r) -> {
      Object v = r.getAs(column);
      if (v instanceof scala.collection.Seq<?> s) {
        v = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(s));
      }
      m.put(id, v);
    });
    return m;
  }

  public static List<String> list(String... s) {
    return Arrays.asList(s);
  }
}
