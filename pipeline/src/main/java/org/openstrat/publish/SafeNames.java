package org.openstrat.publish;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.openstrat.core.StratException;

/**
 * File names made from data. Only a code matching a strict pattern becomes part of an output path,
 * and the resolved path must be a direct child of its folder, so a PCN or ICC code (or name)
 * holding {@code ../} or {@code /} can never move an output. A bad code fails the publication
 * (exit 6) rather than being silently renamed: two PCNs must never share a file.
 */
public final class SafeNames {
  /** A PCN code: U and five digits (ODS). */
  public static final Pattern PCN = Pattern.compile("U[0-9]{5}");
  /** An ICC code: letters, digits, underscore and hyphen, up to 32, starting with a letter or digit. */
  public static final Pattern ICC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

  private SafeNames() {}

  /** {@code dir/CODE + suffix}, after checking CODE against {@code pattern}. */
  public static Path child(Path dir, Pattern pattern, String what, String code, String suffix) {
    if (code == null || !pattern.matcher(code).matches()) {
      throw StratException.publish(
          "Refusing to publish: " + what + " code '" + printable(code) + "' does not match "
              + pattern.pattern() + " (it would name an output file)");
    }
    Path p = dir.resolve(code + suffix).normalize();
    if (!p.getParent().equals(dir.normalize())) {
      throw StratException.publish("Refusing to publish: " + what + " file escapes " + dir);
    }
    return p;
  }

  /** The first 40 printable characters of a value, for an error message. */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    String t = s.replaceAll("[^\\x20-\\x7E]", "?");
    return t.length() > 40 ? t.substring(0, 40) + "..." : t;
  }
}
