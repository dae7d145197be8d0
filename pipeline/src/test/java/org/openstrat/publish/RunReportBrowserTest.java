package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report opened in headless Chromium (Debian's {@code chromium}): the page loads with no
 * console errors, every chart has drawn elements, suppressed counts show as suppressed, and a
 * screenshot of the page is saved as {@code target/report-screenshot.png} for review. Without
 * Chromium the test is skipped locally and fails when {@code CI=true}.
 */
class RunReportBrowserTest {
  @TempDir Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();

  static RunReport.Facts facts(LocalDate asOf, long bigList, long smallList, long rejected) throws Exception {
    Map<String, Map<String, Long>> lists = new TreeMap<>();
    lists.put("top5_admission_risk / pcn / U00001", Map.of("new", bigList / 2, "continuing", bigList - bigList / 2));
    lists.put("top5_admission_risk / pcn / U00002", Map.of("new", smallList));
    List<String[]> summary = new ArrayList<>();
    for (String pcn : List.of("U00001", "U00002")) {
      summary.add(new String[] {"pcn", pcn, "admission_risk_band", "low", "600"});
      summary.add(new String[] {"pcn", pcn, "admission_risk_band", "very high", pcn.equals("U00002") ? "*" : "35"});
      summary.add(new String[] {"pcn", pcn, "efi_category", "fit", "500"});
      summary.add(new String[] {"pcn", pcn, "efi_category", "severe", "*"});
    }
    JsonNode quality = JSON.readTree("{\"extracts\":{\"gp_events\":{\"rows_read\":" + (1000 + rejected)
        + ",\"rows_accepted\":1000,\"rows_rejected\":" + rejected + ",\"rejected_by_reason\":{\"BAD_DATE\":" + rejected
        + "}},\"housing\":{\"rows_read\":103,\"rows_accepted\":100,\"rows_rejected\":3,\"rejected_by_reason\":{\"BAD_FLAG\":3}}},"
        + "\"population\":{\"population\":1234}}");
    JsonNode manifest = JSON.readTree("{\"run_id\":\"r1\",\"stages\":[{\"name\":\"validate.gp_events\","
        + "\"within\":\"validate\",\"rows_in\":1003,\"rows_out\":1000,\"seconds\":3.5},{\"name\":\"validate\",\"rows_in\":1103,"
        + "\"rows_out\":1234,\"seconds\":12.5},{\"name\":\"scores\",\"rows_in\":1234,\"rows_out\":1234,\"seconds\":4.2}],"
        + "\"admission_model\":{\"version\":\"admission-2026.1\",\"backtest\":\"not backtested\"}}");
    return new RunReport.Facts(asOf, lists, Map.of("risk_fell", 12L, "died", 2L), summary, quality, manifest);
  }

  static Path chromium() {
    for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("Chromium is missing in CI: .ci/run installs Debian's chromium package");
    }
    Assumptions.assumeTrue(false, "no Chromium here (apt-get install chromium); CI runs this test");
    return null;
  }

  /** Runs headless Chromium on a page; returns {stdout, stderr}. */
  private String[] run(Path browser, Path page, String... extra) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "profile");
    List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
    cmd.addAll(List.of(extra));
    cmd.add(page.toUri().toString());
    File out = tmp.resolve("out-" + profile.getFileName()).toFile();
    File err = tmp.resolve("err-" + profile.getFileName()).toFile();
    Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("Chromium did not finish in 60 s: " + Files.readString(err.toPath()));
    }
    return new String[] {Files.readString(out.toPath()), Files.readString(err.toPath())};
  }

  /**
   * Console messages as Chromium logs them ({@code INFO:CONSOLE:N] "text", source: ...}), whatever
   * their level: headless Chromium does not log the level, and the report has no script, so any
   * console message (an error, a refused fetch under the page's CSP) is a fault.
   */
  static List<String> consoleErrors(String stderr) {
    List<String> errors = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
        errors.add(line);
      }
    }
    return errors;
  }

  @Test
  void partsOfAStageAreRowsOfTheStageTableNotBarsBesideIt() throws Exception {
    String html = RunReport.html(List.of(facts(LocalDate.of(2026, 3, 31), 46, 3, 5)));
    // The part follows the stage that contains it, although the manifest lists it first.
    assertThat(html).containsPattern("<tr><td>validate</td>.*\n<tr class=\"part\"><td>validate.gp_events</td>")
        .contains("validate</text>")
        .doesNotContain("validate.gp_events</text>");
  }

  @Test
  void theReportLoadsInABrowserWithChartsAndSuppressedCounts() throws Exception {
    Path browser = chromium();
    // The detector itself: a page that logs an error must be caught, or the check below proves nothing.
    Path probe = tmp.resolve("probe.html");
    Files.writeString(probe, "<!DOCTYPE html><html><body><script>console.error('probe-error')</script></body></html>");
    assertThat(consoleErrors(run(browser, probe, "--dump-dom")[1])).anySatisfy(l -> assertThat(l).contains("probe-error"));

    String html = RunReport.html(List.of(facts(LocalDate.of(2026, 1, 31), 40, 30, 20),
        facts(LocalDate.of(2026, 2, 28), 44, 12, 9), facts(LocalDate.of(2026, 3, 31), 46, 3, 5)));
    Path page = tmp.resolve("index.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    String[] dom = run(browser, page, "--dump-dom");
    assertThat(consoleErrors(dom[1])).as("console errors").isEmpty();

    Matcher m = Pattern.compile("<svg[^>]*data-chart=\"([a-z-]+)\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(dom[0]);
    Map<String, Integer> drawn = new TreeMap<>();
    while (m.find()) {
      int marks = count(m.group(2), "<rect") + count(m.group(2), "<circle") + count(m.group(2), "<polyline");
      drawn.put(m.group(1), marks);
    }
    assertThat(drawn).containsOnlyKeys("cohort-sizes", "admission-risk-band", "efi-category", "quality",
        "rejects-trend", "population-trend", "trends", "stages");
    assertThat(drawn).allSatisfy((chart, marks) -> assertThat(marks).as(chart).isPositive());
    // U00002's 3-patient list, its very-high band and every severe eFI count are suppressed, in the browser's DOM.
    assertThat(dom[0]).contains("top5_admission_risk / pcn / U00002</text><rect class=\"gap\"");
    assertThat(dom[0]).contains("U00002 very high</text><rect class=\"gap\"");
    assertThat(dom[0]).containsPattern("U00001 severe</text><rect class=\"gap\"[^>]*></rect><text class=\"suppressed\"");
    assertThat(dom[0]).contains("<td>2026-03-31</td>").contains("<span class=\"suppressed\">*</span>");
    assertThat(dom[0]).doesNotContain("top5_admission_risk / pcn / U00002</text><rect class=\"bar");

    Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    run(browser, page, "--screenshot=" + shot, "--window-size=1200,3400", "--hide-scrollbars");
    assertThat(shot).exists();
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
