package org.openstrat.generate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The generator's clinical concepts: each is one true state of a person (for example heart
 * failure) that the GP record shows through codes of an eFI deficit list and/or a multimorbidity
 * condition list, and through the medicines that list names for it. Concepts are matched to rule
 * keys by alias, so both the eFI "heart-failure" deficit and the CMS "heart failure" condition are
 * recorded for the same person. Rule keys no concept claims get a generic concept, so every code
 * list in rules/ is drawn from.
 *
 * <p>Prevalence model (logit scale): {@code logit(p80) + slope * (age - 80) / 10 + load * frailty},
 * zero below {@code minAge}. {@code p80} is the conditional prevalence at age 80 for a person of
 * average frailty; {@code load} ties the concept to the person's hidden frailty, which is what makes
 * conditions cluster within a person. Numbers are invented to give plausible shapes (QOF and eFI
 * papers as a guide), not fitted.
 */
final class Concepts {
  private Concepts() {}

  /** One concept with its resolved codes and medicines. */
  static final class Concept {
    final String name;
    final double logitP80;
    final double slope;
    final double load;
    final int minAge;
    /** Onset within this many years before the present age (symptoms recent, diseases long). */
    final int span;
    /** Chance per year of the code being recorded again (reviews, repeat consultations). */
    final double review;
    String efiKey;
    List<String> efiCodes = List.of();
    String ltcKey;
    List<String> ltcCodes = List.of();
    List<CodeLists.Medicine> medicines = new ArrayList<>();

    Concept(String name, double p80, double slope, double load, int minAge, int span, double review) {
      this.name = name;
      this.logitP80 = Rng.logit(p80);
      this.slope = slope;
      this.load = load;
      this.minAge = minAge;
      this.span = span;
      this.review = review;
    }

    boolean hasCodes() {
      return !efiCodes.isEmpty() || !ltcCodes.isEmpty();
    }
  }

  private record Spec(
      String name, String efiAlias, String ltcAliases, double p80, double slope, double load, int minAge,
      int span, double review) {}

  // name, eFI key, LTC aliases (|-separated, matched against normalised key or name), p80, slope
  // per decade, frailty load, min age, onset span (years), review chance per year.
  private static final Spec[] SPECS = {
    new Spec("hypertension", "hypertension", "hypertension|hyp", 0.60, 0.9, 0.3, 20, 30, 0.6),
    new Spec("diabetes", "diabetes", "diabetes|dia", 0.22, 0.4, 0.4, 8, 30, 0.7),
    new Spec("coronary heart disease", "chd", "coronaryheartdisease|chd|ihd", 0.18, 0.8, 0.5, 35, 25, 0.4),
    new Spec("atrial fibrillation", "atrial-fibrillation", "atrialfibrillation|atr|af", 0.12, 1.0, 0.5, 40, 20, 0.4),
    new Spec("heart failure", "heart-failure", "heartfailure|hef|hf", 0.08, 1.0, 0.8, 40, 15, 0.5),
    new Spec("stroke or TIA", "stroke-tia", "stroke|str", 0.10, 0.9, 0.7, 30, 20, 0.3),
    new Spec("chronic kidney disease", "ckd", "chronickidney|ckd", 0.22, 1.0, 0.5, 30, 20, 0.4),
    new Spec("COPD", "respiratory-disease", "copd|cop|obstructivepulmonary", 0.10, 0.8, 0.6, 35, 20, 0.5),
    new Spec("asthma", "respiratory-disease", "asthma|ast", 0.10, 0.0, 0.3, 3, 40, 0.5),
    new Spec("dementia", "cognitive-problems", "dementia|dem", 0.07, 1.6, 1.0, 55, 8, 0.6),
    new Spec("anxiety or depression", "", "anxiety|depression|anxdep|anx", 0.14, -0.1, 0.4, 12, 15, 0.6),
    new Spec("painful condition", "", "painful|pnc|pain", 0.18, 0.3, 0.5, 18, 15, 0.3),
    new Spec("hearing loss", "hearing-loss", "hearing|hel", 0.35, 1.0, 0.2, 30, 15, 0.2),
    new Spec("irritable bowel syndrome", "", "irritablebowel|ibs", 0.05, -0.2, 0.2, 15, 25, 0.2),
    new Spec("constipation", "", "constipation|con", 0.10, 0.6, 0.6, 40, 10, 0.4),
    new Spec("rheumatoid arthritis", "arthritis", "rheumatoid|connectivetissue|rhe", 0.04, 0.4, 0.4, 20, 30, 0.4),
    new Spec("osteoarthritis", "arthritis", "", 0.40, 0.9, 0.4, 35, 25, 0.3),
    new Spec("cancer", "", "cancer|can|malignan", 0.06, 0.7, 0.3, 30, 5, 0.5),
    new Spec("alcohol problems", "", "alcohol|alc", 0.02, -0.2, 0.3, 18, 20, 0.3),
    new Spec("psychosis", "", "schizophrenia|psychosis|bipolar|scz|smi", 0.01, 0.0, 0.3, 16, 30, 0.5),
    new Spec("epilepsy", "", "epilepsy|epi", 0.01, 0.0, 0.3, 1, 40, 0.4),
    new Spec("thyroid disease", "thyroid-disorders", "thyroid", 0.10, 0.4, 0.2, 20, 30, 0.4),
    new Spec("osteoporosis", "osteoporosis", "osteoporosis", 0.15, 1.2, 0.6, 50, 15, 0.3),
    new Spec("parkinsonism", "parkinsons", "parkinson", 0.02, 1.5, 0.8, 50, 10, 0.5),
    new Spec("peripheral vascular disease", "pvd", "peripheralvascular|pvd", 0.05, 1.0, 0.6, 45, 15, 0.3),
    new Spec("heart valve disease", "heart-valve-disease", "valve", 0.06, 1.2, 0.5, 50, 15, 0.3),
    new Spec("peptic ulcer", "peptic-ulcer", "pepticulcer", 0.04, 0.5, 0.3, 30, 30, 0.1),
    new Spec("anaemia", "anaemia", "anaemia", 0.12, 1.0, 0.6, 1, 10, 0.3),
    new Spec("falls", "falls", "", 0.15, 1.4, 1.0, 60, 5, 0.4),
    new Spec("fragility fracture", "fragility-fracture", "", 0.06, 1.3, 0.9, 50, 10, 0.1),
    new Spec("dizziness", "dizziness", "", 0.12, 0.8, 0.7, 30, 6, 0.3),
    new Spec("dyspnoea", "dyspnoea", "", 0.15, 0.8, 0.8, 30, 6, 0.4),
    new Spec("foot problems", "foot-problems", "", 0.15, 0.8, 0.5, 40, 10, 0.4),
    new Spec("housebound", "housebound", "", 0.06, 1.8, 1.2, 60, 5, 0.5),
    new Spec("hypotension or syncope", "hypotension", "", 0.08, 1.0, 0.7, 30, 8, 0.2),
    new Spec("mobility problems", "mobility-problems", "", 0.12, 1.6, 1.2, 55, 6, 0.4),
    new Spec("activity limitation", "activity-limitation", "", 0.08, 1.6, 1.2, 55, 6, 0.3),
    new Spec("requirement for care", "care-requirement", "", 0.06, 1.8, 1.3, 60, 5, 0.4),
    new Spec("skin ulcer", "skin-ulcer", "", 0.05, 1.2, 1.0, 50, 5, 0.3),
    new Spec("sleep disturbance", "sleep-disturbance", "", 0.15, 0.3, 0.4, 18, 10, 0.3),
    new Spec("social vulnerability", "social-vulnerability", "", 0.08, 0.7, 0.6, 50, 8, 0.3),
    new Spec("urinary incontinence", "urinary-incontinence", "", 0.15, 1.0, 0.8, 45, 10, 0.3),
    new Spec("urinary system disease", "urinary-system-disease", "", 0.10, 0.8, 0.5, 30, 15, 0.3),
    new Spec("visual impairment", "vision-problems", "", 0.20, 1.2, 0.5, 40, 15, 0.2),
    new Spec("weight loss", "weight-loss", "", 0.06, 1.2, 0.9, 50, 5, 0.3),
  };

  static String norm(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  /** Resolves the concept table against the loaded code lists. */
  static List<Concept> resolve(CodeLists codes) {
    List<Concept> out = new ArrayList<>();
    Set<String> efiClaimed = new HashSet<>();
    Set<String> ltcClaimed = new HashSet<>();
    for (Spec s : SPECS) {
      Concept c = new Concept(s.name(), s.p80(), s.slope(), s.load(), s.minAge(), s.span(), s.review());
      if (!s.efiAlias().isEmpty()) {
        for (String key : codes.efiCodes.keySet()) {
          if (norm(key).equals(norm(s.efiAlias()))) {
            c.efiKey = key;
            c.efiCodes = codes.efiCodes.get(key);
            efiClaimed.add(key);
          }
        }
      }
      if (!s.ltcAliases().isEmpty()) {
        String[] aliases = s.ltcAliases().split("\\|");
        String found = null;
        for (String key : codes.ltcCodes.keySet()) {
          if (ltcClaimed.contains(key)) {
            continue;
          }
          String k = norm(key);
          String n = norm(codes.ltcNames.getOrDefault(key, ""));
          for (String a : aliases) {
            boolean keyMatch = k.equals(a) || (a.length() > 4 && k.contains(a));
            boolean nameMatch = a.length() > 4 && n.contains(a);
            if (keyMatch || nameMatch) {
              found = key;
              break;
            }
          }
          if (found != null) {
            break;
          }
        }
        if (found != null) {
          c.ltcKey = found;
          c.ltcCodes = codes.ltcCodes.get(found);
          ltcClaimed.add(found);
        }
      }
      out.add(c);
    }
    for (String key : codes.efiCodes.keySet()) {
      if (!efiClaimed.contains(key)) {
        Concept c = new Concept("eFI " + key, 0.08, 1.0, 0.7, 40, 10, 0.3);
        c.efiKey = key;
        c.efiCodes = codes.efiCodes.get(key);
        out.add(c);
      }
    }
    for (String key : codes.ltcCodes.keySet()) {
      if (!ltcClaimed.contains(key)) {
        Concept c = new Concept("LTC " + key, 0.05, 0.3, 0.3, 18, 20, 0.4);
        c.ltcKey = key;
        c.ltcCodes = codes.ltcCodes.get(key);
        out.add(c);
      }
    }
    Map<String, Concept> byKey = new LinkedHashMap<>();
    for (Concept c : out) {
      if (c.ltcKey != null) {
        byKey.putIfAbsent(norm(c.ltcKey), c);
      }
    }
    for (Concept c : out) {
      if (c.efiKey != null) {
        byKey.putIfAbsent(norm(c.efiKey), c);
      }
    }
    for (CodeLists.Medicine m : codes.medicines) {
      Concept c = byKey.get(norm(m.conditionKey()));
      if (c != null) {
        c.medicines.add(m);
      }
    }
    out.removeIf(c -> !c.hasCodes() && c.medicines.isEmpty());
    addSyntheticMedicines(out, codes);
    return out;
  }

  /** Concepts usually treated with repeat medicines (symptoms and disabilities are not). */
  private static final Set<String> UNTREATED =
      Set.of("falls", "fragility fracture", "dizziness", "dyspnoea", "foot problems", "housebound",
          "hypotension or syncope", "mobility problems", "activity limitation", "requirement for care",
          "skin ulcer", "social vulnerability", "visual impairment", "weight loss", "hearing loss",
          "irritable bowel syndrome", "alcohol problems");

  /**
   * medicines.csv lists only a few medicines per condition (or none), so each treated concept also
   * gets two synthetic repeat medicines: dm+d-format ids (valid Verhoeff, on no list) and 15-character
   * BNF codes in a plausible chapter whose 9-character chemical prefix no listed medicine uses. They
   * make issue volumes and polypharmacy realistic without pretending to be real products.
   */
  private static void addSyntheticMedicines(List<Concept> concepts, CodeLists codes) {
    Set<String> prefixes = new HashSet<>();
    for (CodeLists.Medicine m : codes.medicines) {
      prefixes.add(m.bnfCode().substring(0, 9));
    }
    java.util.SplittableRandom r = new java.util.SplittableRandom(20_190_701L);
    String letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    Set<String> used = new HashSet<>(codes.listedSnomed);
    for (Concept c : concepts) {
      if (UNTREATED.contains(c.name) || c.name.startsWith("eFI ")) {
        continue;
      }
      String chapter = chapter(c.name);
      int added = 0;
      while (added < 2) {
        String body = Long.toString(700_000 + r.nextInt(290_000)) + "00";
        String dmd = body + org.openstrat.util.CheckDigits.verhoeffCheckDigit(body);
        // chapter, section, paragraph, sub-paragraph (7 characters) + 2-character chemical = 9.
        String chem = chapter + String.format("%05d", r.nextInt(100_000)) + letters.charAt(r.nextInt(letters.length())) + "0";
        if (prefixes.contains(chem) || !used.add(dmd)) {
          continue;
        }
        prefixes.add(chem);
        String bnf = chem + "AA" + letters.charAt(r.nextInt(letters.length())) + letters.charAt(r.nextInt(letters.length()))
            + "A" + letters.charAt(r.nextInt(letters.length()));
        c.medicines.add(new CodeLists.Medicine(bnf, dmd, "synthetic medicine for " + c.name, ""));
        added++;
      }
    }
  }

  private static String chapter(String name) {
    if (name.matches(".*(heart|hypertension|fibrillation|stroke|vascular|valve).*")) {
      return "02";
    } else if (name.matches(".*(COPD|asthma).*")) {
      return "03";
    } else if (name.matches(".*(dementia|anxiety|painful|psychosis|epilepsy|parkinson|sleep).*")) {
      return "04";
    } else if (name.matches(".*(diabetes|thyroid|osteoporosis).*")) {
      return "06";
    } else if (name.matches(".*(constipation|peptic).*")) {
      return "01";
    } else if (name.matches(".*(arthritis).*")) {
      return "10";
    } else if (name.matches(".*(kidney|urinary|incontinence).*")) {
      return "07";
    } else if (name.matches(".*(anaemia).*")) {
      return "09";
    }
    return "08";
  }
}
