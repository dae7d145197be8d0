package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.core.StratException;

/** The sources file: credentials only from the environment or a file, never printed. */
class JdbcSourcesTest {
  @TempDir Path tmp;

  Path file(String body) throws IOException {
    Path f = tmp.resolve("sources.properties");
    Files.writeString(f, "extract_date=2026-03-31\npractices.table=ics.practices\n" + body);
    return f;
  }

  @Test
  void credentialsFromTheEnvironmentAndNeverInToString() throws IOException {
    JdbcSources s = JdbcSources.load(file("url=jdbc:postgresql://db:5432/ics?ssl=true\n"),
        Map.of("STRAT_JDBC_USER", "hub", "STRAT_JDBC_PASSWORD", "s3cret-pw"));
    assertThat(s.connectionProperties()).containsEntry("user", "hub").containsEntry("password", "s3cret-pw");
    assertThat(s.safeUrl()).isEqualTo("jdbc:postgresql://db:5432/ics");
    assertThat(s.toString() + s.describe(Extract.PRACTICES)).doesNotContain("s3cret-pw").doesNotContain("ssl");
    assertThat(s.describe(Extract.PRACTICES)).containsEntry("table", "ics.practices");
  }

  @Test
  void credentialsFileNamedInTheSourcesFile() throws IOException {
    Files.writeString(tmp.resolve("creds"), "user=hub\npassword=from-file\n");
    JdbcSources s = JdbcSources.load(file("url=jdbc:postgresql://db/ics\ncredentials.file=creds\n"),
        Map.of("STRAT_JDBC_PASSWORD", "from-env"));
    assertThat(s.password()).isEqualTo("from-file");
  }

  @Test
  void aPasswordInTheFileOrUrlIsRefused() throws IOException {
    Path a = file("url=jdbc:postgresql://db/ics\npassword=x\n");
    assertThatThrownBy(() -> JdbcSources.load(a, Map.of())).isInstanceOf(StratException.class)
        .hasMessageContaining("holds a password").hasMessageNotContaining("=x");
    Path b = file("url=jdbc:postgresql://db/ics?user=a&password=x\n");
    assertThatThrownBy(() -> JdbcSources.load(b, Map.of()))
        .hasMessageContaining("the url carries a password");
    Path c = file("url=jdbc:sqlserver://db:1433;databaseName=ics;password=x\n");
    assertThatThrownBy(() -> JdbcSources.load(c, Map.of()))
        .hasMessageContaining("the url carries a password");
  }

  @Test
  void queriesAreRecordedByHash() throws IOException {
    JdbcSources s = JdbcSources.load(
        file("url=jdbc:sqlserver://db:1433;databaseName=ics\npatients.query=select * from p\n"), Map.of());
    assertThat(s.safeUrl()).isEqualTo("jdbc:sqlserver://db:1433");
    assertThat(s.describe(Extract.PATIENTS)).containsKey("query_sha256").doesNotContainKey("table");
    assertThat(s.sources().get(Extract.PATIENTS).label()).startsWith("query sha256:");
  }

  @Test
  void misspeltKeysAndHalfPartitionsAreRefused() throws IOException {
    Path a = file("url=jdbc:postgresql://db/ics\ngp_event.table=x\n");
    assertThatThrownBy(() -> JdbcSources.load(a, Map.of()))
        .hasMessageContaining("unknown key(s) [gp_event.table]");
    Path b = file("url=jdbc:postgresql://db/ics\ngp_events.table=x\ngp_events.partition.column=id\n");
    assertThatThrownBy(() -> JdbcSources.load(b, Map.of()))
        .hasMessageContaining("partition.lower");
  }
}
