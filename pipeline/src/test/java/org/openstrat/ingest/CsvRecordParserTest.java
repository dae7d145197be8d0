package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openstrat.core.Reason;

class CsvRecordParserTest {

  private static List<CsvRecordParser.Record> parse(String csv) throws IOException {
    BufferedReader r = new BufferedReader(new StringReader(csv));
    List<String> header = CsvRecordParser.readHeader(r);
    List<CsvRecordParser.Record> out = new ArrayList<>();
    new CsvRecordParser(r, header.size(), 2).forEachRemaining(out::add);
    return out;
  }

  private static String summary(CsvRecordParser.Record r) {
    return r.line() + ":" + (r.error() == null ? String.join("|", nulls(r.fields())) : r.error());
  }

  private static List<String> nulls(String[] f) {
    List<String> out = new ArrayList<>();
    for (String s : f) {
      out.add(s == null ? "<null>" : s);
    }
    return out;
  }

  @Test
  void headerStripsBomAndTrims() throws IOException {
    BufferedReader r = new BufferedReader(new StringReader("\uFEFFa, b ,c\n"));
    assertThat(CsvRecordParser.readHeader(r)).containsExactly("a", "b", "c");
  }

  @Test
  void plainRowsEmptyFieldsAreNullAndCrLfIsALineEnd() throws IOException {
    assertThat(parse("a,b,c\r\n1,,3\r\n4,5,6\r\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:1|<null>|3", "3:4|5|6");
  }

  @Test
  void quotedFieldHoldsCommaQuoteAndLineBreak() throws IOException {
    List<CsvRecordParser.Record> rs = parse("a,b,c\n1,\"x, \"\"y\"\"\nz\",3\n4,5,6\n");
    assertThat(rs.stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:1|x, \"y\"\nz|3", "4:4|5|6");
    assertThat(rs.get(0).raw()).isEqualTo("1,\"x, \"\"y\"\"\nz\",3");
  }

  @Test
  void blankLinesAreNotRowsAndLineNumbersStayPhysical() throws IOException {
    assertThat(parse("a,b,c\n1,2,3\n\n   \n\t\r\n4,5,6\n\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:1|2|3", "6:4|5|6");
    // A blank line inside a quoted field is part of the field.
    assertThat(parse("a,b,c\n1,\"x\n\ny\",3\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:1|x\n\ny|3");
    assertThat(parse("a,b,c\n\n")).isEmpty();
  }

  /** Parses bytes through {@link Utf8Lines} with a tiny buffer, so lines cross buffer ends. */
  private static List<CsvRecordParser.Record> parseBytes(byte[] csv, int buffer) throws IOException {
    Utf8Lines lines = new Utf8Lines(new java.io.ByteArrayInputStream(csv), buffer);
    List<String> header = CsvRecordParser.splitHeader(lines.next().text());
    List<CsvRecordParser.Record> out = new ArrayList<>();
    new CsvRecordParser(lines::next, header.size(), 2).forEachRemaining(out::add);
    return out;
  }

  private static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String str) {
        b.writeBytes(str.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } else {
        b.write((Integer) p);
      }
    }
    return b.toByteArray();
  }

  @Test
  void aByteThatIsNotUtf8RejectsItsRowWhereverItFalls() throws IOException {
    StringBuilder middle = new StringBuilder();
    for (int i = 0; i < 3000; i++) { // about 20 KB: well past any one buffer
      middle.append(i).append(",x,y\n");
    }
    // 0xE9 is e-acute in Latin-1 / Windows-1252: the usual stray byte.
    byte[] csv = bytes("\uFEFFa,b,c\n", "Caf", 0xE9, ",1,2\n", middle.toString(), "Jos", 0xE9, ",3,4\n",
        "Jos\u00e9 \uD83D\uDE00,5,6\r\n", "\"multi\nli", 0xFF, "ne\",7,8\n", "9,9,9");
    for (int buffer : new int[] {7, 64, 1 << 16}) {
      List<CsvRecordParser.Record> rs = parseBytes(csv, buffer);
      assertThat(rs).as("buffer %d", buffer).hasSize(3000 + 5);
      assertThat(summary(rs.get(0))).isEqualTo("2:INVALID_ENCODING");
      assertThat(rs.get(0).raw()).isEqualTo("Caf\uFFFD,1,2");
      assertThat(summary(rs.get(1))).isEqualTo("3:0|x|y");
      assertThat(summary(rs.get(3001))).isEqualTo("3003:INVALID_ENCODING");
      assertThat(summary(rs.get(3002))).as("valid multi-byte text, CRLF").isEqualTo("3004:Jos\u00e9 \uD83D\uDE00|5|6");
      assertThat(summary(rs.get(3003))).as("a quoted record is rejected whole").isEqualTo("3005:INVALID_ENCODING");
      assertThat(summary(rs.get(3004))).isEqualTo("3007:9|9|9");
    }
  }

  @Test
  void aLineOverTheCapIsCutAndItsRecordRejected() throws IOException {
    Utf8Lines lines = new Utf8Lines(new java.io.ByteArrayInputStream(
        bytes("a,b,c\n1,2,3\n", "x".repeat(100), ",2,3\n4,\"", "y".repeat(100), "\",6\n7,8,9\n")), 16, 50);
    List<String> header = CsvRecordParser.splitHeader(lines.next().text());
    List<CsvRecordParser.Record> out = new ArrayList<>();
    new CsvRecordParser(lines::next, header.size(), 2).forEachRemaining(out::add);
    assertThat(out.stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:1|2|3", "3:FIELD_TOO_LONG", "4:FIELD_TOO_LONG", "5:7|8|9");
    assertThat(out.get(1).raw()).hasSize(50);
  }

  @Test
  void shortAndLongRows() throws IOException {
    assertThat(parse("a,b,c\n1,2\n1,2,3,4\n1,2,3\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:SHORT_ROW", "3:LONG_ROW", "4:1|2|3");
  }

  @Test
  void unterminatedQuoteRejectsOnlyItsLineAndParsingResumes() throws IOException {
    // The lone quote on line 2 would swallow lines 3-4 into one field; line 2 alone is rejected.
    List<CsvRecordParser.Record> rs = parse("a,b,c\n1,\"oops,3\n4,5,6\n7,8,9\n");
    assertThat(rs.stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:UNTERMINATED_QUOTE", "3:4|5|6", "4:7|8|9");
    assertThat(rs.get(0).raw()).isEqualTo("1,\"oops,3");
  }

  @Test
  void unterminatedQuoteAtEndOfFile() throws IOException {
    assertThat(parse("a,b,c\n1,2,\"3\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:UNTERMINATED_QUOTE");
  }

  @Test
  void unquotedLineBreakSplitsARowIntoTwoShortRows() throws IOException {
    assertThat(parse("a,b,c\n1,2\n,3\n4,5,6\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:SHORT_ROW", "3:SHORT_ROW", "4:4|5|6");
  }

  @Test
  void multiLineRecordWithWrongFieldCountRejectsFirstLineAsUnterminatedQuote() throws IOException {
    // Quotes close on line 3 but the record would have 5 fields: line 2 rejected, line 3 reparsed
    // on its own (its quote is not at a field start, so an ordinary character).
    assertThat(parse("a,b,c\n1,\"x\ny\",3,4,5\n5,6,7\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:UNTERMINATED_QUOTE", "3:LONG_ROW", "4:5|6|7");
  }

  @Test
  void quoteInsideAnUnquotedFieldIsAnOrdinaryCharacter() throws IOException {
    assertThat(parse("a,b,c\n1,5'2\",3\n").stream().map(CsvRecordParserTest::summary))
        .containsExactly("2:1|5'2\"|3");
  }

  @Test
  void loneQuoteLooksAheadAtMostTheCap() throws IOException {
    StringBuilder sb = new StringBuilder("a,b,c\n1,\"x,3\n");
    for (int i = 0; i < CsvRecordParser.MAX_RECORD_LINES + 10; i++) {
      sb.append("\"q").append(i).append("\n");
    }
    List<CsvRecordParser.Record> rs = parse(sb.toString());
    assertThat(rs.get(0).error()).isEqualTo(Reason.UNTERMINATED_QUOTE);
    assertThat(rs).hasSize(CsvRecordParser.MAX_RECORD_LINES + 11);
  }
}
