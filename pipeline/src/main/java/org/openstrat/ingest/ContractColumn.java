package org.openstrat.ingest;

import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One column of the extract contract (docs/data-contract.md, "Extracts" and "Row checks" 2),
 * declared once: its name, the check its values must pass, whether a null is allowed, and from the
 * check, the type the accepted rows carry. {@link Extract} lists them in contract order; the raw
 * schema, the typed schema and every row check are read from that one list.
 *
 * @param name the contract column
 * @param kind which check applies after the null check, and so the typed form
 * @param required a null is {@code MISSING_VALUE}
 * @param pattern for {@link Kind#PATTERN}: the regex a value must match
 * @param values for {@link Kind#SET}: the allowed values
 * @param futureIsDefect for dates: a date after the extract date is {@code DATE_AFTER_EXTRACT}.
 *     False only for planned end dates (a practice's PCN mapping and a social-care service may
 *     have a known end in the future).
 */
public record ContractColumn(
    String name, Kind kind, boolean required, String pattern, Set<String> values,
    boolean futureIsDefect) {

  /** The checks a value can be given, each with the type its accepted value takes. */
  public enum Kind {
    TEXT, PATTERN, SET, FLAG, NUMBER, INT, NHS, DATE, SNOMED, ICD10, ICD10_LIST,
    ADMISSION_METHOD, ATTENDANCE_STATUS;

    /** The accepted value's type: dates, Y/N flags, numbers and ICD-10 lists typed, else text. */
    public DataType typed() {
      return switch (this) {
        case DATE -> DataTypes.DateType;
        case FLAG -> DataTypes.BooleanType;
        case NUMBER -> DataTypes.DoubleType;
        case INT -> DataTypes.IntegerType;
        // An array of normalised ICD-10 codes (no dot, no filler, upper case).
        case ICD10_LIST -> DataTypes.createArrayType(DataTypes.StringType);
        default -> DataTypes.StringType;
      };
    }
  }

  static final String PRACTICE_CODE = "^[A-Z][0-9]{5}$";
  static final String PCN_CODE = "^U[0-9]{5}$";
  static final String LSOA_CODE = "^E01[0-9]{6}$";
  static final String LA_CODE = "^E[0-9]{8}$";

  /** Every patient-level extract's link: a required NHS number with a valid check digit. */
  static final ContractColumn NHS_NUMBER = of("nhs_number", Kind.NHS, true);

  /** The type of the column in the accepted (typed) rows. */
  public DataType typed() {
    return kind.typed();
  }

  static ContractColumn of(String name, Kind kind, boolean required) {
    return new ContractColumn(name, kind, required, null, null, true);
  }

  static ContractColumn pattern(String name, String regex, boolean required) {
    return new ContractColumn(name, Kind.PATTERN, required, regex, null, true);
  }

  static ContractColumn set(String name, boolean required, String... values) {
    return new ContractColumn(name, Kind.SET, required, null, Set.of(values), true);
  }

  static ContractColumn plannedEnd(String name) {
    return new ContractColumn(name, Kind.DATE, false, null, null, false);
  }
}
