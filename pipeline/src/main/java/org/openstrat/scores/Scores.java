package org.openstrat.scores;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.Features;
import org.openstrat.features.Medications;
import org.openstrat.ingest.Extract;
import org.openstrat.rules.RuleSet;

/**
 * The scores stage: one row per population patient with eFI, HFRS, multimorbidity, utilisation,
 * social care and housing features, emergency-admission risk and its top factors
 * (docs/architecture.md, "Scores table"; docs/scores.md). Only rows dated on or before {@code
 * asOf} count; no clock is read. A missing extract in {@code accepted} is treated as empty.
 */
public final class Scores {
  private Scores() {}

  /** Population columns, in order, that start the scores table. */
  public static final List<String> POPULATION_COLUMNS =
      List.of("nhs_number", "date_of_birth", "age", "sex", "practice_code", "practice_name",
          "pcn_code", "pcn_name", "icc_code", "icc_name", "icp_code", "icp_name", "lsoa_code",
          "imd_decile", "national_opt_out");

  /** The score columns after the population columns, in order. */
  public static final List<String> SCORE_COLUMNS =
      List.of(Efi.EFI, Efi.EFI_DEFICIT_COUNT, Efi.EFI_CATEGORY, Efi.EFI_DEFICITS, Hfrs.HFRS,
          Hfrs.HFRS_BAND, Multimorbidity.LTC_COUNT, Multimorbidity.LTC_CONDITIONS,
          Multimorbidity.CMS_SCORE, Features.POLYPHARMACY_COUNT, Features.EMERGENCY_ADMISSIONS_12M,
          Features.BED_DAYS_12M, Features.AE_ATTENDANCES_12M, Features.OP_DNA_12M,
          Features.SOCIAL_CARE_SERVICE, Features.LIVES_ALONE, Features.CATEGORY1_HAZARD,
          Features.HOMELESS_OR_TEMPORARY, AdmissionRisk.ADMISSION_RISK,
          AdmissionRisk.ADMISSION_RISK_BAND, Explain.TOP_FACTORS);

  /**
   * The scores table's columns and types, known without data: what a cohort filter is checked
   * against when the run starts (before any extract is read). {@link #compute} makes exactly this
   * (a test compares them).
   */
  public static final StructType SCHEMA =
      new StructType()
          .add("nhs_number", StringType)
          .add("date_of_birth", DateType)
          .add("age", IntegerType)
          .add("sex", StringType)
          .add("practice_code", StringType)
          .add("practice_name", StringType)
          .add("pcn_code", StringType)
          .add("pcn_name", StringType)
          .add("icc_code", StringType)
          .add("icc_name", StringType)
          .add("icp_code", StringType)
          .add("icp_name", StringType)
          .add("lsoa_code", StringType)
          .add("imd_decile", IntegerType)
          .add("national_opt_out", BooleanType)
          .add(Efi.EFI, DoubleType)
          .add(Efi.EFI_DEFICIT_COUNT, IntegerType)
          .add(Efi.EFI_CATEGORY, StringType)
          .add(Efi.EFI_DEFICITS, DataTypes.createArrayType(StringType))
          .add(Hfrs.HFRS, DoubleType)
          .add(Hfrs.HFRS_BAND, StringType)
          .add(Multimorbidity.LTC_COUNT, IntegerType)
          .add(Multimorbidity.LTC_CONDITIONS, DataTypes.createArrayType(StringType))
          .add(Multimorbidity.CMS_SCORE, DoubleType)
          .add(Features.POLYPHARMACY_COUNT, IntegerType)
          .add(Features.EMERGENCY_ADMISSIONS_12M, IntegerType)
          .add(Features.BED_DAYS_12M, IntegerType)
          .add(Features.AE_ATTENDANCES_12M, IntegerType)
          .add(Features.OP_DNA_12M, IntegerType)
          .add(Features.SOCIAL_CARE_SERVICE, StringType)
          .add(Features.LIVES_ALONE, BooleanType)
          .add(Features.CATEGORY1_HAZARD, BooleanType)
          .add(Features.HOMELESS_OR_TEMPORARY, BooleanType)
          .add(AdmissionRisk.ADMISSION_RISK, DoubleType)
          .add(AdmissionRisk.ADMISSION_RISK_BAND, StringType)
          .add(Explain.TOP_FACTORS, DataTypes.createArrayType(StringType));

  /** The scores table: {@link #features} then admission risk, then the published columns. */
  public static Dataset<Row> compute(
      Dataset<Row> population, Map<Extract, Dataset<Row>> accepted, LocalDate asOf,
      RuleSet rules) {
    return published(scored(population, accepted, asOf, rules));
  }

  /**
   * Every column the scores stage makes, before {@link #published} selects the table's: the
   * features, the model's derived features ({@link AdmissionRisk#withModelFeatures}), the linear
   * predictor, admission risk and its top factors. The backtest reads the model's inputs here, so
   * it scores with exactly the code path of a run.
   */
  public static Dataset<Row> scored(
      Dataset<Row> population, Map<Extract, Dataset<Row>> accepted, LocalDate asOf,
      RuleSet rules) {
    return Explain.topFactors(
        AdmissionRisk.score(
            AdmissionRisk.withModelFeatures(features(population, accepted, asOf, rules)),
            rules.admissionModel()));
  }

  /** The scores table's columns ({@link #POPULATION_COLUMNS}, {@link #SCORE_COLUMNS}) of {@link #scored}. */
  public static Dataset<Row> published(Dataset<Row> scored) {
    List<Column> out = new ArrayList<>();
    POPULATION_COLUMNS.forEach(c -> out.add(col(c)));
    SCORE_COLUMNS.forEach(c -> out.add(col(c)));
    return scored.select(out.toArray(Column[]::new));
  }

  /**
   * The feature table the admission-risk model reads: the population's columns, eFI, HFRS,
   * multimorbidity, polypharmacy, utilisation, social care ({@code social_care_service} and the
   * array {@code social_care_services}) and housing flags, one row per population patient; counts
   * a patient has none of are 0, lists empty, flags null.
   */
  public static Dataset<Row> features(
      Dataset<Row> population, Map<Extract, Dataset<Row>> accepted, LocalDate asOf,
      RuleSet rules) {
    Dataset<Row> events = extract(population, accepted, Extract.GP_EVENTS);
    Dataset<Row> meds = extract(population, accepted, Extract.GP_MEDICATIONS);
    Dataset<Row> spells = extract(population, accepted, Extract.APC_SPELLS);

    // One pass over GP events for eFI and long-term-condition codes; with the medicine rules it
    // becomes one evidence array per patient, read by both eFI and multimorbidity.
    List<CodedEvents.CodeRule> codeRules = new ArrayList<>(Efi.codeRules(rules.efi()));
    codeRules.addAll(Multimorbidity.codeRules(rules.multimorbidity()));
    // One pass over the medicine issues for the medication rules and polypharmacy: summarised
    // per patient and BNF code, kept (a few issues per code; a tenth of the rows) for both.
    List<Medications.MedicationRule> medRules =
        Multimorbidity.medicationRules(rules.multimorbidity());
    List<Integer> medWindows = new ArrayList<>(Medications.windows(medRules));
    medWindows.add(Features.POLYPHARMACY_MONTHS);
    Dataset<Row> issues = Medications.issuesByCode(meds, asOf, medWindows)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> evidence = CodedEvents.evidence(
        CodedEvents.flags(events, population, codeRules, asOf).unionByName(
            Medications.flags(issues, medRules)));
    Dataset<Row> polypharmacy = Features.polypharmacy(issues);
    Dataset<Row> hfrs = Hfrs.score(spells, rules.hfrs(), asOf);
    Dataset<Row> utilisation =
        Features.utilisation(spells, extract(population, accepted, Extract.AE_ATTENDANCES),
            extract(population, accepted, Extract.OP_APPOINTMENTS), asOf);
    Dataset<Row> social = Features.socialCare(extract(population, accepted, Extract.SOCIAL_CARE), asOf);
    Dataset<Row> housing = Features.housing(extract(population, accepted, Extract.HOUSING), asOf);

    Dataset<Row> wide = population;
    for (Dataset<Row> part :
        List.of(evidence, hfrs, polypharmacy, utilisation, social, housing)) {
      wide = wide.join(part, new String[] {Features.NHS_NUMBER}, "left");
    }
    Column ev = col(CodedEvents.EVIDENCE);
    wide = wide
        .withColumn(Efi.EFI_DEFICITS, Efi.deficits(ev, col(Features.POLYPHARMACY_COUNT)))
        .withColumn(Multimorbidity.LTC_CONDITIONS,
            Multimorbidity.conditions(ev, rules.multimorbidity()))
        .withColumn(Multimorbidity.CMS_SCORE, Multimorbidity.cmsScore(ev, rules.multimorbidity()))
        .withColumn(Multimorbidity.LTC_COUNT, org.apache.spark.sql.functions.size(
            col(Multimorbidity.LTC_CONDITIONS)))
        .drop(CodedEvents.EVIDENCE);
    wide =
        wide.na().fill(0, new String[] {Features.POLYPHARMACY_COUNT,
                Features.EMERGENCY_ADMISSIONS_12M, Features.BED_DAYS_12M,
                Features.AE_ATTENDANCES_12M, Features.OP_DNA_12M})
            .na().fill(0.0, new String[] {Hfrs.HFRS})
            .withColumn(Features.SOCIAL_CARE_SERVICES, emptyIfNull(Features.SOCIAL_CARE_SERVICES));
    return Efi.score(wide)
        .withColumn(Hfrs.HFRS_BAND,
            Hfrs.band(col(Hfrs.HFRS), rules.hfrs()));
  }

  private static Column emptyIfNull(String column) {
    return org.apache.spark.sql.functions.coalesce(col(column),
        org.apache.spark.sql.functions.array().cast("array<string>"));
  }

  private static Dataset<Row> extract(
      Dataset<Row> population, Map<Extract, Dataset<Row>> accepted, Extract e) {
    Dataset<Row> d = accepted.get(e);
    return d != null ? d
        : population.sparkSession().createDataFrame(List.<Row>of(), e.typedSchema());
  }
}
