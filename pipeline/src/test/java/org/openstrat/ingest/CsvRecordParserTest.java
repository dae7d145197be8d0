package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openstrat.quality.Reason;

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
