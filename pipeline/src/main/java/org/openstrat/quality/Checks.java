package org.openstrat.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_remove;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.locate;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.openstrat.core.Reason;
import org.openstrat.spark.Codegen;
import org.openstrat.util.CheckDigits;

/**
 * Row checks as Spark column expressions (no UDFs): the JIT-compiled form of {@link CheckDigits}
 * and the contract's value rules. Each {@code ...Valid} returns a boolean column that is true for a
 * valid non-null value; callers check nulls first.
 */
public final class Checks {
  private Checks() {}

  /** The earliest valid date: anything before is a data-entry default, not a real date. */
  public static final LocalDate MIN_DATE = LocalDate.of(1900, 1, 1);

  /** The longest a field may be, in characters: {@link Reason#MAX_FIELD_CHARS}. */
  public static final int MAX_FIELD_CHARS = Reason.MAX_FIELD_CHARS;

  /**
   * NHS Data Dictionary ADMISSION METHOD codes (datadictionary.nhs.uk, attribute ADMISSION
   * METHOD; copied to rules/reference/admission-methods.csv), including retired 28, still present
   * in older data.
   */
  public static final Set<String> ADMISSION_METHODS =
      Set.of(
          "11", "12", "13", "21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28", "31", "32",
          "81", "82", "83");

  /** Emergency admission methods (the {@code 2x} group). */
  public static final Set<String> EMERGENCY_ADMISSION_METHODS =
      Set.of("21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28");

  /** Outpatient ATTENDANCE STATUS codes: 5,6 attended; 3,7 did not attend; 2,4 cancelled. */
  public static final Set<String> ATTENDANCE_STATUSES = Set.of("2", "3", "4", "5", "6", "7");

  /** A date string parsed as a DATE, null when not an ISO calendar date. */
  public static Column parseDate(Column s) {
    // The shape by fixed positions, then a cast: the cast's parser only accepts digits and the two
    // dashes here, and rejects impossible days such as 2023-02-30. Same result as
    // rlike("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") then to_date(s, "yyyy-MM-dd"), without a regex and a
    // DateTimeFormatter on every row. instr, locate and the comparison for the first character
    // copy nothing; the one substring guards the last character, which the cast would trim. Ten
    // bytes, not ten characters: a date is ASCII, and bytes are known without a walk over them.
    Column shape =
        octet_length(s).equalTo(10)
            .and(instr(s, "-").equalTo(5))
            .and(locate("-", s, 6).equalTo(8))
            .and(s.geq("0")).and(s.lt(":"))
            .and(s.substr(10, 1).between("0", "9"));
    return when(shape, s.cast(DataTypes.DateType));
  }

  public static Column dateParsable(Column s) {
    return parseDate(s).isNotNull();
  }

  /**
   * Modulus 11 (weights 10..2 on digits 1-9; check = 11 - sum mod 11, 11 becomes 0, 10 invalid),
   * 10 digits, not all the same digit.
   */
  public static Column nhsNumberValid(Column s) {
    Column sum = lit(0);
    for (int i = 0; i < 9; i++) {
      sum = sum.plus(digit(s, i + 1).multiply(10 - i));
    }
    Column check = lit(11).minus(sum.mod(11));
    Column expected = when(check.equalTo(11), lit(0)).otherwise(check);
    return s.rlike("^[0-9]{10}$")
        .and(s.rlike("^([0-9])\\1{9}$").unary_$bang())
        .and(expected.equalTo(digit(s, 10)));
  }

  private static Column digit(Column s, int pos1) {
    return substring(s, pos1, 1).cast(DataTypes.IntegerType);
  }

  /**
   * SNOMED CT concept id: 6-18 digits, no leading zero, partition {@code 00} or {@code 10}, and a
   * correct Verhoeff check digit (an {@code aggregate} over the digits with the D and P tables as
   * constant arrays).
   */
  public static Column snomedConceptIdValid(Column s) {
    Column len = length(s);
    Column partition = s.substr(len.minus(2), lit(2));
    return s.rlike("^[1-9][0-9]{5,17}$")
        .and(partition.isin("00", "10"))
        .and(verhoeff(s).equalTo(0));
  }

  /**
   * The Verhoeff step table: {@code T[k][c][d] = D[c][P[k][d]]} flattened at {@code k*110 + c*11 +
   * d}, with an 11th "digit" {@code d = 10} for positions past the string's end that leaves the
   * state {@code c} unchanged.
   */
  private static final Column STEP_TABLE = stepTable(CheckDigits.verhoeffD(), CheckDigits.verhoeffP());

  private static Column stepTable(int[][] d, int[][] p) {
    Column[] flat = new Column[8 * 110];
    for (int k = 0; k < 8; k++) {
      for (int c = 0; c < 10; c++) {
        for (int digit = 0; digit <= 10; digit++) {
          flat[k * 110 + c * 11 + digit] = lit(digit == 10 ? c : d[c][p[k][digit]]);
        }
      }
    }
    return array(flat);
  }

  /**
   * The Verhoeff checksum of a string of 1 to 18 digits (0 when its check digit is right). The
   * string is read once as a long and each digit taken arithmetically, right to left, then one
   * table lookup per position ({@link #STEP_TABLE}). Kept this small on purpose: Spark compiles
   * a row's checks into one Java method, and a method over the JIT's 8,000-byte limit runs
   * interpreted (an earlier substring-per-digit form made the gp_events checks 5 times slower).
   */
  static Column verhoeff(Column s) {
    Column len = length(s);
    Column n = s.cast(DataTypes.LongType);
    Column c = lit(0);
    long pow = 1;
    for (int i = 0; i < 18; i++) {
      Column digit = call_function("div", n, lit(pow)).mod(10).cast(DataTypes.IntegerType);
      Column d = when(len.gt(i), digit).otherwise(lit(10));
      c = element_at(STEP_TABLE, c.multiply(11).plus(d).plus((i % 8) * 110 + 1));
      pow *= 10;
    }
    return c;
  }

  /**
   * ICD-10 as SUS sends it, normalised: upper case, dots and spaces removed, trailing {@code X}/
   * {@code -} fillers after the 3rd character dropped, cut to 4 characters (a 5th character is a
   * national extension), fillers dropped again (so {@code R69X6} becomes {@code R69}).
   */
  public static Column normaliseIcd10(Column s) {
    Column t = cleanIcd10(s);
    t = regexp_replace(t, "^(...)[X-]+$", "$1");
    t = substring(t, 1, 4);
    return regexp_replace(t, "^(...)[X-]+$", "$1");
  }

  /** A normalised ICD-10 code: {@code [A-Z][0-9][0-9A-Z][0-9]?}. */
  public static Column icd10Valid(Column normalised) {
    return normalised.rlike("^[A-Z][0-9][0-9A-Z][0-9]?$");
  }

  /**
   * A {@code ;}-separated list normalised to an array; empty items dropped. Each item as {@link
   * #normaliseIcd10} makes it, in regular expressions over the whole list (no per-item lambda, see
   * {@link #icd10ListValid}): upper-cased without dots and spaces, then its first three
   * characters and the fourth unless that is X or -.
   */
  public static Column normaliseIcd10List(Column s) {
    Column items = regexp_replace(cleanIcd10(s), "([^;]{3})(?:[X-]|([^;]))?[^;]*", "$1$2");
    Column kept = array_remove(split(items, ";"), "");
    return when(s.isNull(), array().cast(DataTypes.createArrayType(DataTypes.StringType)))
        .otherwise(kept);
  }

  /**
   * True when every non-empty item of a {@code ;} list is a valid code once normalised ({@link
   * #normaliseIcd10}, {@link #icd10Valid}). One regular expression over the whole list, upper-cased
   * without dots and spaces: an item normalises to a valid code exactly when it starts with a
   * letter, a digit and a digit or letter, followed by nothing or by a digit, X or - (the fourth
   * character, kept or stripped) and anything. Mapping every item through a lambda ({@code
   * transform}, {@code exists}) runs outside generated code: 20 microseconds a row on apc_spells.
   */
  public static Column icd10ListValid(Column s) {
    String item = "([A-Z][0-9][0-9A-Z]([0-9X-][^;]*)?)?";
    return cleanIcd10(s).rlike("^" + item + "(;" + item + ")*$");
  }

  /**
   * Upper case, without dots and white space: the first step of {@link #normaliseIcd10}. Only
   * a-z is upper-cased: a code is ASCII, and anything else makes it invalid either way. Spark's
   * {@code upper} maps case through ICU, which cost 80 microseconds a row of apc_spells (two
   * code columns, one a list): 7.8 s of the one task that labels the 100k system's 88k spells,
   * 1.0 s with this.
   */
  private static Column cleanIcd10(Column s) {
    return regexp_replace(Codegen.asciiUpper(s), "[.\\s]", "");
  }
}
