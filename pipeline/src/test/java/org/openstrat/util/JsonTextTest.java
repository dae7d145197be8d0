package org.openstrat.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void prettyIsTwoSpaceIndentedKeyColonValueWithBareEmpties() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", "r1");
    m.put("as_of", LocalDate.of(2026, 3, 31));
    m.put("rows", 42L);
    m.put("rate", Double.NaN);
    m.put("inputs", List.of(Map.of("extract", "gp_events"), "a\"b\n"));
    m.put("stages", List.of());
    m.put("exclusions", Map.of());
    m.put("outcome", null);
    assertThat(JsonText.pretty(JsonText.of(m))).isEqualTo("""
        {
          "run_id": "r1",
          "as_of": "2026-03-31",
          "rows": 42,
          "rate": null,
          "inputs": [
            {
              "extract": "gp_events"
            },
            "a\\"b\\n"
          ],
          "stages": [],
          "exclusions": {},
          "outcome": null
        }
        """);
  }

  @Test
  void compactIsOneLineAndNumbersAreCountsOrSixDecimals() {
    ObjectNode o = JsonText.object();
    o.set("rows", JsonText.number(1000));
    o.set("reject_rate", JsonText.number(0.05));
    o.set("tiny", JsonText.number(1e-9));
    o.set("nan", JsonText.number(Double.NaN));
    o.putArray("files").add("x.csv");
    assertThat(JsonText.compact(o)).isEqualTo(
        "{\"rows\":1000,\"reject_rate\":0.050000,\"tiny\":0.000000,\"nan\":null,\"files\":[\"x.csv\"]}\n");
  }
}
