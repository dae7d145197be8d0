package org.openstrat.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openstrat.testing.SparkTestBase;
import org.openstrat.util.CheckDigits;

/** Walks every rule file under rules/ and checks it against its schema and the published facts. */
class RuleFilesTest {
  static final Path RULES = SparkTestBase.repoRoot().resolve("rules");

  private static RuleTable table(RuleSchema s) {
    return RuleTable.read(RULES, s.path());
  }

  @Test
  void everyCsvUnderRulesHasASchemaAndPassesIt() {
    Map<String, RuleSchema> schemas = RuleSchema.byPath();
    List<String> files = RulesLock.ruleFiles(RULES);
    assertThat(files).containsExactlyInAnyOrderElementsOf(schemas.keySet());
    for (String f : files) {
      RuleTable t = RuleTable.read(RULES, f);
      schemas.get(f).validate(t); // header block, columns, types, unique keys
      for (String h : RuleSchema.REQUIRED_HEADER) {
        assertThat(t.headerValue(h)).as(f + " # " + h).isNotBlank();
      }
      assertThat(t.headerValue("schema_version")).as(f).isEqualTo("1");
      assertThat(t.headerValue("source")).as(f + " cites a DOI or URL").containsPattern("doi|https?://|github\\.com");
      assertThat(t.rows()).as(f + " has rows").isNotEmpty();
    }
  }

  @Test
  void lockFileMatchesEveryFile() {
    RulesLock.verify(RULES);
    assertThat(RulesLock.render(RULES))
        .isEqualTo(readString(RULES.resolve(RulesLock.FILE)));
  }

  @Test
  void everySnomedCodePassesVerhoeffAndEveryIcd10GroupIsWellFormed() {
    int snomed = 0;
    for (RuleSchema s : List.of(RuleSchema.EFI_SNOMED, RuleSchema.EFI_VALUES, RuleSchema.LTC_SNOMED)) {
      for (RuleTable.Row r : table(s).rows()) {
        assertThat(CheckDigits.snomedConceptIdValid(r.get("snomed_code")))
            .as(s.path() + " line " + r.line())
            .isTrue();
        snomed++;
      }
    }
    for (RuleTable.Row r : table(RuleSchema.MEDICINES).rows()) {
      assertThat(CheckDigits.snomedConceptIdValid(r.get("dmd_code"))).as("dm+d " + r.line()).isTrue();
      assertThat(r.get("bnf_code")).matches("[0-9]{7}[0-9A-Z]{8}");
    }
    assertThat(snomed).isGreaterThan(2000);
    for (RuleTable.Row r : table(RuleSchema.HFRS_ICD10).rows()) {
      assertThat(r.get("icd10_3char")).matches("[A-Z][0-9][0-9A-Z]");
    }
  }

  @Test
  void countsMatchThePublishedScores() {
    assertThat(table(RuleSchema.EFI_DEFICITS).rows()).hasSize(36);
    RuleTable h = table(RuleSchema.HFRS_ICD10);
    assertThat(h.rows()).hasSize(109);
    double total = h.rows().stream().mapToDouble(r -> Double.parseDouble(r.get("points"))).sum();
    assertThat(Math.round(total * 10) / 10.0).isEqualTo(173.2);
    assertThat(table(RuleSchema.LTC_CONDITIONS).rows()).hasSize(20);
  }

  @Test
  void everyCodeBasedDeficitAndConditionHasCodes() {
    Map<String, Long> efi =
        table(RuleSchema.EFI_SNOMED).rows().stream()
            .collect(Collectors.groupingBy(r -> r.get("deficit_key"), Collectors.counting()));
    for (RuleTable.Row d : table(RuleSchema.EFI_DEFICITS).rows()) {
      String key = d.get("deficit_key");
      if (key.equals(EfiRules.POLYPHARMACY)) {
        assertThat(efi).doesNotContainKey(key);
      } else {
        assertThat(efi.get(key)).as(key).isNotNull().isPositive();
      }
    }
    Map<String, Long> ltc =
        table(RuleSchema.LTC_SNOMED).rows().stream()
            .collect(Collectors.groupingBy(r -> r.get("condition_key"), Collectors.counting()));
    for (RuleTable.Row c : table(RuleSchema.LTC_CONDITIONS).rows()) {
      if (!c.get("logic").equals("rx")) {
        assertThat(ltc.get(c.get("condition_key"))).as(c.get("condition_key")).isNotNull();
      }
    }
  }

  @Test
  void efiHeaderCountsMatchTheFile() {
    RuleTable t = table(RuleSchema.EFI_SNOMED);
    String line =
        t.header().get("changes").stream()
            .filter(c -> c.startsWith("rows per deficit"))
            .findFirst()
            .orElseThrow();
    Map<String, Long> actual =
        t.rows().stream().collect(Collectors.groupingBy(r -> r.get("deficit_key"), Collectors.counting()));
    Matcher m = Pattern.compile("([a-z-]+) (\\d+)->(\\d+)").matcher(line);
    Map<String, Long> stated = new HashMap<>();
    while (m.find()) {
      stated.put(m.group(1), Long.parseLong(m.group(3)));
    }
    assertThat(stated).hasSize(35).isEqualTo(actual);
  }

  @Test
  void readmeDescribesEveryFile() {
    String readme = readString(RULES.resolve("README.md"));
    for (RuleSchema s : RuleSchema.values()) {
      assertThat(readme).as("README mentions " + s.path()).contains(s.path());
      for (String col : s.columnNames()) {
        assertThat(readme).as("README names column " + col).contains(col);
      }
    }
  }

  @Test
  void everyMedicineConditionAndPrescriptionRuleIsCoherent() {
    RuleSet rs = RuleSet.load(RULES);
    for (LtcCondition c : rs.multimorbidity().conditions()) {
      for (String p : c.bnfPrefixes()) {
        assertThat(p).as(c.key()).matches("[0-9]{2}[0-9A-Z]*");
      }
    }
    // prescription-based conditions that have a medicine: its BNF code must match the rule
    for (Medicine m : rs.medicines()) {
      rs.multimorbidity()
          .condition(m.conditionKey())
          .filter(c -> !c.bnfPrefixes().isEmpty() && !c.logic().equals("code"))
          .ifPresent(c -> assertThat(c.bnfMatches(m.bnfCode())).as(m.name()).isTrue());
    }
  }

  static String readString(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
