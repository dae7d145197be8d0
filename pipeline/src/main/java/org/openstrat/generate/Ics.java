package org.openstrat.generate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The fixed shape of a synthetic Integrated Care System: ICPs, ICCs, PCNs, practices, LSOAs,
 * local authorities and hospital providers. Sizes follow the real system scaled to N, with floors
 * so that even a small system has at least 2 ICPs, 2 ICCs per ICP and 2 PCNs per ICC:
 *
 * <ul>
 *   <li>ICPs: max(2, N/250,000); ICCs: max(2 per ICP, N/100,000); PCNs: max(2 per ICC, N/45,000)
 *       (real PCNs serve 30-60k); practices: max(2 per PCN, N/7,500) (about one per 7-8k).
 *   <li>LSOAs: max(10, N/1,500) (about 1,500 people each); IMD deciles vary smoothly across
 *       neighbouring LSOAs so practices serve areas of similar deprivation.
 *   <li>Local authorities: max(2, N/350,000), contiguous blocks of LSOAs.
 * </ul>
 *
 * Built from its own random stream (seed, -1), so it does not depend on the patients.
 */
final class Ics {
  static final String IMD_EDITION = "IMD2019";
  static final String[] PROVIDERS = {"R0A", "RBV", "RW6"};

  record Icp(String code, String name) {}

  record Icc(String code, String name, int icp) {}

  record Pcn(String code, String name, int icc) {}

  /** A practice; {@code previousPcn} >= 0 when it moved PCN on {@code moveDay} (epoch day). */
  record Practice(
      String code, String name, int pcn, int previousPcn, int moveDay, double weight, double effect,
      int lsoaFrom, int lsoaCount) {}

  record Lsoa(String code, int decile, int la) {}

  /** A local authority with its latest and one older (superseded) CLD submission (epoch days). */
  record La(String code, int latestSubmission, int olderSubmission) {}

  /** PCNs were set up in July 2019: every practices row starts then or later. */
  static final LocalDate PCN_START = LocalDate.of(2019, 7, 1);

  final List<Icp> icps = new ArrayList<>();
  final List<Icc> iccs = new ArrayList<>();
  final List<Pcn> pcns = new ArrayList<>();
  final List<Practice> practices = new ArrayList<>();
  final List<Lsoa> lsoas = new ArrayList<>();
  final List<La> las = new ArrayList<>();
  /** Cumulative practice list weights, for drawing a patient's practice. */
  final double[] practiceCumulative;

  private static final String[] PLACES = {
    "Ashbrook", "Beacon", "Brookside", "Castlegate", "Church Lane", "Deanery", "Eastfield",
    "Elmwood", "Fairview", "Fernlea", "Glebe", "Greenhill", "Harbour", "Hawthorn", "Highfield",
    "Holmwood", "Kingsway", "Lakeside", "Larchwood", "Linden", "Meadowbank", "Millbrook",
    "Moorside", "Northgate", "Oakfield", "Orchard", "Parkside", "Priory", "Queensway", "Riverside",
    "Rosehill", "St Mark's", "Southgate", "Station Road", "Thornbury", "Valley", "Westbourne",
    "Willowbank", "Woodlands", "Yew Tree"
  };
  private static final String[] SURNAMES = {
    "Ahmed", "Brown", "Chowdhury", "Davies", "Evans", "Green", "Hughes", "Khan", "Lewis", "Patel",
    "Roberts", "Shah", "Taylor", "Walker", "Wilson"
  };
  private static final String[] AREAS = {"North", "South", "East", "West", "Central", "Coastal"};

  Ics(long seed, int patients, LocalDate extractDate) {
    SplittableRandom rnd = new SplittableRandom(Rng.mix(seed, -1L, 0L));
    int nIcp = Math.max(2, Math.round(patients / 250_000f));
    int nIcc = Math.max(2 * nIcp, Math.round(patients / 100_000f));
    int nPcn = Math.max(2 * nIcc, Math.round(patients / 45_000f));
    int nPractice = Math.max(2 * nPcn, Math.round(patients / 7_500f));
    int nLsoa = Math.max(10, Math.round(patients / 1_500f));
    int nLa = Math.max(2, Math.round(patients / 350_000f));

    for (int i = 0; i < nIcp; i++) {
      String area = AREAS[i % AREAS.length] + (i >= AREAS.length ? " " + (i / AREAS.length + 1) : "");
      icps.add(new Icp(String.format("ICP%02d", i + 1), area + " Place"));
    }
    for (int i = 0; i < nIcc; i++) {
      int icp = (int) ((long) i * nIcp / nIcc);
      iccs.add(new Icc(String.format("ICC%02d", i + 1), PLACES[(i * 7) % PLACES.length] + " Community " + (i + 1), icp));
    }
    Set<String> used = new HashSet<>();
    for (int i = 0; i < nPcn; i++) {
      int icc = (int) ((long) i * nIcc / nPcn);
      String code;
      do {
        code = "U" + String.format("%05d", 10_000 + rnd.nextInt(90_000));
      } while (!used.add(code));
      pcns.add(new Pcn(code, PLACES[(i * 3 + 1) % PLACES.length] + " PCN " + (i + 1), icc));
    }

    for (int i = 0; i < nLsoa; i++) {
      double phase = 2 * Math.PI * 2.0 * i / nLsoa;
      int decile = (int) Math.round(5.5 + 3.5 * Math.sin(phase) + rnd.nextGaussian() * 1.5);
      decile = Math.max(1, Math.min(10, decile));
      int la = (int) ((long) i * nLa / nLsoa);
      lsoas.add(new Lsoa(String.format("E01%06d", 30_000 + i * 7 + rnd.nextInt(7)), decile, la));
    }
    int extractDay = (int) extractDate.toEpochDay();
    for (int i = 0; i < nLa; i++) {
      // The last LA has sent nothing recent: it is still used at its latest submission.
      int latest = extractDay - (i == nLa - 1 ? 270 : 35 + 20 * i);
      las.add(new La(String.format("E06000%03d", 900 + i), latest, latest - 91));
    }

    String letters = "ABCDEFGHJKLMNPY";
    int width = Math.max(2, (int) Math.ceil(2.0 * nLsoa / nPractice));
    int moveEvery = 5;
    int moveDay = (int) extractDate.minusMonths(8).withDayOfMonth(1).toEpochDay();
    double[] cum = new double[nPractice];
    double total = 0;
    for (int i = 0; i < nPractice; i++) {
      int pcn = (int) ((long) i * nPcn / nPractice);
      String code;
      do {
        code = letters.charAt(rnd.nextInt(letters.length())) + String.format("%05d", 81_000 + rnd.nextInt(18_000));
      } while (!used.add(code));
      double w = Math.exp(rnd.nextGaussian() * 0.35);
      double effect = rnd.nextGaussian() * 0.15;
      String name = practiceName(i, rnd);
      // A few practices moved into their PCN from the previous one: the first practice of every
      // 5th PCN boundary (at least one), so the mapping depends on the as-of date.
      int previous = -1;
      boolean firstOfPcn = i > 0 && (int) ((long) (i - 1) * nPcn / nPractice) != pcn;
      if (firstOfPcn && pcn % moveEvery == 1) {
        previous = pcn - 1;
      }
      int centre = (int) ((long) i * nLsoa / nPractice);
      int from = Math.max(0, Math.min(nLsoa - width, centre - width / 2));
      practices.add(new Practice(code, name, pcn, previous, previous >= 0 ? moveDay : -1, w, effect, from, width));
      total += w;
      cum[i] = total;
    }
    for (int i = 0; i < nPractice; i++) {
      cum[i] /= total;
    }
    cum[nPractice - 1] = 1.0;
    this.practiceCumulative = cum;
  }

  private static String practiceName(int i, SplittableRandom rnd) {
    String place = PLACES[i % PLACES.length] + (i >= PLACES.length ? " " + (i / PLACES.length + 1) : "");
    return switch (i % 7) {
      // Valid quoted fields: a comma, and (once) an embedded line break.
      case 3 -> "Drs " + SURNAMES[rnd.nextInt(SURNAMES.length)] + ", " + SURNAMES[rnd.nextInt(SURNAMES.length)] + " and Partners (" + place + ")";
      case 5 -> i == 5 ? place + " Medical Centre\nBranch Surgery" : place + " Medical Centre";
      case 6 -> place + " Health Centre";
      default -> place + " Surgery";
    };
  }

  int practiceFor(double u) {
    int lo = 0;
    int hi = practiceCumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (practiceCumulative[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Rows of the practices extract: one per practice, two for a practice that moved PCN. */
  List<String[]> practiceRows(Dates dates) {
    List<String[]> rows = new ArrayList<>();
    String start = PCN_START.toString();
    for (Practice p : practices) {
      if (p.previousPcn() >= 0) {
        rows.add(practiceRow(p, p.previousPcn(), start, dates.str(p.moveDay())));
        rows.add(practiceRow(p, p.pcn(), dates.str(p.moveDay()), ""));
      } else {
        rows.add(practiceRow(p, p.pcn(), start, ""));
      }
    }
    return rows;
  }

  private String[] practiceRow(Practice p, int pcnIndex, String start, String end) {
    Pcn pcn = pcns.get(pcnIndex);
    Icc icc = iccs.get(pcn.icc());
    Icp icp = icps.get(icc.icp());
    return new String[] {
      p.code(), p.name(), pcn.code(), pcn.name(), icc.code(), icc.name(), icp.code(), icp.name(), start, end
    };
  }

  List<String[]> lsoaRows() {
    List<String[]> rows = new ArrayList<>();
    for (Lsoa l : lsoas) {
      rows.add(new String[] {l.code(), Integer.toString(l.decile()), IMD_EDITION});
    }
    return rows;
  }

  /** A practice code in ODS format that no practice has (for unknown-practice defects). */
  static String unknownPracticeCode(int n) {
    return String.format("X%05d", 10_000 + Math.floorMod(n, 80_000));
  }
}
