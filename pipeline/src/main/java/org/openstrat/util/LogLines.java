package org.openstrat.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's stderr as a scheduler reads it. Wraps the writer every progress, warning and failure
 * line goes through, and rewrites each whole line as it ends:
 *
 * <ul>
 *   <li>{@code text} (default): a progress line ({@code stage NAME k=v ...}) gains {@code
 *       time=UTC-TIMESTAMP run=RUN_ID}; a {@code strat: ...} line (a warning, or the one-line
 *       failure) is left exactly as it is.
 *   <li>{@code json}: every line becomes one JSON object: {@code timestamp}, {@code level} (INFO,
 *       WARN for {@code strat: warning:}, ERROR for any other {@code strat:} line), {@code run_id},
 *       {@code as_of}, {@code stage}, {@code rows_in}, {@code rows_out}, {@code seconds} (and any
 *       other {@code k=N} figure of a stage line) and {@code message} (the text line).
 * </ul>
 *
 * Lines carry counts and messages only, as before: nothing is added but time, run id and as-of.
 */
public final class LogLines extends Writer {
  /** The two formats: {@code --log-format} or {@code STRAT_LOG_FORMAT}. */
  public enum Format {
    TEXT,
    JSON;

    /** {@code text} or {@code json} (any case); null for anything else. */
    public static Format parse(String s) {
      if (s == null) {
        return null;
      }
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "text" -> TEXT;
        case "json" -> JSON;
        default -> null;
      };
    }
  }

  private static final Pattern STAGE = Pattern.compile("^stage (\\S+)((?: \\S+=\\S*)*)\\s*$");
  private static final Pattern FIGURE = Pattern.compile(" (\\S+?)=(\\S*)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Writer out;
  private final Format format;
  private final String runId;
  private final Clock clock;
  private final StringBuilder pending = new StringBuilder();
  private volatile String asOf;

  public LogLines(Writer out, Format format, String runId, Clock clock) {
    this.out = out;
    this.format = format;
    this.runId = runId;
    this.clock = clock;
  }

  /** Sets the as-of date carried by JSON lines from now on (known once the input is read). */
  public void asOf(String date) {
    this.asOf = date;
  }

  @Override
  public synchronized void write(char[] buf, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      char c = buf[i];
      if (c == '\n') {
        out.write(line(pending.toString()));
        out.write('\n');
        pending.setLength(0);
      } else if (c != '\r') {
        pending.append(c);
      }
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (pending.length() > 0) {
      write(new char[] {'\n'}, 0, 1);
    }
    out.flush();
  }

  /** One line as written in this format (no newline). */
  public String line(String text) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Matcher stage = STAGE.matcher(text);
    if (format == Format.TEXT) {
      return stage.matches() ? text + " time=" + now + " run=" + runId : text;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", now.toString());
    m.put("level", text.startsWith("strat: warning") ? "WARN"
        : text.startsWith("strat: ") ? "ERROR" : "INFO");
    m.put("run_id", runId);
    m.put("as_of", asOf);
    if (stage.matches()) {
      m.put("stage", stage.group(1));
      Matcher f = FIGURE.matcher(stage.group(2));
      while (f.find()) {
        m.put(f.group(1), number(f.group(2)));
      }
    }
    m.put("message", text);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object number(String v) {
    try {
      return v.contains(".") ? (Object) Double.parseDouble(v) : (Object) Long.parseLong(v);
    } catch (NumberFormatException e) {
      return v;
    }
  }
}
