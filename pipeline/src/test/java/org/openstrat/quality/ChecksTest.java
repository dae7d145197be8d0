package org.openstrat.quality;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.openstrat.testing.SparkTestBase;
import org.openstrat.util.CheckDigits;

/** The column-expression checks agree with the reference implementations and published tables. */
class ChecksTest extends SparkTestBase {

  private static Dataset<Row> strings(List<String> values) {
    return spark().createDataset(values, Encoders.STRING()).toDF("v");
  }

  @Test
  void nhsNumberAgreesWithTheDataDictionaryExamplesAndTheReferenceCode() throws IOException {
    List<String> lines =
        Files.readAllLines(repoRoot().resolve("rules/reference/nhs-number-examples.csv"));
    List<String> values = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", 3);
      values.add(f[0]);
      expected.add(f[1].equals("Y"));
    }
    Random rnd = new Random(3);
    for (int i = 0; i < 300; i++) {
      values.add(String.format("%010d", (long) (rnd.nextDouble() * 1e10)));
    }
    values.addAll(List.of("0000000000", "1111111111", "943476591", "94347659190", "943476591X"));
    List<Row> got =
        strings(values).select(col("v"), Checks.nhsNumberValid(col("v")).as("ok")).collectAsList();
    for (int i = 0; i < got.size(); i++) {
      String v = got.get(i).getString(0);
      boolean ok = got.get(i).getBoolean(1);
      assertThat(ok).as(v).isEqualTo(CheckDigits.nhsNumberValid(v));
      if (i < expected.size()) {
        assertThat(ok).as("reference table " + v).isEqualTo(expected.get(i));
      }
    }
    assertThat(got.stream().filter(r -> r.getBoolean(1)).count()).isPositive();
  }

  @Test
  void snomedAgreesWithTheReferenceVerhoeff() {
    List<String> values = new ArrayList<>(List.of("73211009", "38341003", "73211008", "012345",
        "12345", "1234567890123456789", "195967001", "999000011000000103"));
    Random rnd = new Random(5);
    for (int i = 0; i < 400; i++) {
      String body = Long.toString(100000L + (long) (rnd.nextDouble() * 1e12));
      String part = rnd.nextBoolean() ? "00" : "10";
      // half with the right check digit, half with a random one
      String s = body + part;
      values.add(s + (i % 2 == 0 ? CheckDigits.verhoeffCheckDigit(s) : rnd.nextInt(10)));
    }
    List<Row> got =
        strings(values).select(col("v"), Checks.snomedConceptIdValid(col("v"))).collectAsList();
    long valid = 0;
    for (Row r : got) {
      assertThat(r.getBoolean(1)).as(r.getString(0))
          .isEqualTo(CheckDigits.snomedConceptIdValid(r.getString(0)));
      valid += r.getBoolean(1) ? 1 : 0;
    }
    assertThat(valid).isGreaterThan(150);
  }

  @Test
  void icd10FormsFromSusNormalise() {
    List<String> in = List.of("I10", "I10X", "I10-", "S06.2", "S062", "R69X6", "F00.0", "e11.9",
        " j44 ", "I1", "XX9", "I10ABC", "A0",
        // Only a-z is upper-cased: a long s is not taken for an S (Unicode case mapping would).
        "\u017f12");
    List<Row> got =
        strings(in)
            .select(Checks.normaliseIcd10(col("v")).as("n"))
            .select(col("n"), Checks.icd10Valid(col("n")))
            .collectAsList();
    List<String> out = new ArrayList<>();
    for (Row r : got) {
      out.add(r.getString(0) + (r.getBoolean(1) ? "" : "!"));
    }
    assertThat(out).containsExactly("I10", "I10", "I10", "S062", "S062", "R69", "F000", "E119",
        "J44", "I1!", "XX9!", "I10A!", "A0!", "\u017f12!");
  }

  @Test
  void icd10ListsAreValidWhenEveryItemNormalisesToACode() {
    List<String> in = List.of("I10", "I10;E11.9", "i10; e11.9 ;", ";;", "", "I10;I1", "I1;I10",
        "R69X6;S06.2", "I10ABC;I10", "I10X;J44-", "I10;XX9", "A0", "I10 X", "I10;;J44",
        "F00.0;R69X;I10-;A01.234", "I10;E11.9;J4", "Z99.ZZ", "I10.-X", "I10.9X;A");
    List<Row> got = strings(in)
        .select(col("v"), Checks.icd10ListValid(col("v")),
            // the item-by-item definition: each non-empty item, normalised, is a valid code
            org.apache.spark.sql.functions.exists(Checks.normaliseIcd10List(col("v")),
                x -> Checks.icd10Valid(x).unary_$bang()).unary_$bang())
        .collectAsList();
    List<String> invalid = new ArrayList<>();
    for (Row r : got) {
      assertThat(r.getBoolean(1)).as("'" + r.getString(0) + "'").isEqualTo(r.getBoolean(2));
      if (!r.getBoolean(1)) {
        invalid.add(r.getString(0));
      }
    }
    assertThat(invalid).containsExactly("I10;I1", "I1;I10", "I10ABC;I10", "I10;XX9", "A0",
        "I10;E11.9;J4", "Z99.ZZ", "I10.9X;A");

    // The list normalises item by item as normaliseIcd10 does, empty items dropped.
    List<Row> lists = strings(in)
        .select(col("v"), Checks.normaliseIcd10List(col("v")).as("n"),
            org.apache.spark.sql.functions.filter(
                org.apache.spark.sql.functions.transform(
                    org.apache.spark.sql.functions.split(col("v"), ";"), Checks::normaliseIcd10),
                x -> x.notEqual(org.apache.spark.sql.functions.lit(""))).as("ref"))
        .collectAsList();
    for (Row r : lists) {
      assertThat(r.getList(1)).as("'" + r.getString(0) + "'").isEqualTo(r.getList(2));
    }
    assertThat(lists.get(7).getList(1)).containsExactly("R69", "S062");
    assertThat(lists.get(14).getList(1)).containsExactly("F000", "R69", "I10", "A012");
  }

  @Test
  void datesParseOnlyInTheIsoShape() {
    List<String> values = List.of("2023-01-31", "1900-01-01", "2024-02-29", "2023-02-29",
        "2023-02-30", "2023-13-01", "2023-1-01", "2023-01-1 ", " 2023-01-1", "+023-01-01",
        "2023-01-0a", "2023/01/01", "20230101", "2023-01-01T00:00", "", "0000-00-00",
        // ten characters in eleven bytes; ten bytes in nine characters; non-ASCII digits
        "2023-01-0\u00e9", "2023-01-\u00e9", "2023-01-\u0661\u0662");
    List<Row> got = strings(values)
        .select(col("v"), Checks.parseDate(col("v")).cast("string").as("d")).collectAsList();
    java.util.Map<String, String> parsed = new java.util.HashMap<>();
    got.forEach(r -> parsed.put(r.getString(0), r.getString(1)));
    assertThat(parsed).containsEntry("2023-01-31", "2023-01-31")
        .containsEntry("1900-01-01", "1900-01-01")
        .containsEntry("2024-02-29", "2024-02-29");
    for (String bad : values.subList(3, values.size())) {
      assertThat(parsed.get(bad)).as("'" + bad + "'").isNull();
    }
  }
}
