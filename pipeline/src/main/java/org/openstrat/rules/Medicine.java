package org.openstrat.rules;

/**
 * A common medicine: 15-character BNF presentation code (first 9 = chemical substance), dm+d VMP
 * SNOMED id, name, and the condition it treats (an LTC condition key, an eFI deficit key, or
 * {@code general}).
 */
public record Medicine(String bnfCode, String dmdCode, String name, String conditionKey) {
  /** The 9-character BNF chemical substance code (what "distinct medicines" counts). */
  public String bnfChemical() {
    return bnfCode.substring(0, 9);
  }
}
