package org.openstrat.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Log lines a scheduler can parse: JSON with run id and stage, or text with time and run id. */
class LogLinesTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T02:30:05.123Z"), ZoneOffset.UTC);

  static String write(LogLines.Format f, String... lines) {
    StringWriter sink = new StringWriter();
    LogLines log = new LogLines(sink, f, "20261121T023000Z-ab12cd", CLOCK);
    log.asOf("2026-11-20");
    PrintWriter w = new PrintWriter(log, true);
    for (String l : lines) {
      w.println(l);
    }
    return sink.toString();
  }

  @Test
  void aJsonLineParsesAndCarriesRunIdStageAndFigures() throws Exception {
    String out = write(LogLines.Format.JSON, "stage validate rows_in=1200 rows_out=1000 seconds=4.5");
    JsonNode n = new ObjectMapper().readTree(out);
    assertThat(out).endsWith("}\n").doesNotContain("\n{");
    assertThat(n.get("timestamp").asText()).isEqualTo("2026-11-21T02:30:05.123Z");
    assertThat(n.get("run_id").asText()).isEqualTo("20261121T023000Z-ab12cd");
    assertThat(n.get("as_of").asText()).isEqualTo("2026-11-20");
    assertThat(n.get("stage").asText()).isEqualTo("validate");
    assertThat(n.get("rows_in").asLong()).isEqualTo(1200);
    assertThat(n.get("rows_out").asLong()).isEqualTo(1000);
    assertThat(n.get("seconds").asDouble()).isEqualTo(4.5);
    assertThat(n.get("level").asText()).isEqualTo("INFO");
    assertThat(n.get("message").asText()).isEqualTo("stage validate rows_in=1200 rows_out=1000 seconds=4.5");
  }

  @Test
  void warningsAndFailuresHaveTheirLevelAndQuotesSurvive() throws Exception {
    String[] out = write(LogLines.Format.JSON, "strat: warning: no key \"x\"",
        "strat: Cannot read gp_events: no such table").split("\n");
    ObjectMapper m = new ObjectMapper();
    assertThat(m.readTree(out[0]).get("level").asText()).isEqualTo("WARN");
    assertThat(m.readTree(out[0]).get("message").asText()).isEqualTo("strat: warning: no key \"x\"");
    assertThat(m.readTree(out[1]).get("level").asText()).isEqualTo("ERROR");
    assertThat(m.readTree(out[1]).has("stage")).isFalse();
  }

  @Test
  void textStageLinesGainTimeAndRunIdAndFailureLinesStayAsTheyAre() {
    assertThat(write(LogLines.Format.TEXT, "stage scores rows_in=5 rows_out=5 seconds=0.1",
        "strat: Cannot read gp_events: no such table"))
        .isEqualTo("stage scores rows_in=5 rows_out=5 seconds=0.1 time=2026-11-21T02:30:05.123Z"
            + " run=20261121T023000Z-ab12cd\nstrat: Cannot read gp_events: no such table\n");
  }

  @Test
  void formatNames() {
    assertThat(LogLines.Format.parse("JSON")).isEqualTo(LogLines.Format.JSON);
    assertThat(LogLines.Format.parse("xml")).isNull();
  }
}
