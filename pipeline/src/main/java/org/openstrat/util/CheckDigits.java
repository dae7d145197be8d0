package org.openstrat.util;

/**
 * Reference implementations of the two check-digit schemes in the extracts. Spark stages use
 * column-expression equivalents; these are what tests and the generator check them against.
 */
public final class CheckDigits {
  private CheckDigits() {}

  // Verhoeff tables: multiplication in the dihedral group D5, permutation, inverse.
  private static final int[][] D = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
    {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
    {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
  };
  private static final int[][] P = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
    {9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
    {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
    {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}
  };
  private static final int[] INV = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

  /** The public Verhoeff tables (for building a Spark expression). */
  public static int[][] verhoeffD() {
    return D.clone();
  }

  public static int[][] verhoeffP() {
    return P.clone();
  }

  /** True if every character is a digit and the last is a correct Verhoeff check digit. */
  public static boolean verhoeffValid(String digits) {
    if (digits == null || digits.isEmpty() || !allDigits(digits)) {
      return false;
    }
    int c = 0;
    int n = digits.length();
    for (int i = 0; i < n; i++) {
      int d = digits.charAt(n - 1 - i) - '0';
      c = D[c][P[i % 8][d]];
    }
    return c == 0;
  }

  /** The Verhoeff check digit to append to {@code digits}. */
  public static int verhoeffCheckDigit(String digits) {
    int c = 0;
    int n = digits.length();
    for (int i = 0; i < n; i++) {
      int d = digits.charAt(n - 1 - i) - '0';
      c = D[c][P[(i + 1) % 8][d]];
    }
    return INV[c];
  }

  /**
   * SNOMED CT concept id: 6-18 digits, no leading zero, partition identifier (the two digits before
   * the check digit) {@code 00} or {@code 10} (a concept), and a correct Verhoeff check digit.
   */
  public static boolean snomedConceptIdValid(String id) {
    if (id == null || id.length() < 6 || id.length() > 18 || id.charAt(0) == '0') {
      return false;
    }
    if (!allDigits(id)) {
      return false;
    }
    String partition = id.substring(id.length() - 3, id.length() - 1);
    return (partition.equals("00") || partition.equals("10")) && verhoeffValid(id);
  }

  /**
   * NHS number: 10 digits, Modulus 11 check (weights 10..2 on digits 1-9; check = 11 - sum mod 11;
   * 11 becomes 0; 10 is invalid), and not a reserved number with all ten digits the same.
   */
  public static boolean nhsNumberValid(String s) {
    if (s == null || s.length() != 10 || !allDigits(s)) {
      return false;
    }
    if (s.chars().allMatch(ch -> ch == s.charAt(0))) {
      return false;
    }
    Integer check = nhsCheckDigit(s.substring(0, 9));
    return check != null && check == s.charAt(9) - '0';
  }

  /** The Modulus 11 check digit for nine digits, or null when the remainder makes it 10. */
  public static Integer nhsCheckDigit(String nineDigits) {
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (nineDigits.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - (sum % 11);
    if (check == 11) {
      return 0;
    }
    return check == 10 ? null : check;
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return true;
  }
}
