package org.openstrat.scores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openstrat.scores.Fixtures.AS_OF;
import static org.openstrat.scores.Fixtures.column;
import static org.openstrat.scores.Fixtures.d;
import static org.openstrat.scores.Fixtures.day;
import static org.openstrat.scores.Fixtures.patient;
import static org.openstrat.scores.Fixtures.population;
import static org.openstrat.scores.Fixtures.row;
import static org.openstrat.scores.Fixtures.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.openstrat.features.CodedEvents;
import org.openstrat.features.Features;
import org.openstrat.ingest.Extract;
import org.openstrat.rules.EfiDeficit;
import org.openstrat.rules.EfiRules;
import org.openstrat.rules.RuleSet;
import org.openstrat.rules.ValueRule;
import org.openstrat.testing.SparkTestBase;

/**
 * Every deficit of rules/efi: a code of its list in counts (ever, decades back), the same code after
 * as-of does not, an unlisted code does not; every value rule at its threshold edge, inside and
 * outside, for the rule's sex. One Spark job for all of them.
 */
class EfiRuleFileTest extends SparkTestBase {

  private static final EfiRules EFI = RuleSet.load(repoRoot().resolve("rules")).efi();

  private static Map<String, Object> deficits(List<Object[]> patients, List<Object[]> events) {
    Dataset<Row> pop = population(patients.toArray(Object[][]::new));
    Dataset<Row> flags = CodedEvents.flags(table(Extract.GP_EVENTS, events.toArray(Object[][]::new)),
        pop, Efi.codeRules(EFI), AS_OF);
    Dataset<Row> noMeds = Features.polypharmacy(table(Extract.GP_MEDICATIONS), AS_OF);
    return column(Efi.deficits(flags, noMeds), Efi.EFI_DEFICITS);
  }

  /** Deficits a code alone gives (a few codes count toward two deficits by design). */
  private static List<String> byCode(String code) {
    return new ArrayList<>(new TreeSet<>(EFI.deficitsByCode().getOrDefault(code, List.of())));
  }

  @Test
  void everyCodedDeficitCountsWhenEverRecordedAndNotAfterAsOf() {
    assertThat(EFI.count()).isEqualTo(36);
    List<Object[]> patients = new ArrayList<>();
    List<Object[]> events = new ArrayList<>();
    Map<String, Object> expected = new TreeMap<>();
    int coded = 0;
    for (EfiDeficit deficit : EFI.deficits()) {
      if (deficit.snomedCodes().isEmpty()) {
        assertThat(deficit.key()).isEqualTo(EfiRules.POLYPHARMACY);
        continue;
      }
      coded++;
      String code = new TreeSet<>(deficit.snomedCodes()).first();
      String in = "in-" + deficit.key();
      String future = "future-" + deficit.key();
      patients.add(patient(in, 80, "F", 5));
      patients.add(patient(future, 80, "F", 5));
      events.add(row(in, d("1990-06-01"), code, null));
      events.add(row(future, day(1), code, null));
      expected.put(in, byCode(code));
      assertThat(byCode(code)).contains(deficit.key());
    }
    patients.add(patient("unlisted", 80, "M", 5));
    events.add(row("unlisted", day(-1), "10743008", null)); // irritable bowel: on no eFI list
    assertThat(byCode("10743008")).isEmpty();
    assertThat(coded).isEqualTo(35);
    assertThat(deficits(patients, events)).isEqualTo(expected);
  }

  @Test
  void everyValueRuleAtItsThresholdEdge() {
    List<Object[]> patients = new ArrayList<>();
    List<Object[]> events = new ArrayList<>();
    Map<String, Object> expected = new TreeMap<>();
    int i = 0;
    for (ValueRule v : EFI.valueRules()) {
      String sex = v.sex() == null ? "F" : v.sex();
      double t = v.threshold();
      double inside;
      double outside;
      switch (v.operator()) {
        case "<" -> { inside = t - 0.01; outside = t; }
        case "<=" -> { inside = t; outside = t + 0.01; }
        case ">" -> { inside = t + 0.01; outside = t; }
        case ">=" -> { inside = t; outside = t - 0.01; }
        default -> { inside = 1; outside = Double.NaN; } // any: a value counts, no value does not
      }
      String in = "v" + i + "-in";
      String out = "v" + i + "-out";
      i++;
      patients.add(patient(in, 70, sex, 5));
      patients.add(patient(out, 70, sex, 5));
      events.add(row(in, day(-3), v.snomedCode(), inside));
      events.add(row(out, day(-3), v.snomedCode(), Double.isNaN(outside) ? null : outside));
      List<String> always = byCode(v.snomedCode());
      TreeSet<String> inKeys = new TreeSet<>(always);
      inKeys.add(v.deficitKey());
      expected.put(in, new ArrayList<>(inKeys));
      // outside this rule, but another rule of the same code (e.g. TSH's other side) may apply
      TreeSet<String> outKeys = new TreeSet<>(always);
      for (ValueRule other : EFI.valueRules()) {
        if (other.snomedCode().equals(v.snomedCode()) && !Double.isNaN(outside)
            && other.matches(outside, sex)) {
          outKeys.add(other.deficitKey());
        }
      }
      if (!outKeys.isEmpty()) {
        expected.put(out, new ArrayList<>(outKeys));
      }
    }
    assertThat(i).isGreaterThanOrEqualTo(8);
    assertThat(deficits(patients, events)).isEqualTo(expected);
  }
}
