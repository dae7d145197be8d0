package org.openstrat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.generate.LogisticOutcomes;
import org.openstrat.testing.SparkTestBase;

/**
 * {@code strat backtest --fit} against generated systems whose outcome process is known: it must
 * give back the coefficients of a plain logistic process, and on the default (hidden-model)
 * generator the local model must beat the published one on the validation year. Two 8,000-patient
 * systems, each validated twice (train and validation years): a slow test, run in CI.
 */
@Tag("nightly")
class BacktestFitTest extends SparkTestBase {
  @TempDir static Path tmp;

  /**
   * Stated tolerance (docs/backtest.md): each recovered coefficient within 3 of its standard
   * errors of the truth, and each standard error under 0.35, so the test cannot pass on a fit
   * too uncertain to mean anything.
   */
  static final double STANDARD_ERRORS = 3;

  static final double MAX_STANDARD_ERROR = 0.35;

  static JsonNode fit(String name, String outcomes, int seed) throws Exception {
    spark();
    Path in = tmp.resolve(name);
    RunEndToEndTest.Run g = RunEndToEndTest.run("generate", "--patients", "8000", "--seed",
        Integer.toString(seed), "--out", in.toString(), "--extract-date", "2026-03-31",
        "--outcomes", outcomes, "--rules", repoRoot().resolve("rules").toString());
    assertThat(g.code()).as(g.err()).isZero();
    Path out = tmp.resolve(name + "-out");
    RunEndToEndTest.Run r = RunEndToEndTest.run("backtest", "--input", in.toString(), "--output",
        out.toString(), "--fit");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode fit = new ObjectMapper()
        .readTree(out.resolve("backtest/2025-03-31/report.json").toFile()).get("fit");
    assertThat(fit.get("validation").asText()).isEqualTo("out of time");
    assertThat(fit.get("train_as_of").asText()).isEqualTo("2024-03-31");
    return fit;
  }

  @Test
  void recoversTheCoefficientsOfAKnownLogisticProcess() throws Exception {
    JsonNode fit = fit("logistic", "logistic", 3);
    Map<String, JsonNode> local = new HashMap<>();
    fit.get("coefficients").forEach(c -> local.put(c.get("feature").asText(), c));
    Map<String, Double> truth = new HashMap<>(LogisticOutcomes.COEFFICIENTS);
    truth.put("intercept", LogisticOutcomes.INTERCEPT);
    // Binary terms with no effect in the process: their true coefficient is 0.
    truth.put("lives_alone", 0.0);
    truth.put("category1_hazard", 0.0);
    truth.forEach((feature, value) -> {
      JsonNode c = local.get(feature);
      double se = c.get("standard_error").asDouble();
      assertThat(se).as(feature + " standard error").isPositive().isLessThan(MAX_STANDARD_ERROR);
      assertThat(c.get("local").asDouble()).as(feature)
          .isCloseTo(value, within(STANDARD_ERRORS * se));
    });
    // Fitted to the process, the local model is calibrated where the published one is not.
    assertThat(Math.abs(fit.at("/local/calibration_intercept").asDouble())).isLessThan(0.15);
    assertThat(Math.abs(fit.at("/published/calibration_intercept").asDouble())).isGreaterThan(0.3);
  }

  @Test
  void onTheDefaultGeneratorTheLocalModelBeatsThePublishedOneOnTheValidationYear()
      throws Exception {
    JsonNode fit = fit("hidden", "hidden", 5);
    JsonNode published = fit.get("published");
    JsonNode local = fit.get("local");
    assertThat(local.get("auroc").asDouble()).isGreaterThan(published.get("auroc").asDouble());
    assertThat(local.get("brier").asDouble()).isLessThan(published.get("brier").asDouble());
    assertThat(Math.abs(local.get("calibration_intercept").asDouble()))
        .isLessThan(Math.abs(published.get("calibration_intercept").asDouble()));
  }
}
