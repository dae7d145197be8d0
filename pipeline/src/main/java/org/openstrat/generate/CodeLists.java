package org.openstrat.generate;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.openstrat.core.StratException;
import org.openstrat.util.CheckDigits;

/**
 * The generator's only view of the rule files under {@code rules/}: the clinical codes the scores
 * use, so generated data and scores cannot drift apart. This is the one class in the generator
 * that touches rule files; it reads the fixed CSV formats directly (comment lines start with
 * {@code #}) so the generator does not depend on the scoring model's loader.
 *
 * <p>Codes that fail their check (SNOMED Verhoeff, 15-character BNF, 3-character ICD-10) are
 * dropped, because the generator must only write valid rows unless it injects a defect on purpose.
 */
public final class CodeLists {
  static final String EFI_DEFICITS = "efi/efi-deficits.csv";
  static final String EFI_SNOMED = "efi/efi-snomed.csv";
  static final String EFI_VALUES = "efi/efi-values.csv";
  static final String HFRS = "hfrs/hfrs-icd10.csv";
  static final String LTC_CONDITIONS = "multimorbidity/ltc-conditions.csv";
  static final String LTC_SNOMED = "multimorbidity/ltc-snomed.csv";
  static final String MEDICINES = "medications/medicines.csv";

  /** A value-based eFI rule: a numeric observation that counts as the deficit. */
  public record ValueRule(
      String deficitKey, String snomedCode, String operator, double threshold, String sex) {}

  /** A medicine from medicines.csv. */
  public record Medicine(String bnfCode, String dmdCode, String name, String conditionKey) {}

  /** eFI deficit key -> SNOMED codes (insertion order = file order, so draws are stable). */
  public final Map<String, List<String>> efiCodes;
  /** eFI deficit key -> name. */
  public final Map<String, String> efiNames;
  public final List<ValueRule> efiValues;
  /** Multimorbidity condition key -> SNOMED codes. */
  public final Map<String, List<String>> ltcCodes;
  /** Multimorbidity condition key -> name. */
  public final Map<String, String> ltcNames;
  /** HFRS 3-character ICD-10 groups -> points. */
  public final Map<String, Double> hfrs;
  public final List<Medicine> medicines;
  /** Every SNOMED id on any list (eFI, values, LTC, dm+d): noise codes must avoid all of them. */
  public final Set<String> listedSnomed;
  /** Where the lists came from (a path, or "built-in fallback"). */
  public final String source;

  private CodeLists(
      Map<String, List<String>> efiCodes,
      Map<String, String> efiNames,
      List<ValueRule> efiValues,
      Map<String, List<String>> ltcCodes,
      Map<String, String> ltcNames,
      Map<String, Double> hfrs,
      List<Medicine> medicines,
      String source) {
    this.efiCodes = efiCodes;
    this.efiNames = efiNames;
    this.efiValues = efiValues;
    this.ltcCodes = ltcCodes;
    this.ltcNames = ltcNames;
    this.hfrs = hfrs;
    this.medicines = medicines;
    this.source = source;
    Set<String> all = new LinkedHashSet<>();
    efiCodes.values().forEach(all::addAll);
    ltcCodes.values().forEach(all::addAll);
    efiValues.forEach(v -> all.add(v.snomedCode()));
    medicines.forEach(m -> all.add(m.dmdCode()));
    this.listedSnomed = Collections.unmodifiableSet(all);
  }

  /**
   * Loads the lists from a rules directory. When the directory holds none of the rule files (the
   * rules are not installed), falls back to a small built-in set of real codes and says so in
   * {@link #source}; a directory holding only some of them is a config error (exit 3).
   */
  public static CodeLists load(Path rulesDir) {
    String[] files = {EFI_DEFICITS, EFI_SNOMED, EFI_VALUES, HFRS, LTC_CONDITIONS, LTC_SNOMED, MEDICINES};
    int present = 0;
    for (String f : files) {
      if (Files.isRegularFile(rulesDir.resolve(f))) {
        present++;
      }
    }
    if (present == 0) {
      return FallbackCodes.build();
    }
    Map<String, String> efiNames = new LinkedHashMap<>();
    for (CSVRecord r : read(rulesDir, EFI_DEFICITS)) {
      efiNames.put(get(r, "deficit_key", EFI_DEFICITS), get(r, "deficit_name", EFI_DEFICITS));
    }
    Map<String, List<String>> efiCodes = new LinkedHashMap<>();
    for (CSVRecord r : read(rulesDir, EFI_SNOMED)) {
      String code = get(r, "snomed_code", EFI_SNOMED);
      if (CheckDigits.snomedConceptIdValid(code)) {
        efiCodes.computeIfAbsent(get(r, "deficit_key", EFI_SNOMED), k -> new ArrayList<>()).add(code);
      }
    }
    List<ValueRule> values = new ArrayList<>();
    for (CSVRecord r : read(rulesDir, EFI_VALUES)) {
      String code = get(r, "snomed_code", EFI_VALUES);
      String op = get(r, "operator", EFI_VALUES).trim();
      String t = get(r, "threshold", EFI_VALUES).trim();
      double threshold;
      try {
        threshold = t.isEmpty() ? Double.NaN : Double.parseDouble(t);
      } catch (NumberFormatException e) {
        threshold = Double.NaN;
      }
      if (CheckDigits.snomedConceptIdValid(code)) {
        values.add(
            new ValueRule(
                get(r, "deficit_key", EFI_VALUES),
                code,
                op,
                threshold,
                get(r, "sex", EFI_VALUES).trim().toUpperCase(Locale.ROOT)));
      }
    }
    Map<String, Double> hfrs = new TreeMap<>();
    for (CSVRecord r : read(rulesDir, HFRS)) {
      String code = get(r, "icd10_3char", HFRS).trim().toUpperCase(Locale.ROOT);
      if (code.matches("[A-Z][0-9][0-9A-Z]")) {
        hfrs.put(code, Double.parseDouble(get(r, "points", HFRS).trim()));
      }
    }
    Map<String, String> ltcNames = new LinkedHashMap<>();
    for (CSVRecord r : read(rulesDir, LTC_CONDITIONS)) {
      ltcNames.put(get(r, "condition_key", LTC_CONDITIONS), get(r, "condition_name", LTC_CONDITIONS));
    }
    Map<String, List<String>> ltcCodes = new LinkedHashMap<>();
    for (CSVRecord r : read(rulesDir, LTC_SNOMED)) {
      String code = get(r, "snomed_code", LTC_SNOMED);
      if (CheckDigits.snomedConceptIdValid(code)) {
        ltcCodes.computeIfAbsent(get(r, "condition_key", LTC_SNOMED), k -> new ArrayList<>()).add(code);
      }
    }
    List<Medicine> meds = new ArrayList<>();
    for (CSVRecord r : read(rulesDir, MEDICINES)) {
      String bnf = get(r, "bnf_code", MEDICINES).trim();
      String dmd = get(r, "dmd_code", MEDICINES).trim();
      if (bnf.length() == 15 && CheckDigits.snomedConceptIdValid(dmd)) {
        meds.add(new Medicine(bnf, dmd, get(r, "name", MEDICINES), get(r, "condition_key", MEDICINES).trim()));
      }
    }
    return new CodeLists(efiCodes, efiNames, values, ltcCodes, ltcNames, hfrs, meds, rulesDir.toString());
  }

  static CodeLists of(
      Map<String, List<String>> efiCodes,
      Map<String, String> efiNames,
      List<ValueRule> efiValues,
      Map<String, List<String>> ltcCodes,
      Map<String, String> ltcNames,
      Map<String, Double> hfrs,
      List<Medicine> medicines,
      String source) {
    return new CodeLists(efiCodes, efiNames, efiValues, ltcCodes, ltcNames, hfrs, medicines, source);
  }

  private static List<CSVRecord> read(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw StratException.config("Cannot read rule file " + file + ": no such file");
    }
    CSVFormat fmt =
        CSVFormat.DEFAULT
            .builder()
            .setCommentMarker('#')
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .build();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return fmt.parse(in).getRecords();
    } catch (IOException | RuntimeException e) {
      throw StratException.config("Cannot read rule file " + file + ": " + e.getMessage());
    }
  }

  private static String get(CSVRecord r, String column, String file) {
    if (!r.isMapped(column)) {
      throw StratException.config("Rule file rules/" + file + ": column " + column + " missing");
    }
    String v = r.isSet(column) ? r.get(column) : "";
    return v == null ? "" : v;
  }
}
