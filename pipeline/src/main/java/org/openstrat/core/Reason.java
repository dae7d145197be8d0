package org.openstrat.core;

/**
 * Why an input row was not used. Every rejected row carries exactly one reason: the first that
 * applies in the order below (docs/data-contract.md, "Row checks"). {@link #isDefect()} is false
 * for rows set aside by a dataset rule rather than because they are wrong; only defects count
 * toward the reject-rate threshold.
 */
public enum Reason {
  // 1. Structure (CSV only)
  INVALID_ENCODING("a line is not valid UTF-8 text (a byte of another encoding)", true),
  SHORT_ROW("fewer fields than the header", true),
  LONG_ROW("more fields than the header", true),
  UNTERMINATED_QUOTE("a quoted field is never closed", true),
  // 2. Fields
  FIELD_TOO_LONG("a field is longer than " + Reason.MAX_FIELD_CHARS + " characters", true),
  MISSING_VALUE("a required field is empty", true),
  INVALID_NHS_NUMBER("NHS number is not 10 digits, fails Modulus 11, or is reserved", true),
  UNPARSABLE_DATE("a date is not an ISO yyyy-MM-dd calendar date", true),
  DATE_BEFORE_1900("a date is before 1900-01-01", true),
  DATE_AFTER_EXTRACT("a date is after the extract date", true),
  INVALID_SNOMED("SNOMED CT id is malformed or fails the Verhoeff check", true),
  INVALID_ICD10("ICD-10 code is malformed after removing dots and X/- fillers", true),
  INVALID_ADMISSION_METHOD("admission method not in the Data Dictionary set", true),
  INVALID_ATTENDANCE_STATUS("attendance status not in the Data Dictionary set", true),
  INVALID_VALUE("a coded value (sex, flag, tenure, department type, code format) is not allowed", true),
  // 3. Duplicates
  DUPLICATE_ROW("exact copy of an earlier row", true),
  DUPLICATE_KEY("key already used by an earlier, different row", true),
  // 4. References
  UNKNOWN_PRACTICE("practice code not in the practices extract", true),
  UNREGISTERED_PATIENT("NHS number not on the registered list", true),
  // 5. Dataset rules (not defects)
  SUPERSEDED_SUBMISSION("an older submission of a local authority that has sent a newer one", false),
  PRACTICE_WITHOUT_PCN("the practice has no PCN mapping valid on the as-of date", false);

  /**
   * The longest a field may be, in characters: 1,000. The longest valid values are free text
   * (practice and PCN names) and secondary-diagnosis lists, a few hundred characters at most; a
   * longer field is a broken export (a lost line end or quote), not data, and is rejected as
   * {@link #FIELD_TOO_LONG}.
   */
  public static final int MAX_FIELD_CHARS = 1000;

  private final String description;
  private final boolean defect;

  Reason(String description, boolean defect) {
    this.description = description;
    this.defect = defect;
  }

  public String description() {
    return description;
  }

  public boolean isDefect() {
    return defect;
  }
}
