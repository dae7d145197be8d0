package org.openstrat.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.openstrat.ingest.Extract;
import org.openstrat.util.CheckDigits;

/**
 * One patient's whole record, from a random stream seeded by (seed, patient index) only.
 *
 * <p>The hidden model (docs/generator.md): each person has a latent frailty {@code zf} (standard
 * normal, shifted by deprivation and practice), an independent acute propensity {@code za} that no
 * GP code reveals, and a nonlinear age curve. Conditions and eFI deficits are drawn from age and
 * {@code zf} (so they cluster within a person); the GP record shows them with under-recording;
 * hospital use, deaths, social care and housing needs are drawn from {@code zf}, {@code za}, age
 * and the number of true conditions. The pipeline's scores see only the recorded codes.
 */
final class PatientSimulator {
  /** Years of history written before the extract date (a run can score a year back). */
  static final int HISTORY_YEARS = 4;

  // Targets per registered patient per year (docs/generator.md); the constants below scale the
  // hidden rates to them and were tuned on seed 1, 20k patients.
  private static final double NOISE_EVENTS = 8.15;
  private static final double ACUTE_MEDS = 2.9;
  private static final double EMERGENCY = 0.0634;
  private static final double ELECTIVE = 0.085;
  private static final double AE = 0.24;
  private static final double OP = 1.29;

  private static final double[] AGE_BAND_SHARE = {
    5.4, 5.9, 6.1, 5.8, 6.2, 6.6, 6.9, 6.7, 6.4, 6.0, 6.7, 6.7, 5.9, 5.1, 4.9, 4.1, 2.8, 1.6, 0.9
  };
  private static final double[] AGE_CUM;

  static {
    AGE_CUM = new double[AGE_BAND_SHARE.length];
    double t = 0;
    for (double s : AGE_BAND_SHARE) {
      t += s;
    }
    double c = 0;
    for (int i = 0; i < AGE_BAND_SHARE.length; i++) {
      c += AGE_BAND_SHARE[i] / t;
      AGE_CUM[i] = c;
    }
    AGE_CUM[AGE_CUM.length - 1] = 1.0;
  }

  /** ICD-10 3-character codes outside HFRS, for primary and secondary diagnoses. */
  private static final String[] BACKGROUND_ICD10 = {
    "I21", "I50", "J44", "J20", "J45", "K35", "K80", "K57", "R07", "R10", "I48", "E11", "E10", "I10",
    "C34", "C50", "C18", "C61", "M54", "G43", "L02", "N30", "A08", "T78", "I26", "I80", "R51", "K29",
    "K21", "J06", "J02", "S52", "S82", "I20", "E78", "F41", "F33", "D50", "N40", "I25", "K85", "O80"
  };
  private static final String[] ELECTIVE_ICD10 = {
    "H25", "M17", "M16", "K40", "K80", "C50", "C61", "Z51", "N40", "K57", "I20", "D50", "C18", "K21",
    "H26", "M75", "G56", "N81", "I83", "L72"
  };
  private static final String[] CHRONIC_ICD10 = {"I10", "E11", "I48", "J44", "E78", "I25", "J45", "E03", "I50"};

  private static final String[] EMERGENCY_METHODS = {"21", "21", "21", "21", "21", "21", "21", "22", "22", "23", "24", "25", "2A", "2B", "2D", "2D", "28"};
  private static final String[] ELECTIVE_METHODS = {"11", "11", "11", "11", "11", "11", "12", "12", "12", "13"};

  private static final String[] SUPPORT_OLDER = {
    "Physical Support: Personal Care Support", "Physical Support: Personal Care Support",
    "Physical Support: Personal Care Support", "Support with Memory and Cognition",
    "Physical Support: Access and Mobility Only", "Sensory Support: Support for Dual Impairment",
    "Social Support: Substance Misuse, Asylum Seeker or Other Support"
  };
  private static final String[] SUPPORT_YOUNGER = {
    "Learning Disability Support", "Learning Disability Support", "Mental Health Support",
    "Mental Health Support", "Physical Support: Personal Care Support",
    "Social Support: Substance Misuse, Asylum Seeker or Other Support"
  };

  /** Real observation codes (BP, weight, BMI, height) used with values as background. */
  private static final String[][] OBSERVATIONS = {
    {"271649006", "110", "175"}, {"271650006", "62", "100"}, {"27113001", "48", "115"},
    {"60621009", "18", "40"}, {"50373000", "150", "192"}
  };

  private final long seed;
  private final Ics ics;
  private final CodeLists codes;
  private final Dates dates;
  private final List<Concepts.Concept> concepts;
  private final String[] noiseCodes;
  private final String[][] observations;
  private final String[][] acuteMeds;
  private final String[] hfrsCodes;
  private final String[] backgroundIcd;
  private final String[] electiveIcd;
  private final int extractDay;
  private final int windowStart;

  /** Per-chunk counters (rows are counted by the sink). */
  long supersededRows;

  private final Set<Long> seen = new HashSet<>();

  /** Emergency admissions from {@link LogisticOutcomes}, not the hidden model. */
  private final boolean logisticOutcomes;

  PatientSimulator(long seed, Ics ics, CodeLists codes, Dates dates) {
    this(seed, ics, codes, dates, false);
  }

  PatientSimulator(long seed, Ics ics, CodeLists codes, Dates dates, boolean logisticOutcomes) {
    this.logisticOutcomes = logisticOutcomes;
    this.seed = seed;
    this.ics = ics;
    this.codes = codes;
    this.dates = dates;
    this.concepts = Concepts.resolve(codes);
    this.extractDay = dates.extractDay;
    this.windowStart = (int) java.time.LocalDate.ofEpochDay(extractDay).minusYears(HISTORY_YEARS).toEpochDay();
    this.noiseCodes = noiseSnomed(codes.listedSnomed, 400);
    List<String[]> obs = new ArrayList<>();
    for (String[] o : OBSERVATIONS) {
      if (CheckDigits.snomedConceptIdValid(o[0]) && !codes.listedSnomed.contains(o[0])) {
        obs.add(o);
      }
    }
    this.observations = obs.toArray(new String[0][]);
    this.acuteMeds = acuteMedicines(codes, 60);
    this.hfrsCodes = codes.hfrs.keySet().toArray(new String[0]);
    this.backgroundIcd = notHfrs(BACKGROUND_ICD10, codes);
    this.electiveIcd = notHfrs(ELECTIVE_ICD10, codes);
  }

  List<Concepts.Concept> concepts() {
    return concepts;
  }

  private static String[] notHfrs(String[] list, CodeLists codes) {
    List<String> out = new ArrayList<>();
    for (String c : list) {
      if (!codes.hfrs.containsKey(c)) {
        out.add(c);
      }
    }
    return out.toArray(new String[0]);
  }

  /** Valid SNOMED CT concept ids (Verhoeff) on no rule list: GP background noise. */
  static String[] noiseSnomed(Set<String> listed, int n) {
    SplittableRandom r = new SplittableRandom(20_260_331L);
    Set<String> out = new java.util.LinkedHashSet<>();
    while (out.size() < n) {
      String body = Long.toString(100_000 + r.nextInt(89_900_000)) + "00";
      String id = body + CheckDigits.verhoeffCheckDigit(body);
      if (CheckDigits.snomedConceptIdValid(id) && !listed.contains(id)) {
        out.add(id);
      }
    }
    return out.toArray(new String[0]);
  }

  /**
   * Acute medicines (antibiotics and the like) as background issues: synthetic dm+d-format ids
   * (valid Verhoeff, on no list) with BNF presentation codes in chapter 5 whose 9-character
   * chemical prefix no listed medicine uses.
   */
  static String[][] acuteMedicines(CodeLists codes, int n) {
    Set<String> prefixes = new HashSet<>();
    for (CodeLists.Medicine m : codes.medicines) {
      prefixes.add(m.bnfCode().substring(0, 9));
    }
    SplittableRandom r = new SplittableRandom(5_010_013L);
    List<String[]> out = new ArrayList<>();
    String letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    Set<String> used = new HashSet<>();
    while (out.size() < n) {
      String body = Long.toString(300_000 + r.nextInt(600_000)) + "00";
      String dmd = body + CheckDigits.verhoeffCheckDigit(body);
      String chem = "05010" + (1 + r.nextInt(3)) + String.format("%02d", r.nextInt(90)).substring(0, 1) + letters.charAt(r.nextInt(letters.length())) + "0";
      if (prefixes.contains(chem) || codes.listedSnomed.contains(dmd) || !used.add(dmd)) {
        continue;
      }
      String bnf = chem + "AA" + letters.charAt(r.nextInt(letters.length())) + letters.charAt(r.nextInt(letters.length())) + "A" + letters.charAt(r.nextInt(letters.length()));
      out.add(new String[] {dmd, bnf});
    }
    return out.toArray(new String[0][]);
  }

  /** The NHS number of patient {@code index}: unique, valid Modulus 11, in 400000000x-499999999x. */
  static String nhsNumber(long seed, long index) {
    long scrambled = Math.floorMod(index * 6_364_137L + Math.floorMod(Rng.mix(seed, 0, 0), 10_000_000L), 10_000_000L);
    long base = 400_000_000L + scrambled * 10;
    for (int k = 0; k < 10; k++) {
      String nine = Long.toString(base + k);
      Integer check = CheckDigits.nhsCheckDigit(nine);
      if (check != null) {
        String s = nine + check;
        if (CheckDigits.nhsNumberValid(s)) {
          return s;
        }
      }
    }
    throw new IllegalStateException("no valid NHS number in block " + base);
  }

  /** Hidden state of one person, kept for the outcome draws. */
  private static final class Person {
    String nhs;
    int age;
    int dob;
    String sex;
    int practice;
    int lsoa = -1;
    double dep; // 0 least to 1 most deprived
    double zf;
    double za;
    int start; // first day GP and hospital activity is written
    int end; // last day (extract, death or deregistration)
    int death = Integer.MAX_VALUE;
    int trueConditions;
    boolean[] has;
    int[] onset;
  }

  void simulate(long index, Defects defects, Defects.Sink sink) {
    SplittableRandom r = Rng.patient(seed, index, Rng.CLINICAL);
    defects.startPatient(seed, index);
    Person p = new Person();
    p.nhs = nhsNumber(seed, index);
    drawDemography(r, p);
    Ics.Practice practice = ics.practices.get(p.practice);
    p.zf = r.nextGaussian() + 0.8 * (p.dep - 0.5) + practice.effect();
    p.za = r.nextGaussian();
    String[] patientRow = registration(r, p, practice);
    defects.emit(Extract.PATIENTS, patientRow, true, sink);

    seen.clear();
    conditions(r, p, defects, sink);
    observations(r, p, defects, sink);
    noise(r, p, defects, sink);
    seen.clear();
    medicines(r, p, defects, sink);
    hospital(r, p, index, defects, sink);
    seen.clear();
    socialCare(r, p, defects, sink);
    seen.clear();
    housing(r, p, defects, sink);
  }

  private void drawDemography(SplittableRandom r, Person p) {
    double u = r.nextDouble();
    int band = 0;
    while (AGE_CUM[band] < u) {
      band++;
    }
    if (band == AGE_BAND_SHARE.length - 1) {
      p.age = Math.min(105, 90 + (int) (-Math.log(1 - r.nextDouble()) * 3.5));
    } else {
      p.age = band * 5 + r.nextInt(5);
    }
    double female = p.age < 60 ? 0.50 : p.age < 75 ? 0.515 : p.age < 85 ? 0.55 : p.age < 90 ? 0.60 : 0.67;
    double s = r.nextDouble();
    p.sex = s < 0.0005 ? "I" : s < 0.001 ? "U" : r.nextDouble() < female ? "F" : "M";
    p.dob = extractDay - p.age * 365 - (p.age / 4) - r.nextInt(365) - 1;
    p.practice = ics.practiceFor(r.nextDouble());
    Ics.Practice pr = ics.practices.get(p.practice);
    double l = r.nextDouble();
    if (l < 0.005) {
      p.lsoa = -1;
      p.dep = 0.5;
    } else {
      p.lsoa = l < 0.80 ? pr.lsoaFrom() + r.nextInt(pr.lsoaCount()) : r.nextInt(ics.lsoas.size());
      p.dep = (10 - ics.lsoas.get(p.lsoa).decile()) / 9.0;
    }
  }

  private String[] registration(SplittableRandom r, Person p, Ics.Practice practice) {
    int regStart;
    if (p.dob >= windowStart) {
      regStart = Math.min(extractDay, p.dob + r.nextInt(42));
    } else if (r.nextDouble() < 0.15) {
      regStart = windowStart + r.nextInt(extractDay - windowStart);
    } else {
      int from = Math.max(p.dob, windowStart - 20 * 365);
      regStart = from + r.nextInt(Math.max(1, windowStart - from));
    }
    // Deaths: yearly Gompertz hazard raised by frailty.
    int death = Integer.MAX_VALUE;
    for (int y = 0; y < HISTORY_YEARS && death == Integer.MAX_VALUE; y++) {
      int yearStart = windowStart + y * 365;
      int ageThen = p.age - (HISTORY_YEARS - y);
      if (yearStart + 365 < regStart || ageThen < 0) {
        continue;
      }
      double q = Math.min(0.6, Math.exp(-10.4 + 0.093 * Math.max(ageThen, 30) + 0.45 * p.zf) + (ageThen < 1 ? 0.003 : 0));
      if (r.nextDouble() < q) {
        death = Math.max(regStart, yearStart) + r.nextInt(365);
        if (death > extractDay) {
          death = Integer.MAX_VALUE;
        }
      }
    }
    int regEnd = Integer.MAX_VALUE;
    if (death != Integer.MAX_VALUE) {
      regEnd = death;
      p.death = death;
    } else if (r.nextDouble() < 0.02 * HISTORY_YEARS) {
      int from = Math.max(regStart, windowStart);
      if (from < extractDay - 1) {
        regEnd = from + 1 + r.nextInt(extractDay - from - 1);
      }
    }
    p.start = Math.max(Math.max(windowStart, p.dob), regStart);
    p.end = Math.min(extractDay, regEnd);
    String type1 = r.nextDouble() < 0.03 ? "Y" : "N";
    String national = r.nextDouble() < 0.05 ? "Y" : "N";
    return new String[] {
      p.nhs,
      dates.str(p.dob),
      p.sex,
      practice.code(),
      dates.str(regStart),
      regEnd == Integer.MAX_VALUE ? "" : dates.str(regEnd),
      death == Integer.MAX_VALUE ? "" : dates.str(death),
      p.lsoa < 0 ? "" : ics.lsoas.get(p.lsoa).code(),
      type1,
      national
    };
  }

  private boolean active(Person p) {
    return p.end > p.start;
  }

  private int dayIn(SplittableRandom r, int from, int to) {
    return to <= from ? from : from + r.nextInt(to - from + 1);
  }

  private void event(Person p, String code, int day, String value, Defects defects, Defects.Sink sink) {
    long key = ((long) day << 32) ^ (code.hashCode() & 0xffffffffL);
    if (!seen.add(key)) {
      return;
    }
    defects.emit(Extract.GP_EVENTS, new String[] {p.nhs, dates.str(day), code, value}, true, sink);
  }

  private void conditions(SplittableRandom r, Person p, Defects defects, Defects.Sink sink) {
    p.has = new boolean[concepts.size()];
    p.onset = new int[concepts.size()];
    for (int i = 0; i < concepts.size(); i++) {
      Concepts.Concept c = concepts.get(i);
      double u = r.nextDouble();
      if (p.age < c.minAge) {
        continue;
      }
      double prob = Rng.logistic(c.logitP80 + c.slope * (p.age - 80) / 10.0 + c.load * p.zf);
      if (u >= prob) {
        continue;
      }
      int fromAge = Math.max(c.minAge, p.age - c.span);
      int onsetAge = fromAge + r.nextInt(Math.max(1, p.age - fromAge + 1));
      int onset = Math.min(extractDay, p.dob + onsetAge * 365 + r.nextInt(365));
      if (onset > p.end) {
        continue;
      }
      p.has[i] = true;
      p.onset[i] = onset;
      p.trueConditions++;
      if (r.nextDouble() >= 0.9) {
        continue; // true but never recorded
      }
      recordConcept(r, p, c, onset, defects, sink);
      if (!active(p)) {
        continue;
      }
      for (int y = 0; y < HISTORY_YEARS; y++) {
        int from = Math.max(Math.max(windowStart + y * 365, onset + 1), p.start);
        int to = Math.min(windowStart + (y + 1) * 365, p.end);
        if (from <= to && r.nextDouble() < c.review) {
          recordConcept(r, p, c, dayIn(r, from, to), defects, sink);
        }
      }
    }
  }

  private void recordConcept(SplittableRandom r, Person p, Concepts.Concept c, int day, Defects defects, Defects.Sink sink) {
    boolean efi = !c.efiCodes.isEmpty();
    boolean ltc = !c.ltcCodes.isEmpty();
    if (efi && (!ltc || r.nextDouble() < 0.7)) {
      event(p, Rng.pick(r, c.efiCodes), day, "", defects, sink);
      if (ltc && r.nextDouble() < 0.5) {
        event(p, Rng.pick(r, c.ltcCodes), day, "", defects, sink);
      }
    } else if (ltc) {
      event(p, Rng.pick(r, c.ltcCodes), day, "", defects, sink);
    }
  }

  /** Value-based eFI rules: values meeting the rule for people with the deficit, normal values otherwise. */
  private void observations(SplittableRandom r, Person p, Defects defects, Defects.Sink sink) {
    if (codes.efiValues.isEmpty() || !active(p)) {
      return;
    }
    for (CodeLists.ValueRule v : codes.efiValues) {
      if (!sexApplies(v.sex(), p.sex)) {
        continue;
      }
      int ci = conceptIndexForEfi(v.deficitKey());
      boolean has = ci >= 0 && p.has[ci];
      if (has && r.nextDouble() < 0.5) {
        String value = meetingValue(r, v);
        if (value != null) {
          event(p, v.snomedCode(), dayIn(r, Math.max(p.onset[ci], p.start), p.end), value, defects, sink);
        }
      } else if (!has && p.age >= 40 && r.nextDouble() < 0.15) {
        String value = normalValue(r, v, p.sex);
        if (value != null) {
          event(p, v.snomedCode(), dayIn(r, p.start, p.end), value, defects, sink);
        }
      }
    }
  }

  private int conceptIndexForEfi(String key) {
    for (int i = 0; i < concepts.size(); i++) {
      if (key.equals(concepts.get(i).efiKey)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sexApplies(String ruleSex, String sex) {
    return ruleSex.isEmpty() || ruleSex.equals("ANY") || ruleSex.equals("A") || ruleSex.equals("BOTH") || ruleSex.equals("ALL") || ruleSex.equals(sex);
  }

  static boolean meets(String op, double t, double v) {
    return switch (op) {
      case "<" -> v < t;
      case "<=" -> v <= t;
      case ">" -> v > t;
      case ">=" -> v >= t;
      case "=", "==" -> v == t;
      default -> true;
    };
  }

  private static boolean knownOp(String op) {
    return switch (op) {
      case "<", "<=", ">", ">=" -> true;
      default -> false;
    };
  }

  private static String fmt(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  /** Scores and thresholds of 10 or more are whole numbers (Barthel, eGFR, haemoglobin in g/L). */
  private static double wholeIfScore(double t, double v) {
    return t == Math.rint(t) && Math.abs(t) >= 10 ? Math.rint(v) : v;
  }

  private String meetingValue(SplittableRandom r, CodeLists.ValueRule v) {
    String op = v.operator().toLowerCase(Locale.ROOT);
    double t = v.threshold();
    if (!knownOp(op)) {
      // "any value recorded" style rules (or an operator we do not model): any plausible value.
      return Double.isNaN(t) ? fmt(1 + r.nextInt(20)) : null;
    }
    double scale = Math.max(Math.abs(t), 1.0);
    for (int attempt = 0; attempt < 5; attempt++) {
      double value;
      if (attempt == 0 && op.endsWith("=") && r.nextDouble() < 0.1) {
        value = t; // on the boundary
      } else if (op.startsWith("<")) {
        value = t - scale * (0.02 + 0.3 * r.nextDouble());
      } else {
        value = t + scale * (0.02 + 0.5 * r.nextDouble());
      }
      String s = fmt(wholeIfScore(t, value));
      if (meets(op, t, Double.parseDouble(s))) {
        return s;
      }
    }
    return null;
  }

  /** A value meeting no rule on the same code for this sex, or null if none found. */
  private String normalValue(SplittableRandom r, CodeLists.ValueRule v, String sex) {
    String op = v.operator().toLowerCase(Locale.ROOT);
    double t = v.threshold();
    if (!knownOp(op)) {
      return null;
    }
    double scale = Math.max(Math.abs(t), 1.0);
    for (int attempt = 0; attempt < 5; attempt++) {
      double value = op.startsWith("<") ? t + scale * (0.05 + 0.4 * r.nextDouble()) : t - scale * (0.05 + 0.4 * r.nextDouble());
      if (t > 0 && value <= 0) {
        value = t * 0.5;
      }
      String s = fmt(wholeIfScore(t, value));
      double parsed = Double.parseDouble(s);
      boolean any = false;
      for (CodeLists.ValueRule o : codes.efiValues) {
        if (o.snomedCode().equals(v.snomedCode()) && sexApplies(o.sex(), sex)
            && (!knownOp(o.operator().toLowerCase(Locale.ROOT)) || meets(o.operator().toLowerCase(Locale.ROOT), o.threshold(), parsed))) {
          any = true;
          break;
        }
      }
      if (!any) {
        return s;
      }
    }
    return null;
  }

  /** Background GP activity: codes on no list, some with values (BP, weight, BMI, height). */
  private void noise(SplittableRandom r, Person p, Defects defects, Defects.Sink sink) {
    if (!active(p)) {
      return;
    }
    double years = (p.end - p.start) / 365.25;
    double ageFactor = p.age < 5 ? 1.2 : 0.35 + p.age / 45.0;
    double rate = NOISE_EVENTS * ageFactor * Math.exp(0.35 * p.zf) * ("F".equals(p.sex) ? 1.15 : 0.85);
    int n = Rng.poisson(r, rate * years);
    for (int k = 0; k < n; k++) {
      int day = dayIn(r, p.start, p.end);
      if (observations.length > 0 && p.age >= 16 && r.nextDouble() < 0.25) {
        String[] o = observations[r.nextInt(observations.length)];
        double lo = Double.parseDouble(o[1]);
        double hi = Double.parseDouble(o[2]);
        event(p, o[0], day, fmt(Math.round((lo + (hi - lo) * r.nextDouble()) * 10) / 10.0), defects, sink);
      } else {
        event(p, noiseCodes[r.nextInt(noiseCodes.length)], day, "", defects, sink);
      }
    }
  }

  private void issue(Person p, int day, String dmd, String bnf, Defects defects, Defects.Sink sink) {
    long key = ((long) day << 32) ^ (dmd.hashCode() & 0xffffffffL);
    if (!seen.add(key)) {
      return;
    }
    defects.emit(Extract.GP_MEDICATIONS, new String[] {p.nhs, dates.str(day), dmd, bnf}, true, sink);
  }

  private void medicines(SplittableRandom r, Person p, Defects defects, Defects.Sink sink) {
    if (!active(p)) {
      return;
    }
    for (int i = 0; i < concepts.size(); i++) {
      Concepts.Concept c = concepts.get(i);
      if (!p.has[i] || c.medicines.isEmpty() || r.nextDouble() >= 0.8) {
        continue;
      }
      double more = r.nextDouble();
      int nMeds = Math.min(c.medicines.size(), 1 + (more < 0.5 ? 1 : 0) + (more < 0.15 ? 1 : 0));
      int first = r.nextInt(c.medicines.size());
      for (int m = 0; m < nMeds; m++) {
        CodeLists.Medicine med = c.medicines.get((first + m) % c.medicines.size());
        int interval = r.nextDouble() < 0.75 ? 28 : 56;
        int day = Math.max(p.onset[i], p.start) + r.nextInt(interval);
        for (; day <= p.end; day += interval + r.nextInt(5) - 2) {
          if (r.nextDouble() < 0.92) {
            issue(p, day, med.dmdCode(), med.bnfCode(), defects, sink);
          }
        }
      }
    }
    double years = (p.end - p.start) / 365.25;
    double rate = ACUTE_MEDS * (p.age < 5 ? 1.5 : 0.5 + p.age / 50.0) * Math.exp(0.3 * p.zf);
    int n = Rng.poisson(r, rate * years);
    for (int k = 0; k < n; k++) {
      String[] m = acuteMeds[r.nextInt(acuteMeds.length)];
      issue(p, dayIn(r, p.start, p.end), m[0], m[1], defects, sink);
    }
  }

  /** The nonlinear age curve of the hidden hospital model (J-shaped: infants and the old). */
  static double ageCurve(int age) {
    int[] ages = {0, 1, 5, 16, 20, 40, 60, 70, 80, 90, 100};
    double[] h = {0.9, -0.1, -0.8, -0.7, -0.4, -0.3, 0.1, 0.6, 1.2, 1.6, 1.8};
    if (age >= 100) {
      return h[h.length - 1];
    }
    for (int i = 1; i < ages.length; i++) {
      if (age < ages[i]) {
        double f = (age - ages[i - 1]) / (double) (ages[i] - ages[i - 1]);
        return h[i - 1] + f * (h[i] - h[i - 1]);
      }
    }
    return h[h.length - 1];
  }

  private void hospital(SplittableRandom r, Person p, long index, Defects defects, Defects.Sink sink) {
    aeSeq = 0;
    opSeq = 0;
    if (!active(p)) {
      return;
    }
    double years = (p.end - p.start) / 365.25;
    double risk = ageCurve(p.age) + 0.55 * p.zf + 0.45 * p.za + 0.4 * (p.dep - 0.5) + 0.10 * Math.min(p.trueConditions, 10)
        + ics.practices.get(p.practice).effect();
    String provider = Ics.PROVIDERS[Math.floorMod(p.practice, Ics.PROVIDERS.length)];
    int seq = 0;
    // Emergency spells.
    double frailShare = 0.12 + 0.5 * Rng.logistic((p.age - 75) / 7.0 + 0.5 * p.zf);
    int[] admissions = logisticOutcomes ? logisticAdmissions(r, p) : null;
    int nEm = logisticOutcomes ? admissions.length
        : Math.min(60, Rng.poisson(r, Math.min(8, EMERGENCY * Math.exp(risk)) * years));
    for (int k = 0; k < nEm; k++) {
      int adm = logisticOutcomes ? admissions[k] : dayIn(r, p.start, p.end);
      double meanLos = (p.age < 60 ? 2.0 : 2.0 + (p.age - 60) * 0.18) * Math.exp(0.2 * p.zf);
      int los = (int) Math.round(-Math.log(1 - r.nextDouble()) * meanLos);
      String method = Rng.pick(r, EMERGENCY_METHODS);
      String spellId = Long.toString(1_000_000_000_000L + index * 1000 + seq++);
      spell(r, p, spellId, provider, adm, los, method, frailShare, true, defects, sink);
      if (method.equals("21") && r.nextDouble() < 0.9) {
        attendance(r, p, index, adm, "01", defects, sink);
      }
    }
    // Elective spells (mostly day cases).
    int nEl = Math.min(40, Rng.poisson(r, Math.min(5, ELECTIVE * Math.exp(0.6 * ageCurve(p.age) + 0.2 * p.za + 0.06 * Math.min(p.trueConditions, 10))) * years));
    for (int k = 0; k < nEl; k++) {
      int adm = dayIn(r, p.start, p.end);
      int los = r.nextDouble() < 0.65 ? 0 : 1 + r.nextInt(5);
      String spellId = Long.toString(1_000_000_000_000L + index * 1000 + seq++);
      spell(r, p, spellId, provider, adm, los, Rng.pick(r, ELECTIVE_METHODS), frailShare * 0.3, false, defects, sink);
    }
    // A&E attendances not leading to admission.
    int nAe = Math.min(150, Rng.poisson(r, Math.min(20, AE * Math.exp(0.7 * risk + 0.3 * r.nextGaussian())) * years));
    for (int k = 0; k < nAe; k++) {
      double u = r.nextDouble();
      String dept = u < 0.76 ? "01" : u < 0.77 ? "02" : u < 0.95 ? "03" : u < 0.98 ? "04" : "05";
      attendance(r, p, index, dayIn(r, p.start, p.end), dept, defects, sink);
    }
    // Outpatient appointments.
    double opRate = OP * Math.exp(0.5 * ageCurve(p.age) + 0.12 * Math.min(p.trueConditions, 10) + 0.3 * r.nextGaussian());
    int nOp = Math.min(400, Rng.poisson(r, Math.min(40, opRate) * years));
    double dna = 0.05 + 0.06 * p.dep;
    for (int k = 0; k < nOp; k++) {
      double u = r.nextDouble();
      String status = u < dna ? (r.nextDouble() < 0.85 ? "3" : "7") : u < dna + 0.11 ? (r.nextBoolean() ? "2" : "4") : (r.nextDouble() < 0.97 ? "5" : "6");
      String id = Long.toString(3_000_000_000_000L + index * 1000 + opSeq++);
      defects.emit(Extract.OP_APPOINTMENTS, new String[] {p.nhs, id, dates.str(dayIn(r, p.start, p.end)), status}, true, sink);
    }
  }

  private int aeSeq;
  private int opSeq;

  /**
   * Admission days under {@link LogisticOutcomes}: one draw per 12-month block of history ending
   * on an anniversary of the extract date, for a patient active on the block's first day (its
   * as-of), from the features the pipeline sees on that day.
   */
  private int[] logisticAdmissions(SplittableRandom r, Person p) {
    java.time.LocalDate extract = java.time.LocalDate.ofEpochDay(extractDay);
    java.time.LocalDate dob = java.time.LocalDate.ofEpochDay(p.dob);
    int decile = p.lsoa < 0 ? 0 : ics.lsoas.get(p.lsoa).decile();
    List<Integer> days = new ArrayList<>();
    for (int y = HISTORY_YEARS; y >= 1; y--) {
      java.time.LocalDate asOf = extract.minusYears(y);
      int from = (int) asOf.toEpochDay();
      int to = (int) extract.minusYears(y - 1).toEpochDay();
      int lookBack = (int) asOf.minusMonths(12).toEpochDay();
      if (p.start > from || p.end <= from) {
        continue;
      }
      int prior = 0;
      for (int d : days) {
        prior += d >= lookBack && d <= from ? 1 : 0;
      }
      double lp = LogisticOutcomes.linearPredictor(dob, asOf, p.sex, decile, prior);
      if (r.nextDouble() < Rng.logistic(lp)) {
        int day = from + 1 + r.nextInt(to - from);
        if (day <= p.end) {
          days.add(day);
        }
      }
    }
    return days.stream().mapToInt(Integer::intValue).toArray();
  }

  private void attendance(SplittableRandom r, Person p, long index, int day, String dept, Defects defects, Defects.Sink sink) {
    String id = Long.toString(2_000_000_000_000L + index * 1000 + aeSeq++);
    defects.emit(Extract.AE_ATTENDANCES, new String[] {p.nhs, id, dates.str(day), dept}, true, sink);
  }

  private void spell(SplittableRandom r, Person p, String spellId, String provider, int adm, int los, String method,
      double frailShare, boolean emergency, Defects defects, Defects.Sink sink) {
    int dis = adm + los;
    if (p.death != Integer.MAX_VALUE && dis > p.death) {
      dis = p.death;
    }
    String discharge = dis > extractDay ? "" : dates.str(dis);
    String primary = emergency && r.nextDouble() < frailShare ? icd(r, Rng.pick(r, hfrsCodes))
        : icd(r, emergency ? Rng.pick(r, backgroundIcd) : Rng.pick(r, electiveIcd));
    int episodes = emergency && los >= 2 && r.nextDouble() < 0.25 ? 2 + (r.nextDouble() < 0.3 ? 1 : 0) : 1;
    if (episodes == 1) {
      defects.emit(Extract.APC_SPELLS, new String[] {p.nhs, spellId, provider, dates.str(adm), discharge, method, primary, secondaries(r, p, frailShare)}, true, sink);
      return;
    }
    // Multi-episode spell: one row per consultant episode, same spell_id, nhs_number and admission date.
    int epStart = adm;
    Set<String> used = new HashSet<>();
    for (int e = 0; e < episodes; e++) {
      boolean last = e == episodes - 1;
      int epEnd = last ? dis : Math.min(dis, epStart + Math.max(1, (dis - adm) / episodes));
      String epDischarge = last ? discharge : (epEnd > extractDay ? "" : dates.str(epEnd));
      String dx = primary;
      // Each episode its own primary diagnosis, so no two rows of a spell are exact copies.
      while (!used.add(dx)) {
        dx = icd(r, r.nextDouble() < frailShare ? Rng.pick(r, hfrsCodes) : Rng.pick(r, backgroundIcd));
      }
      defects.emit(Extract.APC_SPELLS, new String[] {p.nhs, spellId, provider, dates.str(adm), epDischarge, method, dx, secondaries(r, p, frailShare)}, false, sink);
      epStart = epEnd;
    }
  }

  private String secondaries(SplittableRandom r, Person p, double frailShare) {
    int n = Math.min(12, Rng.poisson(r, 0.4 + 0.05 * Math.max(0, p.age - 40) + 0.25 * Math.min(p.trueConditions, 10)));
    if (n == 0) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(';');
        if (r.nextDouble() < 0.01) {
          b.append(';'); // an empty item: ignored
        }
      }
      double u = r.nextDouble();
      String base = u < frailShare * 0.8 ? Rng.pick(r, hfrsCodes) : u < 0.75 ? Rng.pick(r, CHRONIC_ICD10) : Rng.pick(r, backgroundIcd);
      b.append(icd(r, base).trim());
    }
    return b.toString();
  }

  /** An ICD-10 code in one of the SUS forms: I10, I10X, I10-, S06.2, S062, lower case, spaces. */
  private String icd(SplittableRandom r, String base) {
    String code;
    if (r.nextBoolean()) {
      double u = r.nextDouble();
      code = u < 0.7 ? base : u < 0.85 ? base + "X" : base + "-";
    } else {
      int fourth = r.nextInt(10);
      code = r.nextDouble() < 0.55 ? base + "." + fourth : base + fourth;
    }
    double v = r.nextDouble();
    if (v < 0.03) {
      code = code.toLowerCase(Locale.ROOT);
    } else if (v < 0.05) {
      code = code + " ";
    }
    return code;
  }

  private static final String[] SERVICES_OLDER = {
    "Long Term Support: Community", "Long Term Support: Community", "Long Term Support: Community",
    "Long Term Support: Residential", "Long Term Support: Nursing", "Short Term Support: ST-Max"
  };
  private static final String[] SERVICES_YOUNGER = {
    "Long Term Support: Community", "Long Term Support: Community", "Long Term Support: Community",
    "Long Term Support: Residential", "Short Term Support: ST-Max"
  };

  private void socialCare(SplittableRandom r, Person p, Defects defects, Defects.Sink sink) {
    double u = r.nextDouble();
    if (p.age < 18) {
      return;
    }
    double prob = 0.005 + 0.5 * Rng.logistic((p.age - 88) / 5.0 + 0.9 * p.zf - 0.5);
    if (u >= prob) {
      return;
    }
    Ics.La la = ics.las.get(p.lsoa < 0 ? 0 : ics.lsoas.get(p.lsoa).la());
    int sub = la.latestSubmission();
    int old = la.olderSubmission();
    int n = 1 + (r.nextDouble() < 0.35 ? 1 : 0);
    int adult = p.dob + 18 * 366;
    for (int k = 0; k < n; k++) {
      int earliest = Math.max(adult, sub - 6 * 365);
      int latest = Math.min(sub - 7, p.death == Integer.MAX_VALUE ? sub - 7 : p.death - 1);
      if (latest <= earliest) {
        return;
      }
      int start = dayIn(r, earliest, latest);
      int end = -1;
      if (r.nextDouble() < 0.45) {
        end = dayIn(r, start + 14, sub);
      }
      if (p.death != Integer.MAX_VALUE && p.death <= sub && (end < 0 || end > p.death)) {
        end = p.death;
      }
      if (end > sub) {
        end = -1;
      }
      boolean older = p.age >= 65;
      String service = older ? Rng.pick(r, SERVICES_OLDER) : Rng.pick(r, SERVICES_YOUNGER);
      String reason = older ? Rng.pick(r, SUPPORT_OLDER) : Rng.pick(r, SUPPORT_YOUNGER);
      long key = ((long) start << 32) ^ service.hashCode();
      if (!seen.add(key)) {
        continue;
      }
      defects.emit(Extract.SOCIAL_CARE, new String[] {p.nhs, la.code(), service, reason, dates.str(start), end < 0 ? "" : dates.str(end), dates.str(sub)}, true, sink);
      if (start <= old) {
        // The same service as the LA reported it one quarter earlier: superseded, not a defect.
        String oldEnd = end >= 0 && end <= old ? dates.str(end) : "";
        defects.emit(Extract.SOCIAL_CARE, new String[] {p.nhs, la.code(), service, reason, dates.str(start), oldEnd, dates.str(old)}, false, sink);
        supersededRows++;
      }
    }
  }

  private void housing(SplittableRandom r, Person p, Defects defects, Defects.Sink sink) {
    if (r.nextDouble() >= 0.42) {
      return;
    }
    double d = p.dep;
    double[] w = {0.72 - 0.45 * d, 0.08 + 0.35 * d, 0.15 + 0.08 * d, 0.004 + 0.012 * d, 0.02};
    String[] tenures = {"owner", "social_rent", "private_rent", "temporary", "unknown"};
    int n = 1 + Math.min(3, Rng.poisson(r, 0.5));
    String uprn = "10" + String.format("%010d", r.nextLong(10_000_000_000L));
    String tenure = tenures[pickWeighted(r, w)];
    int first = p.dob;
    for (int k = 0; k < n; k++) {
      int day = dayIn(r, Math.max(first, windowStart - 2 * 365), p.end);
      if (k > 0 && r.nextDouble() < 0.15) {
        uprn = "10" + String.format("%010d", r.nextLong(10_000_000_000L));
        tenure = tenures[pickWeighted(r, w)];
      }
      if (!seen.add((long) day)) {
        continue;
      }
      boolean adult = p.age >= 18;
      String alone = adult && r.nextDouble() < 0.10 + 0.35 * Rng.logistic((p.age - 75) / 6.0) ? "Y" : "N";
      String hazard = r.nextDouble() < (0.04 + 0.10 * d) * (tenure.equals("private_rent") ? 1.5 : 1) ? "Y" : "N";
      String homeless = tenure.equals("temporary") || r.nextDouble() < 0.002 ? "Y" : "N";
      String adapt = p.age >= 60 && r.nextDouble() < 0.05 + 0.3 * Rng.logistic(1.2 * p.zf + (p.age - 80) / 8.0) ? "Y" : "N";
      defects.emit(Extract.HOUSING, new String[] {p.nhs, uprn, dates.str(day), tenure, alone, hazard, homeless, adapt}, true, sink);
    }
  }

  private static int pickWeighted(SplittableRandom r, double[] w) {
    double t = 0;
    for (double x : w) {
      t += x;
    }
    double u = r.nextDouble() * t;
    for (int i = 0; i < w.length; i++) {
      u -= w[i];
      if (u < 0) {
        return i;
      }
    }
    return w.length - 1;
  }
}
