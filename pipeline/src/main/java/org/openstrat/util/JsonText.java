package org.openstrat.util;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * The one way strat writes JSON (manifest.json, quality/report.json): Jackson trees, keys in the
 * order they were put, written compact or indented by two spaces ({@code "key": value}, one array
 * item per line, {@code {}} and {@code []} when empty), ending in a newline.
 */
public final class JsonText {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private JsonText() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** A count as an integer, anything else with six decimals (a report reads the same each run). */
  public static JsonNode number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return NODES.nullNode();
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return NODES.numberNode((long) d);
    }
    return NODES.numberNode(new BigDecimal(String.format(Locale.ROOT, "%.6f", d)));
  }

  /**
   * A tree from plain values: maps (their iteration order), collections, strings, numbers,
   * booleans and null; NaN and infinities become null, anything else its {@code toString()}.
   */
  public static JsonNode of(Object v) {
    if (v == null) {
      return NODES.nullNode();
    } else if (v instanceof JsonNode n) {
      return n;
    } else if (v instanceof String s) {
      return NODES.textNode(s);
    } else if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? NODES.nullNode() : NODES.numberNode(d);
    } else if (v instanceof Float f) {
      return f.isNaN() || f.isInfinite() ? NODES.nullNode() : NODES.numberNode(f);
    } else if (v instanceof Long l) {
      return NODES.numberNode(l);
    } else if (v instanceof Integer i) {
      return NODES.numberNode(i);
    } else if (v instanceof BigDecimal b) {
      return NODES.numberNode(b);
    } else if (v instanceof Number n) {
      return NODES.numberNode(n.longValue());
    } else if (v instanceof Map<?, ?> m) {
      ObjectNode o = object();
      m.forEach((k, x) -> o.set(String.valueOf(k), of(x)));
      return o;
    } else if (v instanceof Collection<?> c) {
      ArrayNode a = array();
      c.forEach(x -> a.add(of(x)));
      return a;
    }
    return NODES.textNode(v.toString());
  }

  /** One line. */
  public static String compact(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Two-space indent, one key or item per line. */
  public static String pretty(JsonNode n) {
    try {
      return MAPPER.writer(new Indented()).writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Jackson's pretty printer with {@code "key": value}, arrays indented like objects, no "{ }". */
  private static final class Indented extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;

    Indented() {
      super(DefaultPrettyPrinter.DEFAULT_SEPARATORS.withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      DefaultIndenter two = new DefaultIndenter("  ", "\n");
      indentObjectsWith(two);
      indentArraysWith(two);
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new Indented();
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      if (entries == 0) {
        _nesting--;
        g.writeRaw('}');
        return;
      }
      super.writeEndObject(g, entries);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      if (values == 0) {
        _nesting--;
        g.writeRaw(']');
        return;
      }
      super.writeEndArray(g, values);
    }
  }
}
