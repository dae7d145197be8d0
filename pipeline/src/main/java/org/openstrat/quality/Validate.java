package org.openstrat.quality;

import org.openstrat.core.Reason;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.openstrat.core.ExitCode;
import org.openstrat.core.StratException;
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
  private static final String ROW_NUMBER = "_row_number";

  /**
   * The big extracts (95% of the rows, no key): their exact duplicates are found by a hash
   * pre-pass ({@link Lookups#copies}) so that labelling them needs no shuffle, and they are not
   * cached (holding 100M labelled rows costs more than reading them again).
   */
  static final java.util.Set<Extract> LARGE =
      java.util.EnumSet.of(Extract.GP_EVENTS, Extract.GP_MEDICATIONS);

  /**
   * Extracts with a key whose duplicates are found by a pre-pass ({@link #keyDuplicates}) rather
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
              keyDuplicates(e, en.getValue(), asOf, extractDate, keys, pcn, lookups));
        }
        labelled = label(e, en.getValue(), asOf, extractDate, keys, pcn, lookups);
        t = typed(e, labelled);
      }
      accepted.put(e, e == Extract.APC_SPELLS ? mergeEpisodes(t) : t);
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
    List<ColumnRule> rules = ColumnRule.forExtract(e);
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
      d = d.join(broadcast(codes), d.col(name).equalTo(codes.col(BAD + name)), "left_outer");
      validity.put(name, col(BAD + name).isNull());
    }
    // Each date is parsed once into a column: inside the reason's CASE WHEN the parse would run
    // once per test (unparsable, before 1900, after the extract date) and again for the window.
    for (ColumnRule rule : rules) {
      if (rule.kind() == ColumnRule.Kind.DATE) {
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
    List<String> key = ColumnRule.key(e);
    Column dup = lit(null).cast(DataTypes.StringType);
    Column rowDup = when(col(ROW_NUMBER).gt(1), lit(Reason.DUPLICATE_ROW.name()));
    if (lookups.copies() != null) {
      Dataset<Row> copies = lookups.copies();
      d = d.join(broadcast(copies),
          d.col(Ingest.SOURCE_FILE).equalTo(copies.col(COPY_FILE))
              .and(d.col(Ingest.LINE).equalTo(copies.col(COPY_LINE))),
          "left_outer");
      dup = col(COPY_REASON);
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
    String w = ColumnRule.windowDate(e);
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
    for (ColumnRule r : rules) {
      if (r.kind() == ColumnRule.Kind.DATE) {
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

  private static final String BAD = "_bad_";
  private static final String HASH = "_row_hash";
  private static final String COPY_FILE = "_copy_file";
  private static final String COPY_LINE = "_copy_line";
  private static final String COPY_REASON = "_copy_reason";

  /**
   * Small tables computed by pre-passes over an extract, each broadcast into the labelling plan
   * instead of a per-row computation or a full-width shuffle. The labelled extract is then a
   * map-only plan, cheap to compute again for the scores instead of caching 100M rows.
   *
   * @param badCodes per SNOMED column: its distinct values that fail the check, one column
   *     {@code _bad_NAME}. A few thousand distinct ids stand behind 50M events, so each is checked
   *     once instead of a Verhoeff sum on every row. Columnar input only (Parquet, or CSV staged
   *     as Parquet): for CSV read as text the extra pass would parse the file once more, which
   *     costs more than the per-row check.
   * @param copies the (file, line, reason) of every duplicate row ({@code DUPLICATE_ROW} or
   *     {@code DUPLICATE_KEY}), or null to find them with windows over the whole extract. For
   *     {@link #LARGE} extracts, exact copies found by hashing every row (a shuffle of 8-byte
   *     hashes, not of rows), then comparing all fields only among rows whose hash repeats; for
   *     {@link #KEYED} ones, {@link #keyDuplicates}.
   */
  record Lookups(Map<String, Dataset<Row>> badCodes, Dataset<Row> copies) {
    static final Lookups NONE = new Lookups(Map.of(), null);

    Lookups withCopies(Dataset<Row> c) {
      return new Lookups(badCodes, c);
    }

    static Lookups of(Extract e, Dataset<Row> raw, boolean columnar) {
      Map<String, Dataset<Row>> bad = new java.util.HashMap<>();
      for (ColumnRule rule : ColumnRule.forExtract(e)) {
        if (columnar && rule.kind() == ColumnRule.Kind.SNOMED) {
          Column v = col(BAD + rule.name());
          bad.put(rule.name(),
              // The distinct values are cached before the check so the optimiser cannot push
              // the check below the distinct, back onto every row.
              raw.select(col(rule.name()).as(BAD + rule.name()))
                  .where(v.isNotNull())
                  .distinct()
                  .cache()
                  .where(Checks.snomedConceptIdValid(v).unary_$bang())
                  .cache());
        }
      }
      Dataset<Row> copies = null;
      if (LARGE.contains(e)) {
        Column[] all = e.columns().stream().map(Validate::c).toArray(Column[]::new);
        Dataset<Row> hashed = raw.withColumn(HASH, org.apache.spark.sql.functions.xxhash64(all));
        Dataset<Row> repeated = repeatedHashes(hashed.select(col(HASH)));
        List<Column> byRow = new ArrayList<>(List.of(all));
        byRow.add(0, col(HASH));
        copies =
            hashed.join(broadcast(repeated), col(HASH).equalTo(col("_repeated")))
                .withColumn(ROW_NUMBER, row_number().over(
                    Window.partitionBy(byRow.toArray(new Column[0]))
                        .orderBy(col(Ingest.SOURCE_FILE), col(Ingest.LINE))))
                .where(col(ROW_NUMBER).gt(1))
                .select(col(Ingest.SOURCE_FILE).as(COPY_FILE), col(Ingest.LINE).as(COPY_LINE),
                    lit(Reason.DUPLICATE_ROW.name()).as(COPY_REASON))
                .cache();
      }
      return new Lookups(Map.copyOf(bad), copies);
    }
  }

  /**
   * The (file, line, reason) of every {@code DUPLICATE_ROW} and {@code DUPLICATE_KEY} row of a
   * keyed extract. Only a key that occurs more than once can make a duplicate, so the keys'
   * hashes are shuffled (8 bytes a row) to find the repeated ones ({@link #repeatedHashes}), and
   * the rows holding them, whole key groups, are labelled with the windows. A key group is all
   * there or all absent, so each row's duplicate reason is what the windows over the whole extract
   * would give; a hash collision only adds a group.
   */
  static Dataset<Row> keyDuplicates(
      Extract e, Dataset<Row> raw, LocalDate asOf, LocalDate extractDate, Dataset<Row> refKeys,
      Dataset<Row> practicePcn, Lookups lookups) {
    Column keyHash = org.apache.spark.sql.functions.xxhash64(
        ColumnRule.key(e).stream().map(Validate::c).toArray(Column[]::new));
    Dataset<Row> repeated = repeatedHashes(raw.select(keyHash.as(HASH)));
    Dataset<Row> groups =
        raw.join(broadcast(repeated), keyHash.equalTo(col("_repeated")), "left_semi");
    return label(e, groups, asOf, extractDate, refKeys, practicePcn, lookups)
        .where(col(REASON).isin(Reason.DUPLICATE_ROW.name(), Reason.DUPLICATE_KEY.name()))
        .select(col(Ingest.SOURCE_FILE).as(COPY_FILE), col(Ingest.LINE).as(COPY_LINE),
            col(REASON).as(COPY_REASON))
        .cache();
  }

  /**
   * The values of a one-column long Dataset that occur more than once, each once, in a column
   * {@code _repeated}. Shuffled by value, sorted within each partition and read in order: with
   * almost every value distinct (row hashes), a count per value would build a hash table of them
   * all and a useless map-side partial count first.
   */
  static Dataset<Row> repeatedHashes(Dataset<Row> hashes) {
    String c = hashes.columns()[0];
    return hashes.repartition(col(c)).sortWithinPartitions(col(c))
        .as(Encoders.LONG())
        .mapPartitions((MapPartitionsFunction<Long, Long>) Validate::repeatedInOrder,
            Encoders.LONG())
        .toDF("_repeated");
  }

  /** From sorted values, each value that occurs more than once, once (lazily). */
  static Iterator<Long> repeatedInOrder(Iterator<Long> sorted) {
    return new Iterator<>() {
      private Long next; // the next repeated value to return
      private Long ahead; // the first value of the next run, already read

      @Override
      public boolean hasNext() {
        while (next == null && (ahead != null || sorted.hasNext())) {
          Long v = ahead != null ? ahead : sorted.next();
          ahead = null;
          int run = 1;
          while (ahead == null && sorted.hasNext()) {
            Long w = sorted.next();
            if (w.equals(v)) {
              run++;
            } else {
              ahead = w;
            }
          }
          if (run > 1) {
            next = v;
          }
        }
        return next != null;
      }

      @Override
      public Long next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        Long v = next;
        next = null;
        return v;
      }
    };
  }

  /**
   * Structure error, then a field over {@link Checks#MAX_FIELD_CHARS}, then each column's checks
   * in contract order: the first failure. Dates are
   * read from their parsed columns ({@link #parsed}); a column's validity check is replaced by a
   * precomputed boolean (an NHS number found on the registered list, a SNOMED id not among the bad
   * ones) where {@code validity} has one.
   */
  static Column fieldReason(
      List<ColumnRule> rules, LocalDate extractDate, Map<String, Column> validity) {
    Column r = when(col(Ingest.STRUCTURE_ERROR).isNotNull(), col(Ingest.STRUCTURE_ERROR));
    // Before any column's own checks: a field over the maximum is a broken row, whichever it is.
    Column longest = org.apache.spark.sql.functions.greatest(
        rules.stream().map(c -> org.apache.spark.sql.functions.length(col(c.name())))
            .toArray(Column[]::new));
    r = r.when(longest.gt(Checks.MAX_FIELD_CHARS), lit(Reason.FIELD_TOO_LONG.name()));
    Column min = lit(Date.valueOf(Checks.MIN_DATE));
    Column max = lit(Date.valueOf(extractDate));
    for (ColumnRule rule : rules) {
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
    List<ColumnRule> rules = ColumnRule.forExtract(e);
    for (int i = 0; i < rules.size(); i++) {
      ColumnRule rule = rules.get(i);
      StructField f = e.typedSchema().fields()[i];
      Column v = col(rule.name());
      Column t =
          switch (rule.kind()) {
            case DATE -> parsed(rule.name());
            case FLAG -> v.equalTo(lit("Y"));
            case ICD10 -> Checks.normaliseIcd10(v);
            case ICD10_LIST -> Checks.normaliseIcd10List(v);
            default -> v;
          };
      cols.add(t.cast(f.dataType()).as(f.name()));
    }
    cols.add(col(Ingest.SOURCE_FILE));
    cols.add(col(Ingest.LINE));
    return cols;
  }

  /**
   * Merges SUS consultant episodes into spells: rows sharing spell_id (and, by the duplicate
   * check, nhs_number and admission_date) become one row with the first episode's method and
   * primary diagnosis, the latest discharge date, and every episode's other diagnoses as a sorted,
   * distinct secondary list.
   */
  static Dataset<Row> mergeEpisodes(Dataset<Row> apc) {
    Column order = struct(col(Ingest.SOURCE_FILE), col(Ingest.LINE));
    Column firstEpisode =
        min_by(
            struct(
                col("nhs_number"),
                col("provider_code"),
                col("admission_date"),
                col("admission_method"),
                col("primary_diagnosis"),
                col(Ingest.SOURCE_FILE),
                col(Ingest.LINE)),
            order);
    Dataset<Row> g =
        apc.groupBy(col("spell_id"))
            .agg(
                firstEpisode.as("_f"),
                max(col("discharge_date")).as("discharge_date"),
                flatten(
                        collect_list(
                            concat(col("secondary_diagnoses"), array(col("primary_diagnosis")))))
                    .as("_dx"));
    return g.select(
        col("_f.nhs_number").as("nhs_number"),
        col("spell_id"),
        col("_f.provider_code").as("provider_code"),
        col("_f.admission_date").as("admission_date"),
        col("discharge_date"),
        col("_f.admission_method").as("admission_method"),
        col("_f.primary_diagnosis").as("primary_diagnosis"),
        array_sort(array_except(col("_dx"), array(col("_f.primary_diagnosis"))))
            .as("secondary_diagnoses"),
        col("_f." + Ingest.SOURCE_FILE).as(Ingest.SOURCE_FILE),
        col("_f." + Ingest.LINE).as(Ingest.LINE));
  }

  private static Column c(String name) {
    return col(name);
  }
}
