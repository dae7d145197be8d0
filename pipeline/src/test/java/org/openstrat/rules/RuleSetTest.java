package org.openstrat.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.testing.SparkTestBase;

/** The loader on the committed rules/, and its refusals on a tampered copy. */
class RuleSetTest {
  static final Path RULES = SparkTestBase.repoRoot().resolve("rules");
  static RuleSet rules;

  @BeforeAll
  static void load() {
    rules = RuleSet.load(RULES);
  }

  @Test
  void loadsTheCommittedRules() {
    assertThat(rules.efi().count()).isEqualTo(36);
    assertThat(rules.hfrs().points()).hasSize(109);
    assertThat(rules.multimorbidity().conditions()).hasSize(20);
    assertThat(rules.hash()).matches("[0-9a-f]{64}");
    assertThat(rules.hash()).isEqualTo(RulesLock.sha256(RULES.resolve("rules.lock")));
    assertThat(rules.admissionModel().version()).isNotBlank();
  }

  @Test
  void polypharmacyIsTwelveMonthsWithoutCodesAndOthersAreEver() {
    EfiDeficit poly = rules.efi().deficit("polypharmacy").orElseThrow();
    assertThat(poly.lookbackMonths()).isEqualTo(12);
    assertThat(poly.snomedCodes()).isEmpty();
    assertThat(rules.efi().deficit("falls").orElseThrow().lookbackMonths()).isNull();
  }

  @Test
  void hfrsBandsPutFiveAndFifteenInIntermediate() {
    HfrsRules h = rules.hfrs();
    assertThat(h.lookbackYears()).isEqualTo(2);
    assertThat(h.band(4.9)).isEqualTo("low");
    assertThat(h.band(5.0)).isEqualTo("intermediate");
    assertThat(h.band(15.0)).isEqualTo("intermediate");
    assertThat(h.band(15.1)).isEqualTo("high");
  }

  @Test
  void efiCategoriesByDeficitCount() {
    assertThat(EfiRules.category(4)).isEqualTo("fit");
    assertThat(EfiRules.category(5)).isEqualTo("mild");
    assertThat(EfiRules.category(8)).isEqualTo("mild");
    assertThat(EfiRules.category(9)).isEqualTo("moderate");
    assertThat(EfiRules.category(12)).isEqualTo("moderate");
    assertThat(EfiRules.category(13)).isEqualTo("severe");
  }

  @Test
  void valueRulesCompareOnTheirEdges() {
    ValueRule tshHigh =
        rules.efi().valueRules().stream()
            .filter(v -> v.deficitKey().equals("thyroid-disorders") && v.operator().equals(">"))
            .findFirst()
            .orElseThrow();
    assertThat(tshHigh.matches(5.5, "F")).isFalse();
    assertThat(tshHigh.matches(5.6, "F")).isTrue();
    ValueRule hbMale =
        rules.efi().valueRules().stream()
            .filter(v -> v.deficitKey().equals("anaemia") && "M".equals(v.sex()))
            .findFirst()
            .orElseThrow();
    assertThat(hbMale.matches(129, "M")).isTrue();
    assertThat(hbMale.matches(130, "M")).isFalse();
    assertThat(hbMale.matches(100, "F")).as("male rule ignores women").isFalse();
    ValueRule afScore =
        rules.efi().valueRules().stream()
            .filter(v -> v.operator().equals("any"))
            .findFirst()
            .orElseThrow();
    assertThat(afScore.deficitKey()).isEqualTo("atrial-fibrillation");
    assertThat(afScore.threshold()).isNaN();
    assertThat(afScore.matches(0, "M")).as("any recorded value counts, even 0").isTrue();
  }

  @Test
  void modelTransformsAndBands() {
    AdmissionModel m = rules.admissionModel();
    ModelTerm adm = m.term("emergency_admissions_12m").orElseThrow();
    assertThat(adm.transformed(0)).isZero();
    assertThat(adm.explain("3")).isEqualTo("3 emergency admissions in last 12 months");
    assertThat(adm.explain("1")).isEqualTo("1 emergency admission in last 12 months");
    ModelTerm ltc = m.term("ltc_count").orElseThrow();
    assertThat(ltc.transform()).startsWith("cap:");
    assertThat(ltc.transformed(100)).isEqualTo(ltc.capLimit());
    assertThat(m.band(0)).isEqualTo("low");
    assertThat(m.band(0.999)).isEqualTo("very high");
    for (Band b : m.bands()) {
      assertThat(m.band(b.minProbability())).as("boundary belongs to the band").isEqualTo(b.name());
    }
    double base = m.probability(Map.of());
    double old = m.probability(Map.of("age_85_plus", 1.0, "emergency_admissions_12m", 2.0));
    assertThat(old).isGreaterThan(base);
  }

  @Test
  void knownCodesCoverEveryListAndValueRule() {
    var known = rules.knownSnomedCodes();
    assertThat(known).contains("38341003", "1022431000000105", "161898004");
    assertThat(known).doesNotContain("38341004");
    rules.efi().deficits().forEach(d -> assertThat(known).containsAll(d.snomedCodes()));
    rules.multimorbidity().conditions().forEach(c -> assertThat(known).containsAll(c.snomedCodes()));
  }

  @Test
  void medicinesForAConditionAreTiedToIt() {
    assertThat(rules.medicinesFor("asthma")).isNotEmpty().allMatch(m -> m.conditionKey().equals("asthma"));
    assertThat(rules.medicinesFor("no-such-condition")).isEmpty();
    assertThat(rules.medicines()).allMatch(m -> m.bnfChemical().length() == 9);
  }

  // ---- refusals, on a copy of rules/ in a temp dir

  @TempDir Path tmp;

  private Path copy() throws IOException {
    Path dst = tmp.resolve("rules");
    try (Stream<Path> s = Files.walk(RULES)) {
      for (Path p : s.sorted().toList()) {
        Path t = dst.resolve(RULES.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return dst;
  }

  private static void replace(Path file, String from, String to) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(s).contains(from);
    Files.writeString(file, s.replaceFirst(java.util.regex.Pattern.quote(from), to));
  }

  private static StratException configError(Path dir) {
    try {
      RuleSet.load(dir);
    } catch (StratException e) {
      assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
      assertThat(e.getMessage()).doesNotContain("\n");
      return e;
    }
    throw new AssertionError("loaded without complaint");
  }

  @Test
  void aCopyLoads() throws IOException {
    assertThat(RuleSet.load(copy()).hash()).isEqualTo(rules.hash());
  }

  @Test
  void rejectsATamperedFile() throws IOException {
    Path d = copy();
    replace(d.resolve("hfrs/hfrs-icd10.csv"), "F00,7.1,", "F00,9.9,");
    assertThat(configError(d).getMessage())
        .contains("hfrs/hfrs-icd10.csv")
        .contains("checksum");
  }

  @Test
  void rejectsAMissingFile() throws IOException {
    Path d = copy();
    Files.delete(d.resolve("medications/medicines.csv"));
    assertThat(configError(d).getMessage()).contains("medications/medicines.csv").contains("missing");
  }

  @Test
  void rejectsAMissingLock() throws IOException {
    Path d = copy();
    Files.delete(d.resolve("rules.lock"));
    assertThat(configError(d).getMessage()).contains("rules.lock").contains("strat rules lock");
  }

  @Test
  void rejectsAnUnlistedRuleFile() throws IOException {
    Path d = copy();
    Files.writeString(d.resolve("efi/extra.csv"), "a\n1\n");
    assertThat(configError(d).getMessage()).contains("efi/extra.csv").contains("not in rules.lock");
  }

  @Test
  void rejectsABadSnomedCodeEvenWhenRelocked() throws IOException {
    Path d = copy();
    // 38341003 -> 38341004: last digit no longer the Verhoeff check digit
    replace(d.resolve("multimorbidity/ltc-snomed.csv"), "hypertension,38341003,", "hypertension,38341004,");
    RulesLock.write(d);
    assertThat(configError(d).getMessage())
        .contains("multimorbidity/ltc-snomed.csv line ")
        .contains("snomed_code '38341004'")
        .contains("Verhoeff");
  }

  @Test
  void rejectsABadIcd10Group() throws IOException {
    Path d = copy();
    replace(d.resolve("hfrs/hfrs-icd10.csv"), "F00,7.1,", "F0,7.1,");
    RulesLock.write(d);
    assertThat(configError(d).getMessage()).contains("icd10_3char 'F0'");
  }

  @Test
  void rejectsAMissingHeaderField() throws IOException {
    Path d = copy();
    replace(d.resolve("admission-risk/bands.csv"), "# licence:", "# licensing:");
    RulesLock.write(d);
    assertThat(configError(d).getMessage()).contains("admission-risk/bands.csv").contains("licence");
  }

  @Test
  void rejectsADuplicateKey() throws IOException {
    Path d = copy();
    Path f = d.resolve("hfrs/hfrs-params.csv");
    Files.writeString(f, Files.readString(f) + "lookback_years,3,duplicate\n");
    RulesLock.write(d);
    assertThat(configError(d).getMessage()).contains("parameter lookback_years repeats line");
  }

  @Test
  void rejectsAnUnknownDeficit() throws IOException {
    Path d = copy();
    Path f = d.resolve("efi/efi-snomed.csv");
    Files.writeString(f, Files.readString(f) + "frailty-nonsense,38341003,Hypertensive disorder\n");
    RulesLock.write(d);
    assertThat(configError(d).getMessage()).contains("deficit_key 'frailty-nonsense' is not defined");
  }

  @Test
  void referenceTablesAreNeitherLockedNorLoaded() throws IOException {
    assertThat(Files.isRegularFile(RULES.resolve("reference/efi-codes.csv"))).isTrue();
    assertThat(RulesLock.ruleFiles(RULES)).noneMatch(f -> f.startsWith("reference/"));
    assertThat(RulesLock.read(RULES).keySet()).noneMatch(f -> f.startsWith("reference/"));
    // a changed or added reference table leaves the rules and their hash as they were
    Path d = copy();
    Files.writeString(d.resolve("reference/efi-codes.csv"), "edited\n");
    Files.writeString(d.resolve("reference/new-table.csv"), "a\n1\n");
    assertThat(RuleSet.load(d).hash()).isEqualTo(rules.hash());
  }

  @Test
  void lockListsEveryCsvSorted() {
    List<String> files = RulesLock.ruleFiles(RULES);
    assertThat(files).isSorted();
    assertThat(RulesLock.read(RULES).keySet()).containsExactlyElementsOf(files);
    assertThat(files)
        .containsAll(Stream.of(RuleSchema.values()).map(RuleSchema::path).sorted(Comparator.naturalOrder()).toList());
  }
}
