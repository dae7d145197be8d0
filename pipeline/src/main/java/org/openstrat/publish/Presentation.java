package org.openstrat.publish;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openstrat.rules.AdmissionModel;
import org.openstrat.rules.Band;
import org.openstrat.rules.EfiDeficit;
import org.openstrat.rules.LtcCondition;
import org.openstrat.rules.RuleSet;

/**
 * What the files for people need beyond the scores table: plain-English names of conditions and
 * eFI deficits (from {@code rules/}), each patient's last emergency admission, the extract date and
 * sources for the title block, and who to contact. {@link #none()} gives codes instead of names and
 * "not given" facts (tests that do not look at the workbook).
 *
 * @param conditionNames long-term condition key to name
 * @param deficitNames eFI deficit key to name
 * @param riskBands admission-risk bands, lowest first (for the read-me sheet)
 * @param lastEmergencyAdmission nhs_number, last_emergency_admission (date); null when unknown
 * @param extractDate the extracts' date (null: not given)
 * @param sources one line per extract: name, rows read
 * @param contact who to contact about the list (config {@code workbook.contact})
 */
public record Presentation(
    Map<String, String> conditionNames,
    Map<String, String> deficitNames,
    List<Band> riskBands,
    Dataset<Row> lastEmergencyAdmission,
    LocalDate extractDate,
    List<String> sources,
    String contact) {

  /** The config key naming who to contact about a list. */
  public static final String CONTACT_KEY = "workbook.contact";
  public static final String NO_CONTACT = "your ICP's population health intelligence team";

  public Presentation {
    conditionNames = Map.copyOf(conditionNames);
    deficitNames = Map.copyOf(deficitNames);
    riskBands = List.copyOf(riskBands);
    sources = List.copyOf(sources);
  }

  public static Presentation none() {
    return new Presentation(Map.of(), Map.of(), List.of(), null, null, List.of(), NO_CONTACT);
  }

  /** Names from the rule set; the rest as given. */
  public static Presentation of(RuleSet rules, Dataset<Row> lastEmergencyAdmission,
      LocalDate extractDate, List<String> sources, String contact) {
    Map<String, String> ltc = new TreeMap<>();
    for (LtcCondition c : rules.multimorbidity().conditions()) {
      ltc.put(c.key(), c.name());
    }
    Map<String, String> efi = new TreeMap<>();
    for (EfiDeficit d : rules.efi().deficits()) {
      efi.put(d.key(), d.name());
    }
    AdmissionModel model = rules.admissionModel();
    return new Presentation(ltc, efi, model.bands(), lastEmergencyAdmission, extractDate, sources,
        contact == null || contact.isBlank() ? NO_CONTACT : contact);
  }
}
