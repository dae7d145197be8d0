package org.openstrat.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.openstrat.core.StratException;
import org.openstrat.util.IoErrors;

/**
 * {@code rules/rules.lock}: one line per rule file, {@code <sha256>  <path relative to rules/>}
 * (the {@code sha256sum} format, so {@code cd rules && sha256sum -c rules.lock} also checks it),
 * sorted by path. Every CSV under rules/ must be listed, and every listed file must match, except
 * those under {@link #REFERENCE_DIR}: published tables the tests check the rule files against, which
 * no run reads, so they are not part of a run's rule hash.
 */
public final class RulesLock {
  public static final String FILE = "rules.lock";
  /** rules/reference/: published reference tables, not rule files (not locked, not loaded). */
  public static final String REFERENCE_DIR = "reference";

  private RulesLock() {}

  /** Hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw StratException.config("Cannot read rule file " + file + ": " + IoErrors.cannotRead(e));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every {@code *.csv} under dir except those under {@link #REFERENCE_DIR}, as forward-slash paths
   * relative to dir, sorted.
   */
  public static List<String> ruleFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv"))
          .map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .filter(f -> !f.startsWith(REFERENCE_DIR + "/"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw StratException.config("Cannot list rules directory " + dir + ": " + IoErrors.cannotRead(e));
    }
  }

  /** The lock text for the files as they are now. */
  public static String render(Path dir) {
    StringBuilder sb = new StringBuilder();
    for (String f : ruleFiles(dir)) {
      sb.append(sha256(dir.resolve(f))).append("  ").append(f).append('\n');
    }
    return sb.toString();
  }

  /** Writes rules.lock; returns its text. */
  public static String write(Path dir) {
    String text = render(dir);
    try {
      Files.writeString(dir.resolve(FILE), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StratException.config("Cannot write " + dir.resolve(FILE) + ": " + IoErrors.reason(e));
    }
    return text;
  }

  /** Parses rules.lock: path -> sha256. */
  public static Map<String, String> read(Path dir) {
    Path lock = dir.resolve(FILE);
    if (!Files.isRegularFile(lock)) {
      throw StratException.config(
          "Rule lock " + lock + " is missing (create it with: strat rules lock)");
    }
    Map<String, String> m = new TreeMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(lock, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StratException.config("Cannot read " + lock + ": " + IoErrors.cannotRead(e));
    }
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isBlank()) {
        continue;
      }
      if (!l.matches("[0-9a-f]{64}  \\S.*")) {
        throw StratException.config(
            "Rule lock " + FILE + " line " + (i + 1) + ": not '<sha256>  <path>'");
      }
      m.put(l.substring(66).trim(), l.substring(0, 64));
    }
    return m;
  }

  /** Fails (exit 3) on a rule file that is missing, unlisted, or differs from its lock line. */
  public static void verify(Path dir) {
    Map<String, String> lock = read(dir);
    for (String f : ruleFiles(dir)) {
      if (!lock.containsKey(f)) {
        throw StratException.config(
            "Rule file " + f + " is not in " + FILE + " (run: strat rules lock)");
      }
    }
    for (Map.Entry<String, String> e : lock.entrySet()) {
      Path p = dir.resolve(e.getKey());
      if (!Files.isRegularFile(p)) {
        throw StratException.config(
            "Rule file " + e.getKey() + " listed in " + FILE + " is missing");
      }
      if (!sha256(p).equals(e.getValue())) {
        throw StratException.config(
            "Rule file "
                + e.getKey()
                + " does not match its checksum in "
                + FILE
                + " (edited? review, then run: strat rules lock)");
      }
    }
  }
}
