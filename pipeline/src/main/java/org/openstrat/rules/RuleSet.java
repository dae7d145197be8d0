package org.openstrat.rules;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openstrat.core.StratException;

/**
 * Every rule the pipeline scores with, loaded from {@code rules/} and checked against {@code
 * rules/rules.lock}. Plain Java: no Spark. Stages receive a {@code RuleSet} (or its parts) and
 * broadcast the small maps they need.
 *
 * @param dir the rules directory it was loaded from
 * @param hash SHA-256 of rules.lock: one value identifying every rule file's content (for manifests)
 */
public record RuleSet(
    Path dir,
    String hash,
    EfiRules efi,
    HfrsRules hfrs,
    MultimorbidityRules multimorbidity,
    List<Medicine> medicines,
    AdmissionModel admissionModel) {

  /** Condition key for medicines not tied to a condition or deficit. */
  public static final String GENERAL = "general";

  public RuleSet {
    medicines = List.copyOf(medicines);
  }

  /**
   * The rules directory to use when none is given: system property {@code strat.rules}, else
   * {@code ${strat.home}/rules} (set by scripts/strat), else {@code ./rules}, else {@code ../rules}
   * (tests run from pipeline/). Falls back to {@code ./rules} even if missing, so the error names it.
   */
  public static Path defaultDir() {
    String p = System.getProperty("strat.rules");
    if (p != null && !p.isBlank()) {
      return Paths.get(p);
    }
    String home = System.getProperty("strat.home");
    if (home != null && !home.isBlank() && Files.isDirectory(Paths.get(home, "rules"))) {
      return Paths.get(home, "rules");
    }
    if (Files.isDirectory(Paths.get("rules"))) {
      return Paths.get("rules");
    }
    if (Files.isDirectory(Paths.get("..", "rules"))) {
      return Paths.get("..", "rules");
    }
    return Paths.get("rules");
  }

  /**
   * Every SNOMED CT id any rule looks for: eFI code lists and value rules, LTC code lists. Ingest
   * and the quality report use it to say how much of an extract the rules can see; the generator to
   * draw only meaningful codes.
   */
  public Set<String> knownSnomedCodes() {
    Set<String> out = new java.util.TreeSet<>();
    efi.deficits().forEach(d -> out.addAll(d.snomedCodes()));
    efi.valueRules().forEach(v -> out.add(v.snomedCode()));
    multimorbidity.conditions().forEach(c -> out.addAll(c.snomedCodes()));
    return java.util.Collections.unmodifiableSet(out);
  }

  /** The medicines that treat a condition or deficit key (empty for an unknown key). */
  public List<Medicine> medicinesFor(String conditionKey) {
    return medicines.stream().filter(m -> m.conditionKey().equals(conditionKey)).toList();
  }

  /** {@link #load(Path)} from {@link #defaultDir()}. */
  public static RuleSet load() {
    return load(defaultDir());
  }

  /**
   * Loads and checks every rule file. Throws {@link StratException} (exit 3, one line naming the
   * file and row) on a missing file, a checksum mismatch with rules.lock, a bad header block or
   * column list, a malformed value (SNOMED Verhoeff, ICD-10, BNF, numbers), a duplicate key, or a
   * reference to an unknown deficit or condition.
   */
  public static RuleSet load(Path rulesDir) {
    return load(rulesDir, true);
  }

  /** Loads without the lock check: what {@code strat rules lock} validates before writing. */
  static RuleSet load(Path rulesDir, boolean checkLock) {
    Path dir = rulesDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw StratException.config("Rules directory " + rulesDir + " does not exist");
    }
    String hash = "unlocked";
    if (checkLock) {
      RulesLock.verify(dir);
      hash = RulesLock.sha256(dir.resolve(RulesLock.FILE));
    }
    Map<RuleSchema, RuleTable> t = new LinkedHashMap<>();
    for (RuleSchema s : RuleSchema.values()) {
      RuleTable table = RuleTable.read(dir, s.path());
      s.validate(table);
      t.put(s, table);
    }
    EfiRules efi = efi(t);
    MultimorbidityRules mm = multimorbidity(t);
    return new RuleSet(
        dir, hash, efi, hfrs(t), mm, medicines(t, efi, mm), admissionModel(t));
  }

  private static EfiRules efi(Map<RuleSchema, RuleTable> t) {
    RuleTable deficits = t.get(RuleSchema.EFI_DEFICITS);
    Map<String, Set<String>> codes = new LinkedHashMap<>();
    Map<String, List<ValueRule>> values = new LinkedHashMap<>();
    for (RuleTable.Row r : deficits.rows()) {
      codes.put(r.get("deficit_key"), new LinkedHashSet<>());
      values.put(r.get("deficit_key"), new ArrayList<>());
    }
    if (codes.size() != EfiRules.DEFICIT_COUNT) {
      throw StratException.config(
          "Rule file "
              + deficits.file()
              + ": "
              + codes.size()
              + " deficits, the eFI has "
              + EfiRules.DEFICIT_COUNT);
    }
    RuleTable snomed = t.get(RuleSchema.EFI_SNOMED);
    for (RuleTable.Row r : snomed.rows()) {
      known(snomed, r, "deficit_key", codes).add(r.get("snomed_code"));
    }
    if (!codes.get(EfiRules.POLYPHARMACY).isEmpty()) {
      throw StratException.config(
          "Rule file " + snomed.file() + ": polypharmacy has codes; it is counted from medicines");
    }
    RuleTable vt = t.get(RuleSchema.EFI_VALUES);
    for (RuleTable.Row r : vt.rows()) {
      String op = r.get("operator");
      String th = r.get("threshold");
      if (op.equals("any") != th.isEmpty()) {
        throw StratException.config(
            "Rule file "
                + vt.file()
                + " line "
                + r.line()
                + ": threshold must be blank exactly when operator is 'any'");
      }
      known(vt, r, "deficit_key", values)
          .add(
              new ValueRule(
                  r.get("deficit_key"),
                  r.get("snomed_code"),
                  op,
                  th.isEmpty() ? Double.NaN : Double.parseDouble(th),
                  r.get("sex").isEmpty() ? null : r.get("sex"),
                  r.get("unit").isEmpty() ? null : r.get("unit")));
    }
    List<EfiDeficit> out = new ArrayList<>();
    for (RuleTable.Row r : deficits.rows()) {
      String key = r.get("deficit_key");
      if (codes.get(key).isEmpty() && values.get(key).isEmpty() && !key.equals(EfiRules.POLYPHARMACY)) {
        throw StratException.config(
            "Rule file " + snomed.file() + ": deficit " + key + " has no codes and no value rules");
      }
      out.add(
          new EfiDeficit(
              key, r.get("deficit_name"), intOrNull(r.get("lookback_months")), codes.get(key),
              values.get(key)));
    }
    return new EfiRules(out);
  }

  private static HfrsRules hfrs(Map<RuleSchema, RuleTable> t) {
    Map<String, Double> points = new LinkedHashMap<>();
    for (RuleTable.Row r : t.get(RuleSchema.HFRS_ICD10).rows()) {
      points.put(r.get("icd10_3char"), Double.parseDouble(r.get("points")));
    }
    RuleTable pt = t.get(RuleSchema.HFRS_PARAMS);
    Map<String, Double> p = new LinkedHashMap<>();
    for (RuleTable.Row r : pt.rows()) {
      p.put(r.get("parameter"), Double.parseDouble(r.get("value")));
    }
    for (String need : List.of("lookback_years", "band_intermediate_min", "band_high_min")) {
      if (!p.containsKey(need)) {
        throw StratException.config("Rule file " + pt.file() + ": parameter " + need + " missing");
      }
    }
    double lookback = p.get("lookback_years");
    if (lookback != Math.rint(lookback) || lookback < 1) {
      throw StratException.config(
          "Rule file " + pt.file() + ": lookback_years " + lookback + " is not a whole number >= 1");
    }
    return new HfrsRules(
        points, (int) lookback, p.get("band_intermediate_min"), p.get("band_high_min"));
  }

  private static MultimorbidityRules multimorbidity(Map<RuleSchema, RuleTable> t) {
    RuleTable ct = t.get(RuleSchema.LTC_CONDITIONS);
    Map<String, Set<String>> codes = new LinkedHashMap<>();
    for (RuleTable.Row r : ct.rows()) {
      codes.put(r.get("condition_key"), new LinkedHashSet<>());
    }
    if (codes.size() != MultimorbidityRules.CONDITION_COUNT) {
      throw StratException.config(
          "Rule file "
              + ct.file()
              + ": "
              + codes.size()
              + " conditions, the Cambridge Multimorbidity Score has "
              + MultimorbidityRules.CONDITION_COUNT);
    }
    RuleTable st = t.get(RuleSchema.LTC_SNOMED);
    for (RuleTable.Row r : st.rows()) {
      known(st, r, "condition_key", codes).add(r.get("snomed_code"));
    }
    List<LtcCondition> out = new ArrayList<>();
    for (RuleTable.Row r : ct.rows()) {
      String key = r.get("condition_key");
      String logic = r.get("logic");
      Integer minIssues = intOrNull(r.get("min_issues_12m"));
      List<String> prefixes =
          r.get("bnf_prefixes").isEmpty()
              ? List.of()
              : Arrays.asList(r.get("bnf_prefixes").split(";"));
      boolean usesRx = !logic.equals("code");
      boolean usesCode = !logic.equals("rx");
      if (usesRx != (minIssues != null && !prefixes.isEmpty())) {
        throw StratException.config(
            "Rule file "
                + ct.file()
                + " line "
                + r.line()
                + ": logic "
                + logic
                + " needs min_issues_12m and bnf_prefixes "
                + (usesRx ? "set" : "blank"));
      }
      if (usesCode && codes.get(key).isEmpty()) {
        throw StratException.config(
            "Rule file " + st.file() + ": condition " + key + " (logic " + logic + ") has no codes");
      }
      out.add(
          new LtcCondition(
              key,
              r.get("condition_name"),
              Double.parseDouble(r.get("cms_weight")),
              intOrNull(r.get("lookback_months")),
              codes.get(key),
              minIssues,
              prefixes,
              r.get("definition"),
              logic));
    }
    return new MultimorbidityRules(out);
  }

  private static List<Medicine> medicines(
      Map<RuleSchema, RuleTable> t, EfiRules efi, MultimorbidityRules mm) {
    Set<String> targets = new HashSet<>();
    targets.add(GENERAL);
    efi.deficits().forEach(d -> targets.add(d.key()));
    mm.conditions().forEach(c -> targets.add(c.key()));
    RuleTable mt = t.get(RuleSchema.MEDICINES);
    List<Medicine> out = new ArrayList<>();
    for (RuleTable.Row r : mt.rows()) {
      known(mt, r, "condition_key", targets);
      out.add(new Medicine(r.get("bnf_code"), r.get("dmd_code"), r.get("name"), r.get("condition_key")));
    }
    return out;
  }

  private static AdmissionModel admissionModel(Map<RuleSchema, RuleTable> t) {
    RuleTable mt = t.get(RuleSchema.MODEL);
    Double intercept = null;
    List<ModelTerm> terms = new ArrayList<>();
    for (RuleTable.Row r : mt.rows()) {
      String f = r.get("feature");
      double coef = Double.parseDouble(r.get("coefficient"));
      if (f.equals("intercept")) {
        intercept = coef;
        continue;
      }
      if (!AdmissionModel.KNOWN_FEATURES.contains(f)) {
        throw StratException.config(
            "Rule file " + mt.file() + " line " + r.line() + ": unknown feature " + f);
      }
      if (r.get("label").isEmpty()) {
        throw StratException.config(
            "Rule file " + mt.file() + " line " + r.line() + ": feature " + f + " has no label");
      }
      terms.add(new ModelTerm(f, r.get("transform"), coef, r.get("label"), r.get("source")));
    }
    if (intercept == null) {
      throw StratException.config("Rule file " + mt.file() + ": no intercept row");
    }
    RuleTable bt = t.get(RuleSchema.BANDS);
    List<Band> bands = new ArrayList<>();
    for (RuleTable.Row r : bt.rows()) {
      bands.add(new Band(r.get("band"), Double.parseDouble(r.get("min_probability"))));
    }
    List<String> names = bands.stream().map(Band::name).toList();
    if (!names.equals(List.of("low", "moderate", "high", "very high"))
        || bands.get(0).minProbability() != 0) {
      throw StratException.config(
          "Rule file "
              + bt.file()
              + ": bands must be low (min 0), moderate, high, very high in that order");
    }
    for (int i = 1; i < bands.size(); i++) {
      if (bands.get(i).minProbability() <= bands.get(i - 1).minProbability()) {
        throw StratException.config(
            "Rule file " + bt.file() + ": band " + bands.get(i).name() + " minimum does not rise");
      }
    }
    return new AdmissionModel(mt.headerValue("version"), intercept, terms, bands);
  }

  private static <T> T known(
      RuleTable t, RuleTable.Row r, String column, Map<String, T> map) {
    T v = map.get(r.get(column));
    if (v == null) {
      throw unknown(t, r, column);
    }
    return v;
  }

  private static Set<String> known(RuleTable t, RuleTable.Row r, String column, Set<String> keys) {
    if (!keys.contains(r.get(column))) {
      throw unknown(t, r, column);
    }
    return keys;
  }

  private static StratException unknown(RuleTable t, RuleTable.Row r, String column) {
    return StratException.config(
        "Rule file "
            + t.file()
            + " line "
            + r.line()
            + ": "
            + column
            + " '"
            + r.get(column)
            + "' is not defined");
  }

  private static Integer intOrNull(String s) {
    return s.isEmpty() ? null : Integer.valueOf(s);
  }
}
