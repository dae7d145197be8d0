package org.openstrat.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL for the tests: the one named by {@code STRAT_TEST_JDBC_URL} (with {@code
 * STRAT_TEST_JDBC_USER}, {@code STRAT_TEST_JDBC_PASSWORD}), else a throwaway cluster started by
 * {@code scripts/pg-test.sh} under {@code target/pg-test/} on a free port, once per JVM, stopped
 * when the JVM ends. When it cannot be had, a test calling {@link #get()} fails under {@code
 * CI=true} and is skipped elsewhere (a developer machine without PostgreSQL).
 */
public final class PgServer {
  private static PgServer server;
  private static String unavailable;

  public final String url;
  public final String user;
  public final String password;
  public final int port;

  private PgServer(String url, String user, String password, int port) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.port = port;
  }

  /** The server, started on first use; fails (CI) or skips (elsewhere) when there is none. */
  public static synchronized PgServer get() {
    if (server == null && unavailable == null) {
      try {
        server = start();
      } catch (IOException | InterruptedException | RuntimeException e) {
        unavailable = e.getMessage();
      }
    }
    if (server == null) {
      String why = "PostgreSQL for the JDBC tests could not be started: " + unavailable;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    return server;
  }

  private static PgServer start() throws IOException, InterruptedException {
    String given = System.getenv("STRAT_TEST_JDBC_URL");
    if (given != null && !given.isBlank()) {
      return new PgServer(given, System.getenv("STRAT_TEST_JDBC_USER"),
          System.getenv("STRAT_TEST_JDBC_PASSWORD"), -1);
    }
    Path dir = Path.of("target", "pg-test").toAbsolutePath();
    Path script = SparkTestBase.repoRoot().resolve("scripts").resolve("pg-test.sh");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // A cluster left by a killed test JVM is stopped and cleared first.
    exec(script.toString(), "stop", dir.toString());
    String out = exec(script.toString(), "start", dir.toString(), String.valueOf(port));
    if (out == null) {
      throw new IllegalStateException(Files.exists(dir.resolve("server.log"))
          ? "see " + dir.resolve("server.log") : "scripts/pg-test.sh start failed");
    }
    String password = Files.readString(dir.resolve("password"), StandardCharsets.UTF_8).trim();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        exec(script.toString(), "stop", dir.toString());
      } catch (IOException | InterruptedException ignored) {
        // the next start clears it
      }
    }));
    return new PgServer("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "strat", password, port);
  }

  /** Runs a command; its stdout, or null (with its stderr as the reason) when it fails. */
  private static String exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      if (cmd.length > 1 && cmd[1].equals("start")) {
        throw new IllegalStateException(err.strip());
      }
      return null;
    }
    return out;
  }

  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return DriverManager.getConnection(url, p);
  }

  /** Runs statements in one connection. */
  public void sql(String... statements) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }
}
