package org.openstrat.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openstrat.core.StratException;
import org.openstrat.util.CheckDigits;

/**
 * The schema of every rule file: path under {@code rules/}, the columns in order with their types,
 * and the columns whose values must be unique. Columns may be added only at the end of a row, so a
 * file may carry extra trailing columns, which are not checked.
 *
 * <p>Every file's {@code #} header block must give {@code name}, {@code source}, {@code version},
 * {@code licence} and {@code schema_version: 1}.
 */
public enum RuleSchema {
  EFI_DEFICITS(
      "efi/efi-deficits.csv",
      List.of(List.of("deficit_key")),
      col("deficit_key", Type.KEY),
      col("deficit_name", Type.TEXT),
      col("lookback_months", Type.OPT_INT),
      col("source", Type.TEXT)),
  EFI_SNOMED(
      "efi/efi-snomed.csv",
      List.of(List.of("deficit_key", "snomed_code")),
      col("deficit_key", Type.KEY),
      col("snomed_code", Type.SNOMED),
      col("term", Type.TEXT)),
  EFI_VALUES(
      "efi/efi-values.csv",
      List.of(List.of("deficit_key", "snomed_code", "operator", "sex")),
      col("deficit_key", Type.KEY),
      col("snomed_code", Type.SNOMED),
      col("term", Type.TEXT),
      col("operator", Type.OPERATOR),
      col("threshold", Type.OPT_NUMBER),
      col("sex", Type.SEX),
      col("unit", Type.OPT_TEXT),
      col("source", Type.TEXT)),
  HFRS_ICD10(
      "hfrs/hfrs-icd10.csv",
      List.of(List.of("icd10_3char")),
      col("icd10_3char", Type.ICD10_3),
      col("points", Type.NUMBER),
      col("description", Type.TEXT)),
  HFRS_PARAMS(
      "hfrs/hfrs-params.csv",
      List.of(List.of("parameter")),
      col("parameter", Type.PARAM),
      col("value", Type.NUMBER),
      col("source", Type.TEXT)),
  LTC_CONDITIONS(
      "multimorbidity/ltc-conditions.csv",
      List.of(List.of("condition_key")),
      col("condition_key", Type.KEY),
      col("condition_name", Type.TEXT),
      col("cms_weight", Type.NUMBER),
      col("lookback_months", Type.OPT_INT),
      col("definition", Type.TEXT),
      col("source", Type.TEXT),
      col("min_issues_12m", Type.OPT_INT),
      col("bnf_prefixes", Type.BNF_PREFIXES),
      col("logic", Type.LOGIC)),
  LTC_SNOMED(
      "multimorbidity/ltc-snomed.csv",
      List.of(List.of("condition_key", "snomed_code")),
      col("condition_key", Type.KEY),
      col("snomed_code", Type.SNOMED),
      col("term", Type.TEXT)),
  MEDICINES(
      "medications/medicines.csv",
      List.of(List.of("bnf_code"), List.of("dmd_code")),
      col("bnf_code", Type.BNF15),
      col("dmd_code", Type.SNOMED),
      col("name", Type.TEXT),
      col("condition_key", Type.KEY)),
  MODEL(
      "admission-risk/model.csv",
      List.of(List.of("feature")),
      col("feature", Type.PARAM),
      col("transform", Type.TRANSFORM),
      col("coefficient", Type.NUMBER),
      col("label", Type.OPT_TEXT),
      col("source", Type.TEXT)),
  BANDS(
      "admission-risk/bands.csv",
      List.of(List.of("band")),
      col("band", Type.TEXT),
      col("min_probability", Type.PROBABILITY),
      col("source", Type.TEXT));

  /** Header-block fields every rule file must state. */
  public static final List<String> REQUIRED_HEADER =
      List.of("name", "source", "version", "licence", "schema_version");

  /** The schema_version this loader reads. */
  public static final String SCHEMA_VERSION = "1";

  private final String path;
  private final List<List<String>> uniqueKeys;
  private final List<Column> columns;

  RuleSchema(String path, List<List<String>> uniqueKeys, Column... columns) {
    this.path = path;
    this.uniqueKeys = uniqueKeys;
    this.columns = List.of(columns);
  }

  /** Path relative to the rules directory, with forward slashes (as in rules.lock). */
  public String path() {
    return path;
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** A column and its type. */
  record Column(String name, Type type) {}

  private static Column col(String name, Type type) {
    return new Column(name, type);
  }

  /** Value types; {@link #check} returns null when the value is fine, else why not. */
  enum Type {
    TEXT,
    OPT_TEXT,
    KEY,
    SNOMED,
    ICD10_3,
    NUMBER,
    OPT_NUMBER,
    OPT_INT,
    PROBABILITY,
    OPERATOR,
    SEX,
    TRANSFORM,
    PARAM,
    BNF15,
    BNF_PREFIXES,
    LOGIC;

    private static final Pattern KEY_RE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern PARAM_RE = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern ICD_RE = Pattern.compile("[A-Z][0-9][0-9A-Z]");
    private static final Pattern BNF_RE = Pattern.compile("[0-9]{7}[0-9A-Z]{8}");
    private static final Pattern BNF_PREFIX_RE = Pattern.compile("[0-9]{2}[0-9A-Z]{0,13}");
    private static final Pattern CAP_RE = Pattern.compile("cap:[0-9]+(\\.[0-9]+)?");

    String check(String v) {
      return switch (this) {
        case TEXT -> v.isEmpty() ? "is empty" : null;
        case OPT_TEXT -> null;
        case KEY -> KEY_RE.matcher(v).matches() ? null : "is not a lower-case-hyphenated key";
        case PARAM -> PARAM_RE.matcher(v).matches() ? null : "is not a lower_snake_case name";
        case SNOMED ->
            CheckDigits.snomedConceptIdValid(v)
                ? null
                : "is not a SNOMED CT concept id (6-18 digits, partition 00/10, Verhoeff)";
        case ICD10_3 -> ICD_RE.matcher(v).matches() ? null : "is not an ICD-10 3-character group";
        case NUMBER -> number(v) ? null : "is not a number";
        case OPT_NUMBER -> v.isEmpty() || number(v) ? null : "is not a number";
        case OPT_INT -> v.isEmpty() || v.matches("[0-9]{1,4}") ? null : "is not a whole number";
        case PROBABILITY ->
            number(v) && Double.parseDouble(v) >= 0 && Double.parseDouble(v) < 1
                ? null
                : "is not a probability in [0, 1)";
        case OPERATOR ->
            List.of("<", "<=", ">", ">=", "any").contains(v) ? null : "is not one of < <= > >= any";
        case SEX -> v.isEmpty() || v.equals("M") || v.equals("F") ? null : "is not M, F or blank";
        case TRANSFORM ->
            List.of("identity", "log1p", "indicator").contains(v) || CAP_RE.matcher(v).matches()
                ? null
                : "is not identity, log1p, indicator or cap:N";
        case BNF15 ->
            BNF_RE.matcher(v).matches() ? null : "is not a 15-character BNF presentation code";
        case BNF_PREFIXES -> {
          if (v.isEmpty()) {
            yield null;
          }
          for (String p : v.split(";", -1)) {
            if (!BNF_PREFIX_RE.matcher(p).matches()) {
              yield "has a BNF prefix '" + p + "' that is not 2-15 BNF characters";
            }
          }
          yield null;
        }
        case LOGIC ->
            List.of("code", "code_or_rx", "code_and_rx", "rx").contains(v)
                ? null
                : "is not code, code_or_rx, code_and_rx or rx";
      };
    }

    private static boolean number(String v) {
      try {
        double d = Double.parseDouble(v);
        return !Double.isNaN(d) && !Double.isInfinite(d) && !v.endsWith("d") && !v.endsWith("f");
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }

  /**
   * Checks a table against this schema: header block, column names in order (extra trailing
   * columns allowed), every value's type, unique keys. Throws a config error naming file and line.
   */
  public void validate(RuleTable t) {
    for (String h : REQUIRED_HEADER) {
      String v = t.headerValue(h);
      if (v == null || v.isEmpty()) {
        throw StratException.config("Rule file " + path + ": header block lacks '# " + h + ":'");
      }
    }
    if (!SCHEMA_VERSION.equals(t.headerValue("schema_version"))) {
      throw StratException.config(
          "Rule file "
              + path
              + ": schema_version "
              + t.headerValue("schema_version")
              + " is not "
              + SCHEMA_VERSION);
    }
    List<String> want = columnNames();
    if (t.columns().size() < want.size() || !t.columns().subList(0, want.size()).equals(want)) {
      throw StratException.config(
          "Rule file " + path + ": columns " + t.columns() + " do not start with " + want);
    }
    List<Map<List<String>, Long>> seen = new ArrayList<>();
    uniqueKeys.forEach(k -> seen.add(new HashMap<>()));
    for (RuleTable.Row r : t.rows()) {
      for (Column c : columns) {
        String why = c.type().check(r.get(c.name()));
        if (why != null) {
          throw StratException.config(
              "Rule file "
                  + path
                  + " line "
                  + r.line()
                  + ": "
                  + c.name()
                  + " '"
                  + r.get(c.name())
                  + "' "
                  + why);
        }
      }
      for (int k = 0; k < uniqueKeys.size(); k++) {
        List<String> key = uniqueKeys.get(k).stream().map(r::get).toList();
        Long prev = seen.get(k).putIfAbsent(key, r.line());
        if (prev != null) {
          throw StratException.config(
              "Rule file "
                  + path
                  + " line "
                  + r.line()
                  + ": "
                  + String.join(",", uniqueKeys.get(k))
                  + " "
                  + String.join(",", key)
                  + " repeats line "
                  + prev);
        }
      }
    }
  }

  /** All schemas by path. */
  public static Map<String, RuleSchema> byPath() {
    Map<String, RuleSchema> m = new LinkedHashMap<>();
    for (RuleSchema s : values()) {
      m.put(s.path, s);
    }
    return m;
  }
}
