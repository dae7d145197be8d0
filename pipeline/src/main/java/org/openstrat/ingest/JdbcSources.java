package org.openstrat.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.openstrat.config.Settings;
import org.openstrat.core.StratException;
import org.openstrat.util.IoErrors;

/**
 * A sources file ({@code strat run --sources FILE}): where each extract lives in a SQL warehouse
 * reached over JDBC, in place of a folder of files. Java properties:
 *
 * <pre>
 * url=jdbc:postgresql://warehouse.example.nhs.uk:5432/ics
 * extract_date=2026-03-31
 * # credentials: environment variables (these names are the defaults) or a properties file
 * user.env=STRAT_JDBC_USER
 * password.env=STRAT_JDBC_PASSWORD
 * # credentials.file=/etc/strat/warehouse.properties   (user=..., password=...)
 * practices.table=ics.practices
 * patients.query=select * from ics.patients_current
 * gp_events.table=ics.gp_events
 * gp_events.row_id=row_id                 # a unique numeric column: the row's "line"
 * gp_events.partition.column=row_id       # numeric, date or timestamp column
 * gp_events.partition.lower=1
 * gp_events.partition.upper=60000000
 * gp_events.partition.count=8
 * </pre>
 *
 * A password is never taken from this file or the command line, and the URL may not carry one:
 * it goes into the manifest. Loading is plain Java; nothing connects until {@link JdbcIngest}.
 *
 * @param file the sources file
 * @param url the JDBC URL (no credentials in it)
 * @param user the user name, or null for the driver's default
 * @param password the password, or null (never printed; {@link #toString} leaves it out)
 * @param extractDate {@code extract_date}
 * @param sources each configured extract's table or query and read settings
 * @param fetchSize rows per round trip ({@code fetch_size}, default 10000)
 * @param retries attempts after the first for a connection that fails or drops ({@code retries},
 *     default 2), with {@code retry_wait_seconds} (default 5) between them
 * @param retryWaitSeconds seconds between attempts
 * @param publishPrefix table-name prefix for {@code --publish-jdbc} ({@code publish.table_prefix},
 *     default {@code strat_}): the cohort goes to PREFIX{@code cohort}, the summary to
 *     PREFIX{@code summary}
 * @param publish {@code publish.enabled}: publish to the warehouse without {@code --publish-jdbc}
 */
public record JdbcSources(
    Path file,
    String url,
    String user,
    String password,
    LocalDate extractDate,
    Map<Extract, Source> sources,
    int fetchSize,
    int retries,
    int retryWaitSeconds,
    String publishPrefix,
    boolean publish) {

  /** Where one extract is read from. Exactly one of table and query is set. */
  public record Source(
      Extract extract,
      String table,
      String query,
      String rowId,
      String partitionColumn,
      String lower,
      String upper,
      int partitions) {

    /** What the manifest and messages call this source: the table, or {@code query sha256:...}. */
    public String label() {
      return table != null ? table : "query sha256:" + querySha256().substring(0, 12);
    }

    /** The query's SHA-256 (lower-case hex), or null for a table. */
    public String querySha256() {
      return query == null ? null : sha256(query);
    }

    /** What Spark's JDBC source reads: the table, or the query as a derived table. */
    String dbtable() {
      return table != null ? table : "(" + query + ") strat_src";
    }
  }

  /** Default environment variable holding the user name. */
  public static final String USER_ENV = "STRAT_JDBC_USER";
  /** Default environment variable holding the password. */
  public static final String PASSWORD_ENV = "STRAT_JDBC_PASSWORD";

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*){0,2}");
  private static final Pattern CREDENTIAL_IN_URL =
      Pattern.compile("(?i)(password|pwd|passwd)\\s*=|//[^/@]*:[^/@]*@");

  /** Loads and checks a sources file; credentials from {@code env}. Exit 3 for anything wrong. */
  public static JdbcSources load(Path file, Map<String, String> env) {
    Settings s = Settings.load(file);
    String where = "Sources file " + file;
    for (String k : s.asMap().keySet()) {
      String l = k.toLowerCase(Locale.ROOT);
      if (l.equals("password") || l.endsWith(".password") || l.equals("pwd")) {
        throw StratException.config(where + ": key " + k + " holds a password; put it in the"
            + " environment (password.env, default " + PASSWORD_ENV + ") or a credentials.file");
      }
    }
    String url = s.getString("url", null);
    if (url == null || !url.startsWith("jdbc:")) {
      throw StratException.config(where + ": url=jdbc:... is missing (e.g. "
          + "url=jdbc:postgresql://host:5432/ics)");
    }
    if (CREDENTIAL_IN_URL.matcher(url).find()) {
      throw StratException.config(where + ": the url carries a password; remove it and set "
          + PASSWORD_ENV + " (or password.env / credentials.file)");
    }
    LocalDate extractDate;
    String d = s.getString("extract_date", null);
    try {
      extractDate = d == null ? null : LocalDate.parse(d);
    } catch (DateTimeParseException e) {
      throw StratException.config(where + ": extract_date=" + d + " is not a yyyy-MM-dd date");
    }
    if (extractDate == null) {
      throw StratException.config(where + ": extract_date=yyyy-MM-dd is missing");
    }

    String user = s.getString("user", null);
    String password = null;
    String credFile = s.getString("credentials.file", null);
    if (credFile != null) {
      Path cf = file.toAbsolutePath().getParent().resolve(credFile);
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(cf, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw StratException.config(where + ": cannot read credentials.file " + cf + ": "
            + IoErrors.cannotRead(e));
      }
      user = p.getProperty("user", user);
      password = p.getProperty("password");
    }
    String userEnv = s.getString("user.env", USER_ENV);
    String passwordEnv = s.getString("password.env", PASSWORD_ENV);
    if (user == null && env.get(userEnv) != null) {
      user = env.get(userEnv);
    }
    if (password == null && env.get(passwordEnv) != null) {
      password = env.get(passwordEnv);
    }

    Map<Extract, Source> sources = new EnumMap<>(Extract.class);
    for (Extract e : Extract.values()) {
      String p = e.fileName() + ".";
      String table = s.getString(p + "table", null);
      String query = s.getString(p + "query", null);
      String rowId = s.getString(p + "row_id", null);
      String pcol = s.getString(p + "partition.column", null);
      String lower = s.getString(p + "partition.lower", null);
      String upper = s.getString(p + "partition.upper", null);
      int count = s.getInt(p + "partition.count", 1, 1, 1024);
      if (table == null && query == null) {
        if (rowId != null || pcol != null) {
          throw StratException.config(where + ": " + e.fileName() + " has read settings but no "
              + e.fileName() + ".table or " + e.fileName() + ".query");
        }
        continue;
      }
      if (table != null && query != null) {
        throw StratException.config(where + ": give " + p + "table or " + p + "query, not both");
      }
      if (table != null && !IDENTIFIER.matcher(table).matches()) {
        throw StratException.config(where + ": " + p + "table=" + table
            + " is not a [catalog.][schema.]table name; use " + p + "query for anything else");
      }
      for (String c : new String[] {rowId, pcol}) {
        if (c != null && !IDENTIFIER.matcher(c).matches()) {
          throw StratException.config(where + ": " + c + " is not a column name");
        }
      }
      if (pcol != null && (lower == null || upper == null)) {
        throw StratException.config(where + ": " + p + "partition.column needs "
            + p + "partition.lower and " + p + "partition.upper (the column's range; rows"
            + " outside it are still read, by the first and last task)");
      }
      if (pcol == null && count > 1) {
        throw StratException.config(where + ": " + p + "partition.count needs "
            + p + "partition.column");
      }
      sources.put(e, new Source(e, table, query, rowId, pcol, lower, upper, pcol == null ? 1 : count));
    }
    int fetch = s.getInt("fetch_size", 10_000, 1, 1_000_000);
    int retries = s.getInt("retries", 2, 0, 10);
    int wait = s.getInt("retry_wait_seconds", 5, 0, 600);
    String prefix = s.getString("publish.table_prefix", "strat_");
    if (!IDENTIFIER.matcher(prefix + "cohort").matches()) {
      throw StratException.config(where + ": publish.table_prefix=" + prefix
          + " does not make a table name");
    }
    boolean publish = s.getBoolean("publish.enabled", false);
    if (!s.unusedKeys().isEmpty()) {
      throw StratException.config(where + ": unknown key(s) " + s.unusedKeys()
          + " (see docs/operations.md, \"Reading from a warehouse\")");
    }
    return new JdbcSources(file, url, user, password, extractDate,
        Collections.unmodifiableMap(sources), fetch, retries, wait, prefix, publish);
  }

  /** JDBC connection properties: user, password, fetch size. Never logged. */
  public Properties connectionProperties() {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  /** The URL without its query string (where a driver's options, and any secret, would be). */
  public String safeUrl() {
    int q = url.indexOf('?');
    int semi = url.startsWith("jdbc:sqlserver:") ? url.indexOf(';') : -1;
    int cut = q < 0 ? semi : semi < 0 ? q : Math.min(q, semi);
    return cut < 0 ? url : url.substring(0, cut);
  }

  /** Per extract, what the manifest records: URL, table or query hash. */
  public Map<String, Object> describe(Extract e) {
    Source src = sources.get(e);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("extract", e.fileName());
    m.put("url", safeUrl());
    if (src.table() != null) {
      m.put("table", src.table());
    } else {
      m.put("query_sha256", src.querySha256());
    }
    return m;
  }

  @Override
  public String toString() {
    return "JdbcSources[" + file + ", " + safeUrl() + ", " + sources.keySet() + "]";
  }

  static String sha256(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
