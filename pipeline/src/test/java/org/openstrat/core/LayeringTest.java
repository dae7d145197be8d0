package org.openstrat.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages form the layers written in docs/architecture.md ("Layers"): a package may use
 * its own layer's packages' lower neighbours only, never a higher one, so the nightly story reads
 * one way and there are no cycles. Adding a package means adding it here and to the document.
 */
class LayeringTest {

  /** Layer of each package under org.openstrat; lower numbers are used by higher ones. */
  static final Map<String, Integer> LAYER =
      Map.ofEntries(
          Map.entry("core", 0),
          Map.entry("util", 0),
          Map.entry("spark", 0),
          Map.entry("config", 1),
          Map.entry("rules", 1),
          Map.entry("ingest", 2),
          Map.entry("quality", 3),
          Map.entry("features", 4),
          Map.entry("scores", 5),
          Map.entry("cohort", 6),
          Map.entry("publish", 7),
          Map.entry("pipeline", 8),
          Map.entry("backtest", 9),
          Map.entry("generate", 10),
          Map.entry("ops", 10),
          Map.entry("cli", 11));

  private static final Path MAIN = Paths.get("src/main/java/org/openstrat");
  private static final Pattern REFERENCE = Pattern.compile("org\\.openstrat\\.([a-z]+)\\.[A-Z]");

  @Test
  void everyPackageHasALayer() throws IOException {
    try (Stream<Path> dirs = Files.list(MAIN)) {
      assertThat(dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()))
          .allSatisfy(p -> assertThat(LAYER).as("layer of package " + p).containsKey(p));
    }
  }

  @Test
  void noPackageUsesAHigherOrEqualLayerOtherThanItself() throws IOException {
    List<String> breaches = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String from = MAIN.relativize(file).getName(0).toString();
        String code = stripComments(Files.readString(file));
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
          String to = m.group(1);
          if (to.equals(from) || !LAYER.containsKey(to)) continue;
          boolean sameLayer = LAYER.get(to).equals(LAYER.get(from));
          if (LAYER.get(to) > LAYER.get(from) || sameLayer) {
            breaches.add(MAIN.relativize(file) + " uses " + to + "." + code.substring(m.end() - 1,
                Math.min(code.length(), m.end() + 30)).split("[^A-Za-z0-9_]")[0]);
          }
        }
      }
    }
    assertThat(breaches).as("imports against the layering in docs/architecture.md").isEmpty();
  }

  @Test
  void theCheckCanFail() {
    String code = stripComments("import org.openstrat.cli.Strat; // org.openstrat.publish.X\n");
    Matcher m = REFERENCE.matcher(code);
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("cli");
    assertThat(LAYER.get("cli")).isGreaterThan(LAYER.get("ingest"));
    assertThat(m.find()).as("references in comments do not count").isFalse();
    assertThat(REFERENCE.matcher(stripComments("s = \"org.openstrat.cli.Strat\";")).find())
        .as("nor in strings")
        .isFalse();
  }

  @Test
  void aLongStringLiteralIsStrippedWithoutOverflowingTheStack() {
    String literal = "\"" + "x\\\"y".repeat(20) + "z".repeat(200_000) + "\"";
    assertThat(stripComments("s = " + literal + "; org.openstrat.cli.Strat.main();"))
        .isEqualTo("s = \"\"; org.openstrat.cli.Strat.main();");
  }

  /**
   * Removes comments and string literals, so a {@code {@link}} in Javadoc or a class name in a
   * usage message is not counted as a dependency.
   */
  static String stripComments(String code) {
    // A literal's characters are matched by a character class, repeated without recursion; the
    // group repeats once per escape only. ("(?:[^"\\\n]|\\.)*" recursed once per character and
    // overflowed the stack on generate/FallbackCodes' 1,405-character literal while the regex
    // code was still interpreted, so the test failed or passed by the order tests ran in.)
    return code.replaceAll("\"[^\"\\\\\n]*(?:\\\\.[^\"\\\\\n]*)*\"", "\"\"")
        .replaceAll("(?s)/\\*.*?\\*/", "")
        .replaceAll("//[^\n]*", "");
  }
}
