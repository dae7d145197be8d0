package org.openstrat.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openstrat.core.StratException;
import org.openstrat.util.IoErrors;

/**
 * The run's configuration file: Java properties, keys namespaced by stage ({@code quality.*},
 * {@code population.*}, {@code cohort.*}, {@code publish.*}). Resolution order: command line, then
 * this file, then the documented defaults in each stage's config record. Every key read is
 * remembered so {@link #unusedKeys()} can fail a run on a misspelt key.
 */
public final class Settings {
  private final Map<String, String> values;
  private final Set<String> read = new TreeSet<>();
  private final String source;

  private Settings(Map<String, String> values, String source) {
    this.values = values;
    this.source = source;
  }

  public static Settings empty() {
    return new Settings(new TreeMap<>(), "defaults");
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(new TreeMap<>(values), "inline");
  }

  /** Loads a properties file; a missing or unreadable file is a config error (exit 3). */
  public static Settings load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw StratException.config("Cannot read config " + file + ": no such file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw StratException.config("Cannot read config " + file + ": " + IoErrors.cannotRead(e));
    } catch (IllegalArgumentException e) {
      throw StratException.config("Cannot read config " + file + ": " + e.getMessage()
          + " (a malformed \\uXXXX escape); fix the file");
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
    return new Settings(m, file.toString());
  }

  public String source() {
    return source;
  }

  /** All keys and values, sorted (for hashing into the manifest). */
  public Map<String, String> asMap() {
    return Collections.unmodifiableMap(values);
  }

  public String getString(String key, String dflt) {
    read.add(key);
    String v = values.get(key);
    return v == null || v.isEmpty() ? dflt : v;
  }

  public double getDouble(String key, double dflt, double min, double max) {
    String v = getString(key, null);
    if (v == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(v);
      if (d < min || d > max || Double.isNaN(d)) {
        throw bad(key, v, "a number from " + min + " to " + max);
      }
      return d;
    } catch (NumberFormatException e) {
      throw bad(key, v, "a number from " + min + " to " + max);
    }
  }

  public int getInt(String key, int dflt, int min, int max) {
    String v = getString(key, null);
    if (v == null) {
      return dflt;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw bad(key, v, "a whole number from " + min + " to " + max);
      }
      return i;
    } catch (NumberFormatException e) {
      throw bad(key, v, "a whole number from " + min + " to " + max);
    }
  }

  public boolean getBoolean(String key, boolean dflt) {
    String v = getString(key, null);
    if (v == null) {
      return dflt;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "y" -> true;
      case "false", "no", "n" -> false;
      default -> throw bad(key, v, "true or false");
    };
  }

  /** Keys starting with a prefix (e.g. {@code cohort.}), for stages with open-ended key sets. */
  public Set<String> keysWithPrefix(String prefix) {
    Set<String> out = new TreeSet<>();
    for (String k : values.keySet()) {
      if (k.startsWith(prefix)) {
        out.add(k);
      }
    }
    return out;
  }

  /** Keys in the file that no stage read: a misspelling the run should refuse. */
  public Set<String> unusedKeys() {
    Set<String> out = new TreeSet<>(values.keySet());
    out.removeAll(read);
    return out;
  }

  private StratException bad(String key, String value, String expected) {
    return StratException.config(
        "Config " + source + ": " + key + "=" + value + " is not " + expected);
  }
}
