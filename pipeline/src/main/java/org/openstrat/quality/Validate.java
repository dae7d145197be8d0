package org.openstrat.quality;

import org.openstrat.core.Reason;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
import org.openstrat.ingest.ContractColumn;
import org.openstrat.ingest.Extract;
import org.openstrat.ingest.Ingest;
import org.openstrat.ingest.RawExtracts;

/**
 * The quality stage: decides, row by row, what is used (docs/data-contract.md, "Row checks"). A
 * function from raw Datasets to labelled and typed Datasets; it reads, writes and counts nothing.
 *
 * <p>Per extract the plan is one pass and one shuffle: field checks are column expressions, the
 * reference checks are joins against broadcast key sets (practice codes, registered NHS numbers),
 * and the duplicate checks and dataset rules are windows partitioned by the key (or the social-care
 * local authority) and then by all fields, which Spark runs on the same partitioning.
 */
public final class Validate {
  /** Label column: the {@link Reason} name, null when the row is accepted. */
  public static final String REASON = "reason";
  /** Label column: accepted but dated after the as-of date (outside the scoring window). */
  public static final String OUTSIDE_WINDOW = "outside_window";
  /** Rejected-row columns. */
  public static final String EXTRACT = "extract";
  public static final String SOURCE_FILE = "source_file";
  public static final String LINE = "line";
  public static final String RAW = "raw";
  /** Label column of the linked extracts ({@link QualityReport#LINKED_EXTRACTS}): the NHS number of an accepted row. */
  public static final String NHS_NUMBER = "nhs_number";

  private static final String FIELD = "_field_reason";
  private static final String REF_KEY = "_ref_key";
  private static final String PCN_KEY = "_pcn_key";
  private static final String LATEST = "_latest_submission";
  private static final String FIRST = "_first_of_key";
  static final String ROW_NUMBER = "_row_number";

  /**
   * The big extracts (95% of the rows, no key): their exact duplicates are found by a hash
   * pre-pass ({@link Lookups#copies}) so that labelling them needs no shuffle, and they are not
   * cached (holding 100M labelled rows costs more than reading them again).
   */
  static final java.util.Set<Extract> LARGE =
      java.util.EnumSet.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS);

  /**
   * Extracts with a key whose duplicates are found by a pre-pass ({@link Duplicates#ofKeys}) rather
   * than windows over every row: their windows shuffled and sorted every full row (op_appointments
   * has 6M rows at 1M patients). Not apc_spells, whose episodes share their spell's key (almost
   * every key repeats), nor the small reference extracts: they keep the windows.
   */
  static final java.util.Set<Extract> KEYED =
      java.util.EnumSet.of(Extract.PATIENTS, Extract.AE_ATTENDANCES, Extract.OP_APPOINTMENTS);

  /** True for an extract in {@link #LARGE}. */
  public static boolean isLarge(Extract e) {
    return LARGE.contains(e);
  }

  private Validate() {}

  /**
   * Labels and types every extract.
   *
   * @param raw what {@link Ingest#read} found
   * @param asOf the scoring date; must not be after {@code extractDate}
   * @param extractDate the extract date; a date after it is {@code DATE_AFTER_EXTRACT}
   * @param cfg thresholds and population rules (not used to reject rows; carried for the report)
   * @throws StratException exit 2 when as-of is after the extract date
   */
  public static Validated apply(
      RawExtracts raw, LocalDate asOf, LocalDate extractDate, QualityConfig cfg) {
    if (asOf.isAfter(extractDate)) {
      throw new StratException(
          ExitCode.USAGE, "--as-of " + asOf + " is after the extract date " + extractDate);
    }
    Map<Extract, Dataset<Row>> in = raw.raw();
    Dataset<Row> practicesRaw = in.get(Extract.PRACTICES);
    Dataset<Row> patientsRaw = in.get(Extract.PATIENTS);
    if (practicesRaw == null || patientsRaw == null) {
      throw StratException.input("Cannot validate " + raw.inputDir()
          + ": the practices and patients extracts are both required");
    }
    // The key sets are broadcast into every extract's plan: cached (lazily, on first use) so the
    // patients extract is not re-read for each one.
    Dataset<Row> practiceCodes =
        practicesRaw.select(col("practice_code").as(REF_KEY)).where(col(REF_KEY).isNotNull())
            .distinct()
            .cache();
    // Only valid numbers: a row whose NHS number is found here needs no Modulus 11 check of its
    // own (the check is the dearest per-row expression; most rows of the big extracts match).
    Dataset<Row> registered =
        patientsRaw.select(col("nhs_number").as(REF_KEY))
            .where(col(REF_KEY).isNotNull().and(Checks.nhsNumberValid(col(REF_KEY))))
            .distinct()
            .cache();

    Map<Extract, Dataset<Row>> accepted = new EnumMap<>(Extract.class);
    Map<Extract, Dataset<Row>> labels = new EnumMap<>(Extract.class);
    Map<Extract, Dataset<Row>> labelledAll = new EnumMap<>(Extract.class);

    Dataset<Row> practicesLabelled =
        label(Extract.PRACTICES, practicesRaw, asOf, extractDate, null, null, Lookups.NONE);
    Dataset<Row> practicesAccepted = typed(Extract.PRACTICES, practicesLabelled);
    Dataset<Row> practicePcn = practicePcnOn(practicesAccepted, asOf).cache();

    for (Map.Entry<Extract, Dataset<Row>> en : in.entrySet()) {
      Extract e = en.getKey();
      Dataset<Row> labelled;
      Dataset<Row> t;
      boolean columnar = raw.isColumnar(e);
      if (e == Extract.PRACTICES) {
        labelled = practicesLabelled;
        t = practicesAccepted;
      } else {
        Dataset<Row> keys =
            e == Extract.PATIENTS ? practiceCodes : e.isPatientLevel() ? registered : null;
        Dataset<Row> pcn = e == Extract.PATIENTS ? practicePcn : null;
        Lookups lookups = Lookups.of(e, en.getValue(), columnar);
        if (KEYED.contains(e)) {
          lookups = lookups.withCopies(
              Duplicates.ofKeys(e, en.getValue(), asOf, extractDate, keys, pcn, lookups));
        }
        labelled = label(e, en.getValue(), asOf, extractDate, keys, pcn, lookups);
        t = typed(e, labelled);
      }
      accepted.put(e, e == Extract.APC_SPELLS ? Episodes.merge(t) : t);
      labels.put(e, labelsOf(e, labelled));
      labelledAll.put(e, labelled);
    }
    return new Validated(
        asOf,
        extractDate,
        cfg,
        raw,
        Collections.unmodifiableMap(accepted),
        Collections.unmodifiableMap(labels),
        Collections.unmodifiableMap(labelledAll),
        practicePcn);
  }

  /**
   * The practice mapping valid on {@code asOf}: start_date on or before it, end_date null or after
   * it, and a PCN code. When two rows overlap, the later start wins.
   */
  public static Dataset<Row> practicePcnOn(Dataset<Row> practicesTyped, LocalDate asOf) {
    Column d = lit(Date.valueOf(asOf));
    WindowSpec w =
        Window.partitionBy(col("practice_code"))
            .orderBy(col("start_date").desc(), col(Ingest.SOURCE_FILE), col(Ingest.LINE));
    return practicesTyped
        .where(
            col("start_date").leq(d)
                .and(col("end_date").isNull().or(col("end_date").gt(d)))
                .and(col("pcn_code").isNotNull()))
        .withColumn(ROW_NUMBER, row_number().over(w))
        .where(col(ROW_NUMBER).equalTo(1))
        .select(Extract.PRACTICES.columns().stream().map(Validate::c).toArray(Column[]::new));
  }

  // ---- labelling ----

  /**
   * The raw rows with {@link #REASON} and {@link #OUTSIDE_WINDOW}.
   *
   * @param refKeys for patients the known practice codes, for other patient-level extracts the
   *     registered NHS numbers; one column {@code _ref_key}
   * @param practicePcn for patients: the practices mapped to a PCN on the as-of date
   */
  static Dataset<Row> label(
      Extract e,
      Dataset<Row> raw,
      LocalDate asOf,
      LocalDate extractDate,
      Dataset<Row> refKeys,
      Dataset<Row> practicePcn,
      Lookups lookups) {
    List<ContractColumn> rules = e.contract();
    Dataset<Row> d = raw;
    Map<String, Column> validity = new java.util.HashMap<>();

    // 4. references (computed first: a broadcast join needs no shuffle)
    Column ref = lit(null).cast(DataTypes.StringType);
    if (refKeys != null) {
      String on = e == Extract.PATIENTS ? "practice_code" : "nhs_number";
      Reason why = e == Extract.PATIENTS ? Reason.UNKNOWN_PRACTICE : Reason.UNREGISTERED_PATIENT;
      d = d.join(broadcast(refKeys), d.col(on).equalTo(refKeys.col(REF_KEY)), "left_outer");
      ref = when(col(REF_KEY).isNull(), lit(why.name()));
      if (e != Extract.PATIENTS) {
        // The registered keys are valid NHS numbers: only a row without a match is checked.
        validity.put("nhs_number",
            col(REF_KEY).isNotNull().or(Checks.nhsNumberValid(col("nhs_number"))));
      }
    }
    for (Map.Entry<String, Dataset<Row>> bad : lookups.badCodes().entrySet()) {
      String name = bad.getKey();
      Dataset<Row> codes = bad.getValue();
      d = d.join(broadcast(codes), d.col(name).equalTo(codes.col(Lookups.BAD + name)), "left_outer");
      validity.put(name, col(Lookups.BAD + name).isNull());
    }
    // Each date is parsed once into a column: inside the reason's CASE WHEN the parse would run
    // once per test (unparsable, before 1900, after the extract date) and again for the window.
    for (ContractColumn rule : rules) {
      if (rule.kind() == ContractColumn.Kind.DATE) {
        d = d.withColumn(PARSED + rule.name(), Checks.parseDate(col(rule.name())));
      }
    }
    d = d.withColumn(FIELD, fieldReason(rules, extractDate, validity));
    Column ok = col(FIELD).isNull();
    Column rule = lit(null).cast(DataTypes.StringType);
    if (practicePcn != null) {
      Dataset<Row> mapped = practicePcn.select(col("practice_code").as(PCN_KEY));
      d = d.join(broadcast(mapped), d.col("practice_code").equalTo(mapped.col(PCN_KEY)),
          "left_outer");
      rule = when(col(PCN_KEY).isNull(), lit(Reason.PRACTICE_WITHOUT_PCN.name()));
    }

    // 5. social care: each local authority's latest submission dated on or before the as-of date
    // (duplicates share their original's submission date, so computing this before the duplicate
    // check changes nothing). A submission sent after the as-of date is not superseded by it and
    // does not supersede the one current then: its rows stay valid data (a backtest reads them)
    // and the scores ignore them (Features.socialCare), so a run a year back sees what was known.
    if (e == Extract.SOCIAL_CARE) {
      Column sub = parsed("submission_date");
      d = d.withColumn(LATEST,
          max(when(ok.and(ref.isNull()).and(sub.leq(lit(Date.valueOf(asOf)))), sub))
              .over(Window.partitionBy(col("la_code"))));
      rule = when(sub.lt(col(LATEST)), lit(Reason.SUPERSEDED_SUBMISSION.name()));
    }

    // 3. duplicates, among rows whose fields are valid; earlier = lower (file, line)
    Column[] order = {col(Ingest.SOURCE_FILE), col(Ingest.LINE)};
    Column[] all = e.columns().stream().map(Validate::c).toArray(Column[]::new);
    List<String> key = e.key();
    Column dup = lit(null).cast(DataTypes.StringType);
    Column rowDup = when(col(ROW_NUMBER).gt(1), lit(Reason.DUPLICATE_ROW.name()));
    if (lookups.copies() != null) {
      Dataset<Row> copies = lookups.copies();
      d = d.join(broadcast(copies),
          d.col(Ingest.SOURCE_FILE).equalTo(copies.col(Duplicates.COPY_FILE))
              .and(d.col(Ingest.LINE).equalTo(copies.col(Duplicates.COPY_LINE))),
          "left_outer");
      dup = col(Duplicates.COPY_REASON);
    } else if (!key.isEmpty()) {
      Column identity =
          e == Extract.APC_SPELLS ? struct(col("nhs_number"), col("admission_date")) : struct(all);
      WindowSpec byKey =
          Window.partitionBy(key.stream().map(Validate::c).toArray(Column[]::new)).orderBy(order);
      d = d.withColumn(FIRST, first(when(ok, identity), true).over(byKey));
      dup = rowDup.when(identity.eqNullSafe(col(FIRST)).unary_$bang(),
          lit(Reason.DUPLICATE_KEY.name()));
    } else {
      dup = rowDup;
    }
    // Partitioned by the key (when there is one, so the key window's shuffle is reused), then a
    // hash of all fields first so the sort compares longs, not shared NHS-number prefixes.
    if (lookups.copies() == null) {
      List<Column> byRow = new ArrayList<>();
      key.forEach(k -> byRow.add(col(k)));
      byRow.add(org.apache.spark.sql.functions.xxhash64(all));
      byRow.addAll(List.of(all));
      d = d.withColumn(ROW_NUMBER,
          row_number().over(Window.partitionBy(byRow.toArray(new Column[0])).orderBy(order)));
    }

    Column reason =
        when(ok.unary_$bang(), col(FIELD))
            .otherwise(
                org.apache.spark.sql.functions.coalesce(dup, ref, rule));
    d = d.withColumn(REASON, reason);
    String w = e.windowDate();
    Column outside =
        w == null
            ? lit(false)
            : col(REASON).isNull().and(parsed(w).gt(lit(Date.valueOf(asOf))));
    d = d.withColumn(OUTSIDE_WINDOW, org.apache.spark.sql.functions.coalesce(outside, lit(false)));
    List<Column> keep = new ArrayList<>(List.of(all));
    keep.add(col(Ingest.SOURCE_FILE));
    keep.add(col(Ingest.LINE));
    // The raw text is only ever used for rejected rows: dropped from accepted ones so a cached
    // labelled extract does not hold every CSV line twice.
    keep.add(when(col(REASON).isNotNull(), col(Ingest.RAW)).as(Ingest.RAW));
    keep.add(col(REASON));
    keep.add(col(OUTSIDE_WINDOW));
    for (ContractColumn r : rules) {
      if (r.kind() == ContractColumn.Kind.DATE) {
        keep.add(parsed(r.name()));
      }
    }
    return d.select(keep.toArray(new Column[0]));
  }

  /** Column prefix: a DATE column parsed once by {@link Checks#parseDate}. */
  private static final String PARSED = "_parsed_";

  /** The parsed form of a date column (null when unparsable), made once by {@link #label}. */
  private static Column parsed(String dateColumn) {
    return col(PARSED + dateColumn);
  }

  /** The name of a date column's parsed form in a labelled extract. */
  static String parsedName(String dateColumn) {
    return PARSED + dateColumn;
  }

  /** The parsed form of a date column in a labelled extract (null when unparsable). */
  static Column parsedColumn(String dateColumn) {
    return parsed(dateColumn);
  }

  /** The greatest of {@code f} over the contract's columns. */
  private static Column greatestOf(
      List<ContractColumn> rules, java.util.function.Function<Column, Column> f) {
    return org.apache.spark.sql.functions.greatest(
        rules.stream().map(c -> f.apply(col(c.name()))).toArray(Column[]::new));
  }

  /**
   * Structure error, then a field over {@link Checks#MAX_FIELD_CHARS}, then each column's checks
   * in contract order: the first failure. Dates are
   * read from their parsed columns ({@link #parsed}); a column's validity check is replaced by a
   * precomputed boolean (an NHS number found on the registered list, a SNOMED id not among the bad
   * ones) where {@code validity} has one.
   */
  static Column fieldReason(
      List<ContractColumn> rules, LocalDate extractDate, Map<String, Column> validity) {
    Column r = when(col(Ingest.STRUCTURE_ERROR).isNotNull(), col(Ingest.STRUCTURE_ERROR));
    // Before any column's own checks: a field over the maximum is a broken row, whichever it is.
    // Characters are counted (a walk over each field's bytes) only where some field has more
    // bytes than the limit allows characters: a character is at least one byte.
    int limit = Checks.MAX_FIELD_CHARS;
    r = r.when(greatestOf(rules, org.apache.spark.sql.functions::octet_length).gt(limit)
            .and(greatestOf(rules, org.apache.spark.sql.functions::length).gt(limit)),
        lit(Reason.FIELD_TOO_LONG.name()));
    Column min = lit(Date.valueOf(Checks.MIN_DATE));
    Column max = lit(Date.valueOf(extractDate));
    for (ContractColumn rule : rules) {
      Column v = col(rule.name());
      if (rule.required()) {
        r = r.when(v.isNull(), lit(Reason.MISSING_VALUE.name()));
      }
      Column present = v.isNotNull();
      switch (rule.kind()) {
        case TEXT -> { }
        case NHS -> r = r.when(
            present.and(validity.getOrDefault(rule.name(), Checks.nhsNumberValid(v)).unary_$bang()),
            lit(Reason.INVALID_NHS_NUMBER.name()));
        case DATE -> {
          Column parsed = parsed(rule.name());
          r = r.when(present.and(parsed.isNull()), lit(Reason.UNPARSABLE_DATE.name()))
              .when(present.and(parsed.lt(min)), lit(Reason.DATE_BEFORE_1900.name()));
          if (rule.futureIsDefect()) {
            r = r.when(present.and(parsed.gt(max)), lit(Reason.DATE_AFTER_EXTRACT.name()));
          }
        }
        case SNOMED -> r = r.when(
            present.and(
                validity.getOrDefault(rule.name(), Checks.snomedConceptIdValid(v)).unary_$bang()),
            lit(Reason.INVALID_SNOMED.name()));
        case ICD10 -> r = r.when(
            present.and(Checks.icd10Valid(Checks.normaliseIcd10(v)).unary_$bang()),
            lit(Reason.INVALID_ICD10.name()));
        case ICD10_LIST -> r = r.when(present.and(Checks.icd10ListValid(v).unary_$bang()),
            lit(Reason.INVALID_ICD10.name()));
        case ADMISSION_METHOD -> r = r.when(
            present.and(v.isin(Checks.ADMISSION_METHODS.toArray()).unary_$bang()),
            lit(Reason.INVALID_ADMISSION_METHOD.name()));
        case ATTENDANCE_STATUS -> r = r.when(
            present.and(v.isin(Checks.ATTENDANCE_STATUSES.toArray()).unary_$bang()),
            lit(Reason.INVALID_ATTENDANCE_STATUS.name()));
        case PATTERN -> r = r.when(present.and(v.rlike(rule.pattern()).unary_$bang()),
            lit(Reason.INVALID_VALUE.name()));
        case SET -> r = r.when(present.and(v.isin(rule.values().toArray()).unary_$bang()),
            lit(Reason.INVALID_VALUE.name()));
        case FLAG -> r = r.when(present.and(v.isin("Y", "N").unary_$bang()),
            lit(Reason.INVALID_VALUE.name()));
        case NUMBER -> r = r.when(present.and(
                v.rlike("^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$").unary_$bang()),
            lit(Reason.INVALID_VALUE.name()));
        case INT -> r = r.when(present.and(v.rlike("^(10|[1-9])$").unary_$bang()),
            lit(Reason.INVALID_VALUE.name()));
        default -> throw new IllegalStateException("unhandled " + rule.kind());
      }
    }
    return r;
  }

  static Dataset<Row> labelsOf(Extract e, Dataset<Row> labelled) {
    Column rejected = col(REASON).isNotNull();
    // Staged rows (Staging) carry their rejected text already; others rebuild it from the fields.
    Column raw = java.util.Arrays.asList(labelled.columns()).contains(Staging.REJECTED_RAW)
        ? col(Staging.REJECTED_RAW)
        : Ingest.rawText(e);
    List<Column> cols = new ArrayList<>(List.of(
        col(REASON),
        col(OUTSIDE_WINDOW),
        when(rejected, col(Ingest.SOURCE_FILE)).as(SOURCE_FILE),
        when(rejected, col(Ingest.LINE)).as(LINE),
        when(rejected, raw).as(RAW)));
    if (QualityReport.LINKED_EXTRACTS.contains(e)) {
      // Linkage per PCN is counted from the (cached) labels rather than a second validation pass.
      cols.add(when(rejected.unary_$bang(), col("nhs_number")).as(NHS_NUMBER));
    }
    return labelled.select(cols.toArray(new Column[0]));
  }

  // ---- typing ----

  /** Accepted rows in {@link Extract#typedSchema()} form, then {@code _source_file}, {@code _line}. */
  static Dataset<Row> typed(Extract e, Dataset<Row> labelled) {
    return labelled.where(col(REASON).isNull()).select(typedColumns(e).toArray(new Column[0]));
  }

  /**
   * The columns of {@link #typed} over a labelled extract: {@link Extract#typedSchema()}, then
   * {@code _source_file}, {@code _line}.
   */
  static List<Column> typedColumns(Extract e) {
    List<Column> cols = new ArrayList<>();
    for (ContractColumn rule : e.contract()) {
      Column v = col(rule.name());
      Column t =
          switch (rule.kind()) {
            case DATE -> parsed(rule.name());
            case FLAG -> v.equalTo(lit("Y"));
            case ICD10 -> Checks.normaliseIcd10(v);
            case ICD10_LIST -> Checks.normaliseIcd10List(v);
            default -> v;
          };
      cols.add(t.cast(rule.typed()).as(rule.name()));
    }
    cols.add(col(Ingest.SOURCE_FILE));
    cols.add(col(Ingest.LINE));
    return cols;
  }

  private static Column c(String name) {
    return col(name);
  }
}
