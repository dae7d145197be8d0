package org.openstrat.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTextTest {
  @Test
  void quotesOnlyFieldsWithACommaQuoteOrLineBreak() {
    assertThat(CsvText.row("plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", "=1+1"))
        .isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,=1+1");
  }
}
