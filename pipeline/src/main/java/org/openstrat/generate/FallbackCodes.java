package org.openstrat.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openstrat.util.CheckDigits;

/**
 * A small built-in set of real codes, used only when rules/ holds no rule files (for example a
 * checkout before the rules are installed). eFI SNOMED codes are the first three per deficit of
 * the Greater Manchester SDE eFI code sets (github.com/UoM-Data-Science-Platforms/gm-sde, as copied
 * to rules/reference/efi-codes.csv); HFRS groups and points are Gilbert et al. 2018; LTC codes are
 * common SNOMED CT disorder concepts. The generator says in its output that it used this fallback.
 */
final class FallbackCodes {
  private FallbackCodes() {}

  private static final String EFI =
      "arthritis:3723001,8847002,9631008;atrial-fibrillation:5370000,49436004,134377004;chd:1755008,3546002,4557003;ckd:29738008,46177005,73211009;diabetes:4855003,11530004,19429009;foot-problems:47850008,160779001,185269006;fragility-fracture:5913000,8303001,9468002;hearing-loss:6012004,15188001,30169000;heart-failure:10633002,20741006,40541001;heart-valve-disease:48724000,60573004,76267008;hypertension:1201005,6962006,24184005;hypotension:3006004,28651003,45007003;osteoporosis:14651005,18040001,32369003;parkinsons:4223005,26079004,32798002;peptic-ulcer:3483000,6129004,9829001;pvd:55382008,81817003,163109009;respiratory-disease:10713006,11399002,11833005;skin-ulcer:324007,2622007,15074003;stroke-tia:1508000,2517002,20059004;thyroid-disorders:3716002,11459001,14304000;urinary-system-disease:11441004,21173002,28442001;vision-problems:264008,849000,965003;activity-limitation:21134002,160983005,161041005;anaemia:3978000,4854004,5315003;care-requirement:160733006,160734000,160774006;cognitive-problems:281004,2776000,6149008;dizziness:7956006,13445001,20425006;dyspnoea:60845006,161939006,161940008;falls:1912002,49808004,161898004;housebound:160689007,183737004,185213002;mobility-problems:8510008,160629005,160681005;sleep-disturbance:3745000,44186003,162201008;social-vulnerability:33553000,81877007,105441003;urinary-incontinence:22220005,37799002,42112009;weight-loss:64379006,79890006,89362005";

  private static final String HFRS =
      "F00:7.1;G81:4.4;G30:4;I69:3.7;R29:3.6;N39:3.2;F05:3.2;W19:3.2;S00:3.2;R31:3;B96:2.9;R41:2.7;R26:2.6;I67:2.6;R56:2.6;R40:2.5;T83:2.4;S06:2.4;S42:2.3;E87:2.3;M25:2.3;E86:2.3;R54:2.2;Z50:2.1;F03:2.1;W18:2.1;Z75:2;F01:2;S80:2;L03:2;H54:1.9;E53:1.9;Z60:1.8;G20:1.8;R55:1.8;S22:1.8;K59:1.8;N17:1.8;L89:1.7;Z22:1.7;B95:1.7;L97:1.6;R44:1.6;K26:1.6;I95:1.6;N19:1.6;A41:1.6;Z87:1.5;J96:1.5;X59:1.5;M19:1.5;G40:1.5;M81:1.4;S72:1.4;S32:1.4;E16:1.4;R94:1.4;N18:1.4;R33:1.3;R69:1.3;N28:1.3;R32:1.2;G31:1.2;Y95:1.2;S09:1.2;R45:1.2;G45:1.2;Z74:1.1;M79:1.1;W06:1.1;S01:1.1;A04:1.1;A09:1.1;J18:1.1;J69:1;R47:1;E55:1;Z93:1;R02:1;R63:0.9;H91:0.9;W10:0.9;W01:0.9;E05:0.9;M41:0.9;R13:0.8;Z99:0.8;U80:0.8;M80:0.8;K92:0.8;I63:0.8;N20:0.7;F10:0.7;Y84:0.7;R00:0.7;J22:0.7;Z73:0.6;R79:0.6;Z91:0.5;S51:0.5;F32:0.5;M48:0.5;E83:0.4;M15:0.4;D64:0.4;L08:0.4;R11:0.3;K52:0.3;R50:0.1";

  private static final String LTC =
      "hypertension:38341003,59621000;anxiety-depression:35489007,197480006;painful-condition:82423001;"
          + "hearing-loss:15188001;ibs:10743008;asthma:195967001;diabetes:44054006,46635009;"
          + "chd:53741008,22298006;ckd:709044004,431855005;atrial-fibrillation:49436004;"
          + "constipation:14760008;stroke-tia:230690007,266257000;copd:13645005;"
          + "rheumatoid-arthritis:69896004;cancer:254837009,363406005;alcohol:66590003,7200002;"
          + "heart-failure:84114007;dementia:52448006,26929004;psychosis:58214004,13746004;"
          + "epilepsy:84757009";

  // bnf_code|dmd_code|name|condition_key
  private static final String MEDS =
      "0206020A0AAABAB|319283006|Amlodipine 5mg tablets|hypertension;"
          + "0601022B0AAABAB|325278007|Metformin 500mg tablets|diabetes;"
          + "0407010H0AAAMAM|322236009|Paracetamol 500mg tablets|painful-condition;"
          + "0501013B0AAABAB|323509004|Amoxicillin 500mg capsules|";

  static CodeLists build() {
    Map<String, List<String>> efi = parse(EFI);
    Map<String, String> efiNames = new LinkedHashMap<>();
    efi.keySet().forEach(k -> efiNames.put(k, k));
    Map<String, List<String>> ltc = parse(LTC);
    Map<String, String> ltcNames = new LinkedHashMap<>();
    ltc.keySet().forEach(k -> ltcNames.put(k, k));
    Map<String, Double> hfrs = new TreeMap<>();
    for (String item : HFRS.split(";")) {
      String[] kv = item.split(":");
      hfrs.put(kv[0], Double.parseDouble(kv[1]));
    }
    List<CodeLists.Medicine> meds = new ArrayList<>();
    for (String item : MEDS.split(";")) {
      String[] f = item.split("\\|", -1);
      if (CheckDigits.snomedConceptIdValid(f[1])) {
        meds.add(new CodeLists.Medicine(f[0], f[1], f[2], f[3]));
      }
    }
    return CodeLists.of(efi, efiNames, List.of(), ltc, ltcNames, hfrs, meds, "built-in fallback");
  }

  private static Map<String, List<String>> parse(String s) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String item : s.split(";")) {
      String[] kv = item.split(":");
      List<String> codes = new ArrayList<>();
      for (String c : kv[1].split(",")) {
        if (CheckDigits.snomedConceptIdValid(c)) {
          codes.add(c);
        }
      }
      if (!codes.isEmpty()) {
        m.put(kv[0], codes);
      }
    }
    return m;
  }
}
