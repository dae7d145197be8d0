package org.openstrat.cohort;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.openstrat.core.StratException;

/**
 * The cohort filter mini-language, parsed here into Spark {@link Column} expressions so that no
 * text from a config file ever reaches {@code spark.sql} or {@code expr} (no injection).
 *
 * <pre>
 *   filter  := clause ( "and" clause )*
 *   clause  := COLUMN ( "=" | "&gt;=" | "&lt;=" ) VALUE
 *            | COLUMN "in" "(" VALUE ( "," VALUE )* ")"
 *   VALUE   := number | 'quoted text' | bare_word | true | false | yyyy-MM-dd (date columns)
 * </pre>
 *
 * COLUMN must be a non-array column of the scores table; each value is checked against that
 * column's type. Keywords are case-insensitive. Example: {@code efi_category = moderate and age >= 65}.
 * A null cell never matches (SQL semantics: the row is not eligible).
 */
public final class FilterParser {
  private final StructType schema;
  private final String where;
  private List<String> tokens;
  private List<Integer> positions;
  private int pos;

  private FilterParser(StructType schema, String where) {
    this.schema = schema;
    this.where = where;
  }

  /**
   * Parses {@code text} against the columns of {@code schema}. {@code where} names the config key
   * for error messages. A blank filter is {@code lit(true)}.
   */
  public static Column parse(String text, StructType schema, String where) {
    if (text == null || text.isBlank()) {
      return lit(true);
    }
    FilterParser p = new FilterParser(schema, where);
    p.tokenize(text);
    Column c = p.clause();
    while (p.pos < p.tokens.size()) {
      p.expectKeyword("and");
      c = c.and(p.clause());
    }
    return c;
  }

  private Column clause() {
    String name = next("a column name");
    StructField field = field(name);
    String op = next("=, >=, <= or in");
    switch (op.toLowerCase(Locale.ROOT)) {
      case "=":
        return col(field.name()).equalTo(value(field));
      case ">=":
        requireOrdered(field, op);
        return col(field.name()).geq(value(field));
      case "<=":
        requireOrdered(field, op);
        return col(field.name()).leq(value(field));
      case "in":
        expect("(");
        List<Object> values = new ArrayList<>();
        values.add(value(field));
        while (peek(",")) {
          pos++;
          values.add(value(field));
        }
        expect(")");
        return col(field.name()).isin(values.toArray());
      default:
        throw error("expected =, >=, <= or in after " + name + " but found '" + op + "'", pos - 1);
    }
  }

  private StructField field(String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name) && !(f.dataType() instanceof ArrayType)) {
        return f;
      }
    }
    throw error("unknown column '" + name + "' (allowed: the scores table's non-array columns)", pos - 1);
  }

  private void requireOrdered(StructField f, String op) {
    DataType t = f.dataType();
    if (t instanceof StringType || t instanceof BooleanType) {
      throw error(op + " needs a number or date column; " + f.name() + " is text", pos - 1);
    }
  }

  private Object value(StructField f) {
    String raw = next("a value for " + f.name());
    int at = pos - 1;
    boolean quoted = raw.startsWith("'");
    String v = quoted ? raw.substring(1, raw.length() - 1).replace("''", "'") : raw;
    DataType t = f.dataType();
    try {
      if (t instanceof StringType) {
        return v;
      }
      if (quoted) {
        throw new IllegalArgumentException();
      }
      if (t instanceof IntegerType) {
        return Integer.parseInt(v);
      }
      if (t instanceof LongType) {
        return Long.parseLong(v);
      }
      if (t instanceof DoubleType) {
        double d = Double.parseDouble(v);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException();
        }
        return d;
      }
      if (t instanceof BooleanType) {
        return switch (v.toLowerCase(Locale.ROOT)) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException();
        };
      }
      if (t instanceof DateType) {
        return java.sql.Date.valueOf(java.time.LocalDate.parse(v));
      }
    } catch (RuntimeException e) {
      throw error("'" + raw + "' is not a valid " + t.simpleString() + " for " + f.name(), at);
    }
    throw error("column " + f.name() + " of type " + t.simpleString() + " cannot be filtered", at);
  }

  private void tokenize(String s) {
    tokens = new ArrayList<>();
    positions = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '(' || c == ')' || c == ',' || c == '=') {
        i++;
      } else if ((c == '>' || c == '<') && i + 1 < s.length() && s.charAt(i + 1) == '=') {
        i += 2;
      } else if (c == '\'') {
        i++;
        while (true) {
          if (i >= s.length()) {
            throw error("unterminated quote", start, tokens.size());
          }
          if (s.charAt(i) == '\'') {
            if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
              i += 2;
              continue;
            }
            i++;
            break;
          }
          i++;
        }
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.') {
        while (i < s.length()
            && (Character.isLetterOrDigit(s.charAt(i)) || "_-.".indexOf(s.charAt(i)) >= 0)) {
          i++;
        }
      } else {
        throw error("unexpected character '" + c + "' at position " + (i + 1), -1);
      }
      tokens.add(s.substring(start, i));
      positions.add(start);
    }
    if (tokens.isEmpty()) {
      throw error("empty filter", -1);
    }
  }

  private String next(String expected) {
    if (pos >= tokens.size()) {
      throw error("expected " + expected + " but the filter ended", -1);
    }
    return tokens.get(pos++);
  }

  private boolean peek(String t) {
    return pos < tokens.size() && tokens.get(pos).equals(t);
  }

  private void expect(String t) {
    String got = next("'" + t + "'");
    if (!got.equals(t)) {
      throw error("expected '" + t + "' but found '" + got + "'", pos - 1);
    }
  }

  private void expectKeyword(String k) {
    String got = next(k);
    if (!got.equalsIgnoreCase(k)) {
      throw error("expected '" + k + "' but found '" + got + "'", pos - 1);
    }
  }

  private StratException error(String msg, int tokenIndex) {
    return error(msg, -1, tokenIndex);
  }

  private StratException error(String msg, int charPos, int tokenIndex) {
    String at = "";
    if (charPos >= 0) {
      at = " at position " + (charPos + 1);
    } else if (tokenIndex >= 0 && positions != null && tokenIndex < positions.size()) {
      at = " at position " + (positions.get(tokenIndex) + 1);
    }
    return StratException.config("Config " + where + ": " + msg + at);
  }
}
