package org.openstrat.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openstrat.testing.SparkTestBase;

class CheckDigitsTest {

  @Test
  void nhsNumbersFromTheDataDictionary() {
    assertThat(CheckDigits.nhsNumberValid("9434765919")).isTrue();
    assertThat(CheckDigits.nhsNumberValid("9434765918")).isFalse();
    assertThat(CheckDigits.nhsNumberValid("0000000000")).isFalse();
    assertThat(CheckDigits.nhsNumberValid("943476591")).isFalse();
    assertThat(CheckDigits.nhsNumberValid("943476591X")).isFalse();
    assertThat(CheckDigits.nhsNumberValid(null)).isFalse();
  }

  @Test
  void everyExampleInTheReferenceTable() throws IOException {
    Path table = SparkTestBase.repoRoot().resolve("rules/reference/nhs-number-examples.csv");
    List<String> lines = Files.readAllLines(table);
    assertThat(lines).hasSizeGreaterThan(5);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", 3);
      assertThat(CheckDigits.nhsNumberValid(f[0])).as(line).isEqualTo(f[1].equals("Y"));
    }
  }

  @Test
  void verhoeffOnKnownSnomedIds() {
    // 38341003 hypertensive disorder, 73211009 diabetes mellitus, 22298006 myocardial infarction
    assertThat(CheckDigits.snomedConceptIdValid("38341003")).isTrue();
    assertThat(CheckDigits.snomedConceptIdValid("73211009")).isTrue();
    assertThat(CheckDigits.snomedConceptIdValid("22298006")).isTrue();
    assertThat(CheckDigits.snomedConceptIdValid("38341004")).isFalse();
    assertThat(CheckDigits.snomedConceptIdValid("012345")).isFalse();
    assertThat(CheckDigits.verhoeffCheckDigit("3834100")).isEqualTo(3);
    assertThat(CheckDigits.verhoeffValid("2363")).isTrue(); // textbook example 236 -> 3
  }
}
