package org.openstrat.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.openstrat.testing.SparkTestBase;

/** The rule files against the published tables copied to rules/reference (see its README). */
class ReferenceCrossCheckTest {
  static final Path RULES = SparkTestBase.repoRoot().resolve("rules");
  static final Path REF = RULES.resolve("reference");

  private static List<CSVRecord> reference(String file) {
    try (Reader r = Files.newBufferedReader(REF.resolve(file))) {
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
    } catch (IOException e) {
      throw new AssertionError("cannot read reference " + file, e);
    }
  }

  @Test
  void hfrsPointsEqualTheReferenceForAll109Groups() {
    Map<String, Double> ref = new HashMap<>();
    for (CSVRecord r : reference("hfrs-icd10.csv")) {
      ref.put(r.get("icd10_3char"), Double.parseDouble(r.get("points")));
    }
    assertThat(ref).hasSize(109);
    assertThat(RuleSet.load(RULES).hfrs().points()).isEqualTo(ref);
  }

  @Test
  void cmsGeneralWeightsMatchTheReference() {
    Map<String, Double> ref = new HashMap<>();
    for (CSVRecord r : reference("cms-weights.csv")) {
      ref.put(r.get("cprd_cam_code"), Double.parseDouble(r.get("weight_general_outcome_20cond")));
    }
    Pattern cam = Pattern.compile("CPRD@Cambridge code ([A-Z/]+)");
    Map<String, Double> ours = new HashMap<>();
    for (RuleTable.Row r : RuleTable.read(RULES, RuleSchema.LTC_CONDITIONS.path()).rows()) {
      Matcher m = cam.matcher(r.get("source"));
      assertThat(m.find()).as(r.get("condition_key") + " names its CPRD@Cambridge code").isTrue();
      ours.put(m.group(1), Double.parseDouble(r.get("cms_weight")));
    }
    assertThat(ours).hasSize(20).isEqualTo(ref);
  }

  @Test
  void efiDeficitsAreTheReference36InOrder() {
    List<String> ref = new ArrayList<>();
    reference("efi-deficits.csv").forEach(r -> ref.add(r.get("deficit_key")));
    List<String> ours =
        RuleSet.load(RULES).efi().deficits().stream().map(EfiDeficit::key).toList();
    assertThat(ours).isEqualTo(ref);
  }

  @Test
  void cleanedEfiCodesAreASubsetOfTheReferenceAndEveryRemovalIsRecorded() throws IOException {
    Set<String> ref = new HashSet<>();
    for (CSVRecord r : reference("efi-codes.csv")) {
      if (r.get("code_system").equals("SNOMED_CT")) {
        ref.add(r.get("deficit") + "|" + r.get("code"));
      }
    }
    assertThat(ref).hasSize(2089);
    Set<String> ours = new HashSet<>();
    for (RuleTable.Row r : RuleTable.read(RULES, RuleSchema.EFI_SNOMED.path()).rows()) {
      ours.add(r.get("deficit_key") + "|" + r.get("snomed_code"));
    }
    assertThat(ref).containsAll(ours); // no additions
    Set<String> removed = new HashSet<>(ref);
    removed.removeAll(ours);
    // every removed (deficit, code) pair has a row in CHANGES.md
    String changes = Files.readString(RULES.resolve("efi/CHANGES.md"));
    Set<String> recorded = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^\\| ([a-z-]+) \\| ([0-9]{6,18}) \\|").matcher(changes);
    while (m.find()) {
      recorded.add(m.group(1) + "|" + m.group(2));
    }
    assertThat(recorded).isEqualTo(removed);
    assertThat(removed).hasSizeGreaterThan(15);
  }
}
