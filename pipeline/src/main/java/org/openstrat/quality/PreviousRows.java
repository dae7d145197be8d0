package org.openstrat.quality;

import java.util.Map;
import org.openstrat.ingest.Extract;

/**
 * Rows read per extract by the previous publication (from its manifest.json), for the row-drop
 * completeness rule ({@link Completeness#maxDrop()}).
 *
 * @param publication its name (the as-of date) for messages; null when there is none
 * @param rows per extract; an extract it did not have, or whose count is unknown, is absent
 */
public record PreviousRows(String publication, Map<Extract, Long> rows) {
  /** No previous publication: the rule is skipped. */
  public static final PreviousRows NONE = new PreviousRows(null, Map.of());

  public PreviousRows {
    rows = Map.copyOf(rows);
  }
}
