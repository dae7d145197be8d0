package org.openstrat.generate;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.openstrat.ingest.Extract;
import org.openstrat.core.Reason;
import org.openstrat.util.CheckDigits;

/**
 * Injects realistic defects into otherwise valid rows at a fixed rate and counts them for the
 * generator ledger (docs/data-contract.md, "Generator ledger").
 *
 * <p>Each defect makes its row fail exactly one check, the one named by its reason, and touches no
 * other row: a replaced row is not also written in its valid form; an added row (exact duplicate,
 * duplicate key, unregistered patient) follows its original. Only rows marked eligible are used (not
 * the episodes of a multi-episode spell, not superseded social-care submissions, not practices or
 * LSOAs, whose defects would cascade to every patient of the practice). Structural defects are CSV
 * only, and only on rows with no character that needs quoting. An unterminated quote is put at the
 * start of the last field followed by text with a comma, so that if a later lone quote closed it the
 * record would have too many fields: the RFC 4180 record parser in the contract then rejects exactly
 * the line with the quote. It is only used in extracts that carry no legitimately quoted fields.
 */
final class Defects {

  /** Every defect the generator can inject, with the reason ingest must give and rows rejected per injection. */
  enum Defect {
    INVALID_NHS_NUMBER("invalid_nhs_number", Reason.INVALID_NHS_NUMBER, 1, false),
    MISSING_VALUE("missing_value", Reason.MISSING_VALUE, 1, false),
    UNPARSABLE_DATE("unparsable_date", Reason.UNPARSABLE_DATE, 1, false),
    DATE_BEFORE_1900("date_before_1900", Reason.DATE_BEFORE_1900, 1, false),
    FUTURE_DATE("future_date", Reason.DATE_AFTER_EXTRACT, 1, false),
    INVALID_SNOMED("invalid_snomed", Reason.INVALID_SNOMED, 1, false),
    INVALID_ICD10("invalid_icd10", Reason.INVALID_ICD10, 1, false),
    INVALID_ADMISSION_METHOD("invalid_admission_method", Reason.INVALID_ADMISSION_METHOD, 1, false),
    INVALID_ATTENDANCE_STATUS("invalid_attendance_status", Reason.INVALID_ATTENDANCE_STATUS, 1, false),
    INVALID_VALUE("invalid_value", Reason.INVALID_VALUE, 1, false),
    EXACT_DUPLICATE("exact_duplicate", Reason.DUPLICATE_ROW, 1, false),
    DUPLICATE_KEY("duplicate_key", Reason.DUPLICATE_KEY, 1, false),
    UNKNOWN_PRACTICE("unknown_practice", Reason.UNKNOWN_PRACTICE, 1, false),
    UNREGISTERED_PATIENT("unregistered_patient", Reason.UNREGISTERED_PATIENT, 1, false),
    SHORT_ROW("short_row", Reason.SHORT_ROW, 1, true),
    LONG_ROW("long_row", Reason.LONG_ROW, 1, true),
    UNQUOTED_NEWLINE("unquoted_newline", Reason.SHORT_ROW, 2, true),
    UNTERMINATED_QUOTE("unterminated_quote", Reason.UNTERMINATED_QUOTE, 1, true);

    final String label;
    final Reason reason;
    final int rejectedPerRow;
    final boolean structural;

    Defect(String label, Reason reason, int rejectedPerRow, boolean structural) {
      this.label = label;
      this.reason = reason;
      this.rejectedPerRow = rejectedPerRow;
      this.structural = structural;
    }
  }

  /** A defect and the column it acts on (-1 when it acts on the whole row). */
  record Spec(Defect defect, int column) {}

  /** Where rows go after the defect decision. */
  interface Sink {
    void row(Extract e, String[] fields);

    /** A physical line written as is (CSV structural defects only). */
    void raw(Extract e, String line);
  }

  private final double rate;
  private final boolean csv;
  private final Map<Extract, List<Spec>> specs = new EnumMap<>(Extract.class);
  /** Counts of injected rows, [extract][defect]. */
  final long[][] injected = new long[Extract.values().length][Defect.values().length];

  private final Dates dates;
  private SplittableRandom rnd;
  private long patientIndex;
  private int added;

  Defects(double rate, boolean csv, Dates dates) {
    this.rate = rate;
    this.csv = csv;
    this.dates = dates;
    for (Extract e : Extract.values()) {
      specs.put(e, applicable(e, csv));
    }
  }

  /** The defects that apply to an extract (and format). Column indexes follow the contract order. */
  static List<Spec> applicable(Extract e, boolean csv) {
    List<Spec> s = new ArrayList<>();
    boolean quotedText = false;
    boolean structural = csv;
    switch (e) {
      case PATIENTS -> {
        // Never the NHS number, and no structural defect (a line that is not a record has no
        // NHS number): the patient's other rows would become unregistered.
        quotedText = true;
        structural = false;
        s.add(new Spec(Defect.MISSING_VALUE, 3));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 1));
        s.add(new Spec(Defect.DATE_BEFORE_1900, 1));
        s.add(new Spec(Defect.FUTURE_DATE, 4));
        s.add(new Spec(Defect.INVALID_VALUE, 2));
        s.add(new Spec(Defect.UNKNOWN_PRACTICE, 3));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.DUPLICATE_KEY, 4));
      }
      case GP_EVENTS -> {
        s.add(new Spec(Defect.INVALID_NHS_NUMBER, 0));
        s.add(new Spec(Defect.MISSING_VALUE, 2));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 1));
        s.add(new Spec(Defect.DATE_BEFORE_1900, 1));
        s.add(new Spec(Defect.FUTURE_DATE, 1));
        s.add(new Spec(Defect.INVALID_SNOMED, 2));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.UNREGISTERED_PATIENT, -1));
      }
      case GP_MEDICATIONS -> {
        s.add(new Spec(Defect.INVALID_NHS_NUMBER, 0));
        s.add(new Spec(Defect.MISSING_VALUE, 2));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 1));
        s.add(new Spec(Defect.FUTURE_DATE, 1));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.UNREGISTERED_PATIENT, -1));
      }
      case APC_SPELLS -> {
        s.add(new Spec(Defect.INVALID_NHS_NUMBER, 0));
        s.add(new Spec(Defect.MISSING_VALUE, 6));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 3));
        s.add(new Spec(Defect.FUTURE_DATE, 3));
        s.add(new Spec(Defect.INVALID_ICD10, 6));
        s.add(new Spec(Defect.INVALID_ADMISSION_METHOD, 5));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.DUPLICATE_KEY, 3));
        s.add(new Spec(Defect.UNREGISTERED_PATIENT, 1));
      }
      case AE_ATTENDANCES -> {
        s.add(new Spec(Defect.INVALID_NHS_NUMBER, 0));
        s.add(new Spec(Defect.MISSING_VALUE, 3));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 2));
        s.add(new Spec(Defect.FUTURE_DATE, 2));
        s.add(new Spec(Defect.INVALID_VALUE, 3));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.DUPLICATE_KEY, 2));
        s.add(new Spec(Defect.UNREGISTERED_PATIENT, 1));
      }
      case OP_APPOINTMENTS -> {
        s.add(new Spec(Defect.INVALID_NHS_NUMBER, 0));
        s.add(new Spec(Defect.MISSING_VALUE, 3));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 2));
        s.add(new Spec(Defect.FUTURE_DATE, 2));
        s.add(new Spec(Defect.INVALID_ATTENDANCE_STATUS, 3));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.DUPLICATE_KEY, 2));
        s.add(new Spec(Defect.UNREGISTERED_PATIENT, 1));
      }
      case SOCIAL_CARE -> {
        // Never submission_date: it decides which rows are superseded.
        quotedText = true;
        s.add(new Spec(Defect.INVALID_NHS_NUMBER, 0));
        s.add(new Spec(Defect.MISSING_VALUE, 2));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 4));
        s.add(new Spec(Defect.FUTURE_DATE, 4));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.UNREGISTERED_PATIENT, -1));
      }
      case HOUSING -> {
        s.add(new Spec(Defect.INVALID_NHS_NUMBER, 0));
        s.add(new Spec(Defect.MISSING_VALUE, 2));
        s.add(new Spec(Defect.UNPARSABLE_DATE, 2));
        s.add(new Spec(Defect.FUTURE_DATE, 2));
        s.add(new Spec(Defect.INVALID_VALUE, 3));
        s.add(new Spec(Defect.EXACT_DUPLICATE, -1));
        s.add(new Spec(Defect.UNREGISTERED_PATIENT, -1));
      }
      default -> {
        return s; // practices, lsoa_deprivation: reference data, no defects
      }
    }
    if (structural) {
      s.add(new Spec(Defect.SHORT_ROW, -1));
      s.add(new Spec(Defect.LONG_ROW, -1));
      s.add(new Spec(Defect.UNQUOTED_NEWLINE, -1));
      if (!quotedText) {
        s.add(new Spec(Defect.UNTERMINATED_QUOTE, -1));
      }
    }
    return s;
  }

  /** Starts a patient: defect draws come from the patient's own stream. */
  void startPatient(long seed, long index) {
    this.rnd = Rng.patient(seed, index, Rng.DEFECTS);
    this.patientIndex = index;
    this.added = 0;
  }

  /**
   * Writes one generated row, or a defective form of it. {@code eligible} is false for rows a defect
   * would cascade from (episodes of multi-episode spells, superseded submissions).
   */
  void emit(Extract e, String[] row, boolean eligible, Sink out) {
    if (rate <= 0 || !eligible || rnd.nextDouble() >= rate) {
      out.row(e, row);
      return;
    }
    List<Spec> list = specs.get(e);
    if (list.isEmpty()) {
      out.row(e, row);
      return;
    }
    Spec spec = list.get(rnd.nextInt(list.size()));
    if (spec.defect().structural && needsQuoting(row)) {
      out.row(e, row);
      return;
    }
    apply(e, row, spec, out);
    injected[e.ordinal()][spec.defect().ordinal()]++;
  }

  private void apply(Extract e, String[] row, Spec spec, Sink out) {
    String[] d = row.clone();
    int c = spec.column();
    switch (spec.defect()) {
      case INVALID_NHS_NUMBER -> {
        d[0] = invalidNhs(row[0]);
        out.row(e, d);
      }
      case MISSING_VALUE -> {
        d[c] = "";
        out.row(e, d);
      }
      case UNPARSABLE_DATE -> {
        String[] bad = {"2024-02-30", "31/12/2023", "2023-13-01", "2023/01/05", "not known"};
        d[c] = bad[rnd.nextInt(bad.length)];
        out.row(e, d);
      }
      case DATE_BEFORE_1900 -> {
        d[c] = (1850 + rnd.nextInt(50)) + "-0" + (1 + rnd.nextInt(9)) + "-1" + rnd.nextInt(9);
        out.row(e, d);
      }
      case FUTURE_DATE -> {
        d[c] = dates.str(dates.extractDay + 1 + rnd.nextInt(365));
        out.row(e, d);
      }
      case INVALID_SNOMED -> {
        d[c] = flipLastDigit(row[c]);
        out.row(e, d);
      }
      case INVALID_ICD10 -> {
        String[] bad = {"ABC", "123", "I1", "9Z99", "R.X"};
        d[c] = bad[rnd.nextInt(bad.length)];
        out.row(e, d);
      }
      case INVALID_ADMISSION_METHOD -> {
        String[] bad = {"99", "1", "X1", "20"};
        d[c] = bad[rnd.nextInt(bad.length)];
        out.row(e, d);
      }
      case INVALID_ATTENDANCE_STATUS -> {
        String[] bad = {"9", "X", "1"};
        d[c] = bad[rnd.nextInt(bad.length)];
        out.row(e, d);
      }
      case INVALID_VALUE -> {
        d[c] =
            switch (e) {
              case PATIENTS -> rnd.nextBoolean() ? "X" : "male";
              case AE_ATTENDANCES -> rnd.nextBoolean() ? "06" : "10";
              default -> rnd.nextBoolean() ? "council" : "owner occupier";
            };
        out.row(e, d);
      }
      case UNKNOWN_PRACTICE -> {
        d[c] = Ics.unknownPracticeCode(rnd.nextInt(80_000));
        out.row(e, d);
      }
      case EXACT_DUPLICATE -> {
        out.row(e, row);
        out.row(e, d);
      }
      case DUPLICATE_KEY -> {
        out.row(e, row);
        // Same key, another valid date: a key clash, not a copy (patients: registration_start;
        // spells: admission_date, so it is not an episode of the same spell).
        d[c] = shiftDate(row[c], -1 - rnd.nextInt(5));
        out.row(e, d);
      }
      case UNREGISTERED_PATIENT -> {
        out.row(e, row);
        d[0] = unregisteredNhs();
        if (c >= 0) {
          d[c] = row[c] + "9" + (added++);
        }
        out.row(e, d);
      }
      case SHORT_ROW -> out.raw(e, String.join(",", java.util.Arrays.copyOf(row, row.length - 1)));
      case LONG_ROW -> out.raw(e, String.join(",", row) + ",extra");
      case UNQUOTED_NEWLINE -> {
        // Split inside field j (1-based, 2..n-1): both halves have fewer fields than the header.
        int n = row.length;
        int j = 2 + rnd.nextInt(n - 2);
        String f = row[j - 1];
        int k = f.length() >= 2 ? 1 + rnd.nextInt(f.length() - 1) : 0;
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < j - 1; i++) {
          a.append(row[i]).append(',');
        }
        a.append(f, 0, k);
        StringBuilder b = new StringBuilder(f.substring(k));
        for (int i = j; i < n; i++) {
          b.append(',').append(row[i]);
        }
        out.raw(e, a + "\n" + b);
      }
      case UNTERMINATED_QUOTE -> {
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < row.length - 1; i++) {
          a.append(row[i]).append(',');
        }
        a.append('"').append(row[row.length - 1]).append(",no closing quote");
        out.raw(e, a.toString());
      }
      default -> throw new IllegalStateException(spec.defect().name());
    }
  }

  private String invalidNhs(String valid) {
    return switch (rnd.nextInt(5)) {
      case 0 -> "0000000000";
      case 1 -> valid.substring(0, 9);
      case 2 -> "1111111111"; // reserved: all ten digits the same
      default -> {
        // Wrong check digit: Modulus 11 has one valid check digit for nine digits.
        String nine = valid.substring(0, 9);
        String s;
        do {
          s = nine + rnd.nextInt(10);
        } while (CheckDigits.nhsNumberValid(s));
        yield s;
      }
    };
  }

  private String flipLastDigit(String code) {
    int last = code.charAt(code.length() - 1) - '0';
    int other = (last + 1 + rnd.nextInt(9)) % 10;
    return code.substring(0, code.length() - 1) + other;
  }

  private String shiftDate(String iso, int days) {
    return dates.str((int) java.time.LocalDate.parse(iso).toEpochDay() + days);
  }

  /** A valid NHS number outside the range patients get (600000000x): on no list. */
  private String unregisteredNhs() {
    long base = 600_000_000L + (Math.floorMod(patientIndex * 7919L + added * 104_729L + rnd.nextInt(1000), 9_000_000L)) * 10;
    for (int k = 0; ; k++) {
      String nine = Long.toString(base + k);
      Integer check = CheckDigits.nhsCheckDigit(nine);
      String s = nine + (check == null ? "" : check);
      if (check != null && CheckDigits.nhsNumberValid(s)) {
        return s;
      }
    }
  }

  private static boolean needsQuoting(String[] row) {
    for (String f : row) {
      for (int i = 0; i < f.length(); i++) {
        char ch = f.charAt(i);
        if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') {
          return true;
        }
      }
    }
    return false;
  }

  /** Adds another chunk's counts into this one. */
  void addCounts(Defects other) {
    for (int i = 0; i < injected.length; i++) {
      for (int j = 0; j < injected[i].length; j++) {
        injected[i][j] += other.injected[i][j];
      }
    }
  }

  boolean csv() {
    return csv;
  }
}
