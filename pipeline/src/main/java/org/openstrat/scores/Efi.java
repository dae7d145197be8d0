package org.openstrat.scores;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.CodedEvents.CodeRule;
import org.openstrat.features.Features;
import org.openstrat.rules.EfiDeficit;
import org.openstrat.rules.EfiRules;
import org.openstrat.rules.ValueRule;
import org.openstrat.spark.Codegen;

/**
 * The electronic Frailty Index (Clegg A et al., Age and Ageing 2016;45:353-60): 36 deficits, eFI =
 * deficits present / 36, categories by deficit count (docs/scores.md, "eFI").
 */
public final class Efi {
  private Efi() {}

  /** Family name of eFI rules in {@link CodedEvents}. */
  public static final String FAMILY = "efi";

  public static final String EFI = "efi";
  public static final String EFI_DEFICIT_COUNT = "efi_deficit_count";
  public static final String EFI_CATEGORY = "efi_category";
  public static final String EFI_DEFICITS = "efi_deficits";

  /** The deficit key of polypharmacy, the one deficit with no code list. */
  public static final String POLYPHARMACY = EfiRules.POLYPHARMACY;

  /** Polypharmacy deficit: 5 or more distinct medicines in 12 months (Clegg 2016). */
  public static final int POLYPHARMACY_MIN = EfiRules.POLYPHARMACY_MIN;

  /** The number of deficits in the index (the denominator). */
  public static final int DEFICITS = EfiRules.DEFICIT_COUNT;

  /**
   * Category edges as deficit counts, not eFI fractions, so no float comparison decides a band:
   * 0-4 fit, 5-8 mild, 9-12 moderate, 13+ severe (eFI 0.12, 0.24 and 0.36 are exactly 4.32, 8.64
   * and 12.96 deficits, so "eFI &gt; 0.12" is "count &gt;= 5" and so on).
   */
  public static final int FIT_MAX = 4;
  public static final int MILD_MAX = 8;
  public static final int MODERATE_MAX = 12;

  /**
   * Code and value rules of every deficit (family {@link #FAMILY}), each in the deficit's look-back
   * (null = ever). Polypharmacy has no codes; it comes from {@link Features#polypharmacy}.
   */
  public static List<CodeRule> codeRules(EfiRules rules) {
    List<CodeRule> out = new ArrayList<>();
    for (EfiDeficit d : rules.deficits()) {
      for (String code : d.snomedCodes()) {
        out.add(CodeRule.code(code, FAMILY, d.key(), d.lookbackMonths()));
      }
      for (ValueRule v : d.valueRules()) {
        Double threshold = Double.isNaN(v.threshold()) ? null : v.threshold();
        out.add(new CodeRule(v.snomedCode(), FAMILY, d.key(), d.lookbackMonths(), v.operator(),
            threshold, v.sex()));
      }
    }
    return out;
  }

  /**
   * Each patient's deficits: the eFI flags from {@link CodedEvents#flags} plus polypharmacy.
   *
   * @param flags nhs_number, family, key (rows of other families are ignored)
   * @param polypharmacy nhs_number, polypharmacy_count ({@link Features#polypharmacy})
   * @return nhs_number, efi_deficits (sorted keys), only patients with at least one deficit
   */
  public static Dataset<Row> deficits(Dataset<Row> flags, Dataset<Row> polypharmacy) {
    Dataset<Row> evidence = CodedEvents.evidence(flags);
    Dataset<Row> both = evidence.join(polypharmacy, new String[] {Features.NHS_NUMBER}, "full");
    Column list = deficits(col(CodedEvents.EVIDENCE), col(Features.POLYPHARMACY_COUNT));
    return both.select(col(Features.NHS_NUMBER), list.as(EFI_DEFICITS))
        .where(size(col(EFI_DEFICITS)).gt(0));
  }

  /**
   * The efi_deficits column from a patient's evidence array ({@link CodedEvents#evidence}, null =
   * none) and polypharmacy_count (null = 0): the {@code efi:} keys, plus {@code polypharmacy} at 5
   * or more medicines; sorted.
   */
  public static Column deficits(Column evidence, Column polypharmacyCount) {
    Column coded = CodedEvents.keys(coalesce(evidence, array().cast("array<string>")), FAMILY);
    Column poly = when(coalesce(polypharmacyCount, lit(0)).geq(POLYPHARMACY_MIN),
        array(lit(POLYPHARMACY))).otherwise(array().cast("array<string>"));
    return Codegen.sorted(org.apache.spark.sql.functions.array_union(coded, poly));
  }

  /**
   * Adds efi, efi_deficit_count and efi_category to a table that has efi_deficits (null = none;
   * replaced by an empty array).
   */
  public static Dataset<Row> score(Dataset<Row> withDeficits) {
    Column deficits = coalesce(col(EFI_DEFICITS), array().cast("array<string>"));
    Column count = size(deficits);
    return withDeficits
        .withColumn(EFI_DEFICITS, deficits)
        .withColumn(EFI_DEFICIT_COUNT, count)
        .withColumn(EFI, count.cast("double").divide(DEFICITS))
        .withColumn(EFI_CATEGORY, category(count));
  }

  /** fit / mild / moderate / severe from a deficit count. */
  public static Column category(Column deficitCount) {
    return when(deficitCount.leq(FIT_MAX), "fit")
        .when(deficitCount.leq(MILD_MAX), "mild")
        .when(deficitCount.leq(MODERATE_MAX), "moderate")
        .otherwise("severe");
  }
}
