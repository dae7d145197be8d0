package org.openstrat.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.exists;

import java.time.LocalDate;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.openstrat.util.CheckDigits;

/**
 * Row checks as Spark column expressions (no UDFs): the JIT-compiled form of {@link CheckDigits}
 * and the contract's value rules. Each {@code ...Valid} returns a boolean column that is true for a
 * valid non-null value; callers check nulls first.
 */
public final class Checks {
  private Checks() {}

  /** ISO date shape; {@code to_date} then rejects impossible days such as 2023-02-30. */
  private static final String DATE_SHAPE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

  /** The earliest valid date: anything before is a data-entry default, not a real date. */
  public static final LocalDate MIN_DATE = LocalDate.of(1900, 1, 1);

  /**
   * NHS Data Dictionary ADMISSION METHOD codes (/work/shared/reference/admission-methods.csv,
   * including retired 28, still present in older data).
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
    return when(s.rlike(DATE_SHAPE), to_date(s, "yyyy-MM-dd"));
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

  private static final Column D_TABLE = table(CheckDigits.verhoeffD());
  private static final Column P_TABLE = table(CheckDigits.verhoeffP());

  private static Column table(int[][] t) {
    Column[] flat = new Column[t.length * 10];
    for (int r = 0; r < t.length; r++) {
      for (int c = 0; c < 10; c++) {
        flat[r * 10 + c] = lit(t[r][c]);
      }
    }
    return array(flat);
  }

  /**
   * The Verhoeff checksum of a string of up to 18 digits (0 when its check digit is right),
   * unrolled over the 18 positions so it is compiled with the rest of the row's checks (a
   * higher-order {@code aggregate} is interpreted row by row). Past the string's length the step
   * multiplies by D[c][0] = c, a no-op, so each step holds the previous one once and the
   * expression stays linear in size.
   */
  static Column verhoeff(Column s) {
    Column len = length(s);
    Column c = lit(0);
    for (int i = 0; i < 18; i++) {
      Column d = s.substr(len.minus(i), lit(1)).cast(DataTypes.IntegerType);
      Column p =
          when(len.gt(i), element_at(P_TABLE, d.plus((i % 8) * 10 + 1))).otherwise(lit(0));
      c = element_at(D_TABLE, c.multiply(10).plus(p).plus(1));
    }
    return c;
  }

  /**
   * ICD-10 as SUS sends it, normalised: upper case, dots and spaces removed, trailing {@code X}/
   * {@code -} fillers after the 3rd character dropped, cut to 4 characters (a 5th character is a
   * national extension), fillers dropped again (so {@code R69X6} becomes {@code R69}).
   */
  public static Column normaliseIcd10(Column s) {
    Column t = regexp_replace(upper(s), "[.\\s]", "");
    t = regexp_replace(t, "^(...)[X-]+$", "$1");
    t = substring(t, 1, 4);
    return regexp_replace(t, "^(...)[X-]+$", "$1");
  }

  /** A normalised ICD-10 code: {@code [A-Z][0-9][0-9A-Z][0-9]?}. */
  public static Column icd10Valid(Column normalised) {
    return normalised.rlike("^[A-Z][0-9][0-9A-Z][0-9]?$");
  }

  /** A {@code ;}-separated list normalised to an array; empty items dropped. */
  public static Column normaliseIcd10List(Column s) {
    Column items = transform(split(s, ";"), Checks::normaliseIcd10);
    Column kept = filter(items, x -> x.notEqual(lit("")));
    return when(s.isNull(), array().cast(DataTypes.createArrayType(DataTypes.StringType)))
        .otherwise(kept);
  }

  /** True when every non-empty item of a {@code ;} list is a valid code. */
  public static Column icd10ListValid(Column s) {
    return exists(normaliseIcd10List(s), x -> icd10Valid(x).unary_$bang()).unary_$bang();
  }
}
