package org.openstrat.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.types.DataTypes;
import org.openstrat.ingest.Extract;
import org.openstrat.core.Reason;
import org.openstrat.util.CheckDigits;

/**
 * An independent, test-only reading of a generated CSV folder by the contract's rules
 * (docs/data-contract.md "Row checks and reasons"): the record parser with its line recovery, the
 * field checks in column order, duplicates, references and superseded submissions. It shares no
 * code with the generator, so counting its reasons and comparing them with the ledger checks both.
 */
final class ContractChecker {
  /** Counts per extract and reason; "rows" is every record or rejected physical line read. */
  final Map<String, Map<String, Long>> counts = new TreeMap<>();

  private final Path dir;
  private final LocalDate extractDate;
  private final Map<Extract, List<List<String>>> good = new HashMap<>();

  private static final Set<String> ADMISSION = Set.of("11", "12", "13", "21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28", "31", "32", "81", "82", "83");
  private static final Set<String> ATTENDANCE = Set.of("2", "3", "4", "5", "6", "7");
  private static final Set<String> REQUIRED = Set.of(
      "nhs_number", "practice_code", "snomed_code", "dmd_code", "admission_method", "primary_diagnosis",
      "attendance_status", "department_type", "service_type", "la_code", "submission_date", "imd_decile",
      "spell_id", "attendance_id", "appointment_id", "lsoa_code_key");

  ContractChecker(Path dir, LocalDate extractDate) {
    this.dir = dir;
    this.extractDate = extractDate;
  }

  void run() throws IOException {
    Map<Extract, List<List<String>>> parsed = new HashMap<>();
    for (Extract e : Extract.values()) {
      parsed.put(e, parse(e));
    }
    Set<String> practices = new HashSet<>();
    for (List<String> r : good.get(Extract.PRACTICES)) {
      practices.add(r.get(0));
    }
    Set<String> registered = new HashSet<>();
    for (List<String> r : parsed.get(Extract.PATIENTS)) {
      registered.add(r.get(0));
    }
    for (Extract e : Extract.values()) {
      List<List<String>> rows = good.get(e);
      Set<List<String>> seenRows = new HashSet<>();
      Map<String, List<String>> keys = new HashMap<>();
      Map<String, String> latest = new HashMap<>();
      if (e == Extract.SOCIAL_CARE) {
        for (List<String> r : rows) {
          latest.merge(r.get(1), r.get(6), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
      }
      for (List<String> r : rows) {
        if (!seenRows.add(r)) {
          add(e, Reason.DUPLICATE_ROW.name());
          continue;
        }
        String key = key(e, r);
        if (key != null) {
          List<String> first = keys.putIfAbsent(key, r);
          if (first != null) {
            boolean episode = e == Extract.APC_SPELLS && first.get(0).equals(r.get(0)) && first.get(3).equals(r.get(3));
            if (!episode) {
              add(e, Reason.DUPLICATE_KEY.name());
              continue;
            }
          }
        }
        if (e == Extract.PATIENTS && !practices.contains(r.get(3))) {
          add(e, Reason.UNKNOWN_PRACTICE.name());
        } else if (e != Extract.PATIENTS && e.isPatientLevel() && !registered.contains(r.get(0))) {
          add(e, Reason.UNREGISTERED_PATIENT.name());
        } else if (e == Extract.SOCIAL_CARE && r.get(6).compareTo(latest.get(r.get(1))) < 0) {
          add(e, Reason.SUPERSEDED_SUBMISSION.name());
        } else {
          add(e, "ACCEPTED");
        }
      }
    }
  }

  private static String key(Extract e, List<String> r) {
    return switch (e) {
      case PRACTICES -> r.get(0) + "|" + r.get(8);
      case PATIENTS -> r.get(0);
      case APC_SPELLS, AE_ATTENDANCES, OP_APPOINTMENTS -> r.get(1);
      case LSOA_DEPRIVATION -> r.get(0);
      default -> null;
    };
  }

  private void add(Extract e, String reason) {
    counts.computeIfAbsent(e.fileName(), k -> new TreeMap<>()).merge(reason, 1L, Long::sum);
  }

  /** Parses one extract: structural rejects counted, field checks applied; returns every record. */
  private List<List<String>> parse(Extract e) throws IOException {
    List<String> lines = physicalLines(Files.readString(dir.resolve(e.fileName() + ".csv"), StandardCharsets.UTF_8));
    List<String> header = fields(lines.get(0)).fields;
    int n = header.size();
    List<List<String>> all = new ArrayList<>();
    List<List<String>> ok = new ArrayList<>();
    int i = 1;
    while (i < lines.size()) {
      Parse p = fields(lines.get(i));
      if (!p.open) {
        if (p.fields.size() != n) {
          add(e, p.fields.size() < n ? Reason.SHORT_ROW.name() : Reason.LONG_ROW.name());
        } else {
          all.add(reorder(p.fields, header, e));
        }
        i++;
        continue;
      }
      // A quote is open at the end of the line: the record may span lines.
      Fields state = new Fields();
      state.feed(lines.get(i));
      int j = i + 1;
      while (state.inQuotes && j < lines.size()) {
        state.f.append('\n');
        state.feed(lines.get(j++));
      }
      Parse q = state.result();
      if (!q.open && q.fields.size() == n) {
        all.add(reorder(q.fields, header, e));
        i = j;
      } else {
        add(e, Reason.UNTERMINATED_QUOTE.name());
        i++;
      }
    }
    for (List<String> r : all) {
      String reason = fieldReason(e, r);
      if (reason != null) {
        add(e, reason);
      } else {
        ok.add(r);
      }
    }
    good.put(e, ok);
    return all;
  }

  private static List<String> reorder(List<String> fields, List<String> header, Extract e) {
    List<String> out = new ArrayList<>();
    for (String c : e.columns()) {
      out.add(fields.get(header.indexOf(c)));
    }
    return out;
  }

  private String fieldReason(Extract e, List<String> r) {
    List<String> cols = e.columns();
    for (int c = 0; c < cols.size(); c++) {
      String name = cols.get(c);
      String v = r.get(c);
      boolean isDate = e.typedSchema().fields()[c].dataType().equals(DataTypes.DateType);
      boolean optionalDate = Set.of("end_date", "registration_end", "date_of_death", "discharge_date").contains(name);
      boolean key = (e == Extract.LSOA_DEPRIVATION && name.equals("lsoa_code")) || (e == Extract.PRACTICES && name.equals("practice_code"));
      if (v.isEmpty()) {
        if (REQUIRED.contains(name) || key || (isDate && !optionalDate)) {
          return Reason.MISSING_VALUE.name();
        }
        continue;
      }
      if (name.equals("nhs_number") && !CheckDigits.nhsNumberValid(v)) {
        return Reason.INVALID_NHS_NUMBER.name();
      }
      if (isDate) {
        LocalDate d;
        try {
          if (!v.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return Reason.UNPARSABLE_DATE.name();
          }
          d = LocalDate.parse(v);
        } catch (DateTimeParseException ex) {
          return Reason.UNPARSABLE_DATE.name();
        }
        if (d.isBefore(LocalDate.of(1900, 1, 1))) {
          return Reason.DATE_BEFORE_1900.name();
        }
        if (d.isAfter(extractDate)) {
          return Reason.DATE_AFTER_EXTRACT.name();
        }
      }
      if ((name.equals("snomed_code") || name.equals("dmd_code")) && !CheckDigits.snomedConceptIdValid(v)) {
        return Reason.INVALID_SNOMED.name();
      }
      if (name.equals("primary_diagnosis") && !icd10Valid(v)) {
        return Reason.INVALID_ICD10.name();
      }
      if (name.equals("secondary_diagnoses")) {
        for (String item : v.split(";", -1)) {
          if (!item.trim().isEmpty() && !icd10Valid(item)) {
            return Reason.INVALID_ICD10.name();
          }
        }
      }
      if (name.equals("admission_method") && !ADMISSION.contains(v)) {
        return Reason.INVALID_ADMISSION_METHOD.name();
      }
      if (name.equals("attendance_status") && !ATTENDANCE.contains(v)) {
        return Reason.INVALID_ATTENDANCE_STATUS.name();
      }
      boolean flag = e.typedSchema().fields()[c].dataType().equals(DataTypes.BooleanType);
      boolean bad =
          (flag && !(v.equals("Y") || v.equals("N")))
              || (name.equals("sex") && !Set.of("M", "F", "I", "U").contains(v))
              || (name.equals("tenure") && !Set.of("owner", "social_rent", "private_rent", "temporary", "unknown").contains(v))
              || (name.equals("department_type") && !v.matches("0[1-5]"))
              || (name.equals("practice_code") && !v.matches("[A-Z][0-9]{5}"))
              || (name.equals("pcn_code") && !v.matches("U[0-9]{5}"))
              || (name.equals("lsoa_code") && !v.matches("E01[0-9]{6}"))
              || (name.equals("la_code") && !v.matches("E[0-9]{8}"))
              || (name.equals("imd_decile") && !v.matches("[1-9]|10"))
              || (name.equals("bnf_code") && !v.matches("[0-9A-Z]{15}"))
              || (name.equals("numeric_value") && !v.matches("-?[0-9]+(\\.[0-9]+)?"));
      if (bad) {
        return Reason.INVALID_VALUE.name();
      }
    }
    return null;
  }

  /** The contract's normalisation: upper case, no dots, trimmed, trailing X/- dropped, cut to 4. */
  static boolean icd10Valid(String raw) {
    String s = raw.toUpperCase(java.util.Locale.ROOT).replace(".", "").trim();
    while (s.length() > 3 && (s.endsWith("X") || s.endsWith("-"))) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.length() > 4) {
      s = s.substring(0, 4);
    }
    return s.matches("[A-Z][0-9][0-9A-Z][0-9]?");
  }

  private static List<String> physicalLines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        String l = text.substring(start, i);
        out.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  private record Parse(List<String> fields, boolean open) {}

  /** RFC 4180 fields, fed line by line; lenient: a lone quote in a quoted field closes it. */
  private static final class Fields {
    final List<String> out = new ArrayList<>();
    final StringBuilder f = new StringBuilder();
    boolean inQuotes;
    boolean fieldStart = true;

    void feed(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (inQuotes) {
          if (c == '"') {
            if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
              f.append('"');
              i++;
            } else {
              inQuotes = false;
            }
          } else {
            f.append(c);
          }
        } else if (c == ',') {
          out.add(f.toString());
          f.setLength(0);
          fieldStart = true;
          continue;
        } else if (c == '"' && fieldStart) {
          inQuotes = true;
        } else {
          f.append(c);
        }
        fieldStart = false;
      }
    }

    Parse result() {
      List<String> all = new ArrayList<>(out);
      all.add(f.toString());
      return new Parse(all, inQuotes);
    }
  }

  private static Parse fields(String s) {
    Fields p = new Fields();
    p.feed(s);
    return p.result();
  }

  /** Expected counts per extract and reason from the ledger. */
  static Map<String, Map<String, Long>> ledger(Path file) throws IOException {
    Map<String, Map<String, Long>> m = new TreeMap<>();
    List<String> lines = Files.readAllLines(file);
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      m.computeIfAbsent(f[0], k -> new TreeMap<>()).merge(f[3], Long.parseLong(f[4]), Long::sum);
    }
    return m;
  }
}
