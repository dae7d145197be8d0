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

  /** (deficit|code) of the reference's SNOMED CT rows. */
  private static Set<String> referenceEfiSnomed() {
    Set<String> ref = new HashSet<>();
    for (CSVRecord r : reference("efi-codes.csv")) {
      if (r.get("code_system").equals("SNOMED_CT")) {
        ref.add(r.get("deficit") + "|" + r.get("code"));
      }
    }
    return ref;
  }

  /** (deficit|code) of efi/efi-snomed.csv. */
  private static Set<String> efiSnomed() {
    Set<String> ours = new HashSet<>();
    for (RuleTable.Row r : RuleTable.read(RULES, RuleSchema.EFI_SNOMED.path()).rows()) {
      assertThat(ours.add(r.get("deficit_key") + "|" + r.get("snomed_code"))).isTrue();
    }
    return ours;
  }

  /** The table rows (cells, trimmed) of the section of efi/CHANGES.md whose heading starts so. */
  private static List<List<String>> changesTable(String heading) throws IOException {
    String changes = Files.readString(RULES.resolve("efi/CHANGES.md"));
    int at = changes.indexOf("\n## " + heading);
    assertThat(at).as("efi/CHANGES.md has a section '## " + heading + "'").isNotNegative();
    int next = changes.indexOf("\n## ", at + 1);
    String section = changes.substring(at, next < 0 ? changes.length() : next);
    List<List<String>> rows = new ArrayList<>();
    for (String line : section.split("\n")) {
      if (line.startsWith("| ") && !line.startsWith("| Deficit ")) {
        List<String> cells = new ArrayList<>();
        for (String c : line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1)) {
          cells.add(c.trim());
        }
        rows.add(cells);
      }
    }
    return rows;
  }

  /**
   * The eFI is defined by its original Read v2/CTV3 lists, so efi-snomed.csv is the reference's
   * SNOMED CT rows less recorded mapping errors: no row added, none dropped silently.
   */
  @Test
  void efiSnomedIsTheReferenceLessTheRecordedMappingErrors() throws IOException {
    Set<String> ref = referenceEfiSnomed();
    assertThat(ref).hasSize(2089);
    Set<String> ours = efiSnomed();
    assertThat(ref).containsAll(ours); // every row is a reference row of the same deficit
    Set<String> removed = new HashSet<>(ref);
    removed.removeAll(ours);
    Set<String> recorded = new HashSet<>();
    for (List<String> row : changesTable("Removed")) {
      assertThat(recorded.add(row.get(0) + "|" + row.get(1))).as("listed once: " + row).isTrue();
    }
    assertThat(recorded).isEqualTo(removed); // every other reference row is a recorded removal
    assertThat(removed).hasSize(33);
    assertThat(ours).hasSize(2089 - 33);
  }

  /** Each recorded removal names original codes of its deficit, as they are in the reference. */
  @Test
  void everyRemovalNamesTheOriginalCodeItFailsToMatch() throws IOException {
    Map<String, String> original = new HashMap<>(); // deficit|system code -> term
    for (CSVRecord r : reference("efi-codes.csv")) {
      String system = switch (r.get("code_system")) {
        case "Read_v2" -> "Read v2";
        case "CTV3" -> "CTV3";
        default -> null;
      };
      if (system != null) {
        original.put(r.get("deficit") + "|" + system + " " + r.get("code"), r.get("term"));
      }
    }
    Pattern code = Pattern.compile("(Read v2|CTV3) (\\S{5}) ");
    for (List<String> row : changesTable("Removed")) {
      assertThat(row).as(row.toString()).hasSize(5);
      Matcher m = code.matcher(row.get(3));
      int named = 0;
      while (m.find()) {
        String key = row.get(0) + "|" + m.group(1) + " " + m.group(2);
        assertThat(original).as(row.get(1) + " names " + key).containsKey(key);
        assertThat(row.get(3)).contains(m.group(1) + " " + m.group(2) + " " + original.get(key).replace("|", "\\|"));
        named++;
      }
      assertThat(named).as(row.get(0) + " " + row.get(1) + " names an original code").isPositive();
      assertThat(row.get(4)).as("reason for " + row.get(1)).isNotBlank();
    }
    // the restored rows are in the list, under the deficit named
    Set<String> ours = efiSnomed();
    List<List<String>> restored = changesTable("Restored");
    assertThat(restored).hasSize(90);
    for (List<String> row : restored) {
      assertThat(ours).contains(row.get(0) + "|" + row.get(1));
    }
  }

  /** The per-deficit counts in efi/CHANGES.md are those of the reference, the removals and the file. */
  @Test
  void changesCountsMatchTheReferenceAndTheFile() throws IOException {
    Map<String, Integer> ref = new HashMap<>();
    referenceEfiSnomed().forEach(k -> ref.merge(k.split("\\|")[0], 1, Integer::sum));
    Map<String, Integer> ours = new HashMap<>();
    efiSnomed().forEach(k -> ours.merge(k.split("\\|")[0], 1, Integer::sum));
    Map<String, Integer> removed = new HashMap<>();
    changesTable("Removed").forEach(r -> removed.merge(r.get(0), 1, Integer::sum));
    int deficits = 0;
    for (List<String> r : changesTable("Counts per deficit")) {
      if (r.get(0).startsWith("**")) {
        continue;
      }
      String d = r.get(0);
      assertThat(Integer.parseInt(r.get(1))).as(d + " reference").isEqualTo(ref.get(d));
      assertThat(Integer.parseInt(r.get(4))).as(d + " removed").isEqualTo(removed.getOrDefault(d, 0));
      assertThat(Integer.parseInt(r.get(5))).as(d + " now").isEqualTo(ours.get(d));
      deficits++;
    }
    assertThat(deficits).isEqualTo(35);
  }

  /**
   * Faithful maps of original codes stay even where they look odd (the issue's examples): the
   * original housebound list counts home visits; the original fragility-fracture list has Read v2
   * S3... Fracture of lower limb. A true mapping error stays out: Osteoporosis (disorder) is not
   * the original "osteoporosis with pathological fracture" codes of fragility fracture.
   */
  @Test
  void faithfulMapsNamedInTheIssueAreOnTheirDeficits() {
    RuleSet rules = RuleSet.load(RULES);
    Set<String> housebound = rules.efi().deficit("housebound").orElseThrow().snomedCodes();
    assertThat(housebound).contains("185213002", "439708006", "183737004");
    Set<String> fracture = rules.efi().deficit("fragility-fracture").orElseThrow().snomedCodes();
    assertThat(fracture).contains("46866001").doesNotContain("64859006");
    assertThat(rules.efi().deficitsByCode().get("64859006")).containsExactly("osteoporosis");
  }
}
