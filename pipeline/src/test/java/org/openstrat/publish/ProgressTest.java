package org.openstrat.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openstrat.core.StageLog;

/** A stage's line and its manifest entry come from one call; parts are marked as parts. */
class ProgressTest {
  @Test
  void partsOfAStageAreLinesAndManifestEntriesMarkedWithin() throws Exception {
    StringWriter err = new StringWriter();
    Manifest m = new Manifest("r1");
    Progress progress = new Progress(new PrintWriter(err), m);

    StageLog parts = progress.within("validate");
    parts.done("validate.gp_events", 15, 4, StageLog.start());
    parts.done("population", 6, 5, StageLog.start());
    progress.done("validate", 21, 5, StageLog.start());

    assertThat(err.toString().lines().map(l -> l.replaceAll("seconds=\\S+", "seconds=S")))
        .containsExactly(
            "stage validate.gp_events rows_in=15 rows_out=4 seconds=S",
            "stage population rows_in=6 rows_out=5 seconds=S",
            "stage validate rows_in=21 rows_out=5 seconds=S");
    List<String> entries = new ArrayList<>();
    for (JsonNode s : new ObjectMapper().readTree(m.toJson()).path("stages")) {
      entries.add(s.path("name").asText() + " within=" + s.path("within").asText("-")
          + " " + s.path("rows_in").asLong() + "->" + s.path("rows_out").asLong());
    }
    assertThat(entries).containsExactly(
        "validate.gp_events within=validate 15->4",
        "population within=validate 6->5",
        "validate within=- 21->5");
  }
}
