package org.openstrat.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.openstrat.core.StratException;

/**
 * person_id = lower-case hex HMAC-SHA256(key, nhs_number). The key comes, in this order, from
 * {@code --key-file}, the file named by {@code STRAT_PSEUDO_KEY_FILE}, or the value of
 * {@code STRAT_PSEUDO_KEY}; never from a command-line value (it would show in {@code ps} and shell
 * history) and never logged. The manifest records only {@link #keyId()}: the first 8 hex
 * characters of SHA-256(key), enough to tell which key a release used, useless to recover it.
 *
 * <p>Spark has no built-in HMAC, so this is the pipeline's one UDF; its cost is in the benchmark.
 * A key must be at least {@value #MIN_KEY_BYTES} bytes (HMAC-SHA256's block size is 64; 32 is the
 * usual floor). A key file's trailing newline is not part of the key.
 */
public final class Pseudonymiser {
  public static final int MIN_KEY_BYTES = 32;
  public static final String ENV_KEY = "STRAT_PSEUDO_KEY";
  public static final String ENV_KEY_FILE = "STRAT_PSEUDO_KEY_FILE";

  private final byte[] key;

  private Pseudonymiser(byte[] key) {
    this.key = key;
  }

  /** Builds one from key bytes; used by tests and by {@link #resolve}. */
  public static Pseudonymiser ofKey(byte[] key) {
    if (key.length < MIN_KEY_BYTES) {
      throw StratException.config(
          "Pseudonymisation key is " + key.length + " bytes; at least " + MIN_KEY_BYTES + " needed");
    }
    return new Pseudonymiser(key.clone());
  }

  /**
   * The key from the key file option, else the environment; empty when none is set (the run then
   * skips the pseudonymised output with a warning and says so in the manifest).
   */
  public static Optional<Pseudonymiser> resolve(Path keyFileOption, Map<String, String> env) {
    Path file = keyFileOption;
    String where = "--key-file";
    if (file == null && env.get(ENV_KEY_FILE) != null && !env.get(ENV_KEY_FILE).isBlank()) {
      file = Path.of(env.get(ENV_KEY_FILE));
      where = ENV_KEY_FILE;
    }
    if (file != null) {
      try {
        byte[] b = Files.readAllBytes(file);
        int n = b.length;
        while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
          n--;
        }
        return Optional.of(ofKey(Arrays.copyOf(b, n)));
      } catch (IOException e) {
        throw StratException.config("Cannot read the pseudonymisation key file given by " + where + ": " + file);
      }
    }
    String v = env.get(ENV_KEY);
    if (v != null && !v.isEmpty()) {
      return Optional.of(ofKey(v.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }

  /** First 8 hex characters of SHA-256(key): names the key in the manifest, reveals nothing. */
  public String keyId() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HMAC-SHA256 of one value, lower-case hex (the same function the UDF applies). */
  public String personId(String nhsNumber) {
    return Hmac.of(key, nhsNumber);
  }

  /** Column of person ids computed from {@code column}; null in, null out. */
  public Column personIdColumn(String column) {
    UserDefinedFunction f = udf(new Hmac(key), DataTypes.StringType).asNondeterministic();
    // Deterministic in fact; marked so only to stop the optimiser from duplicating the call.
    return f.apply(col(column));
  }

  /** The UDF body: a Mac per executor thread, keyed once. */
  static final class Hmac implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private transient ThreadLocal<Mac> mac;

    Hmac(byte[] key) {
      this.key = key.clone();
    }

    @Override
    public String call(String v) {
      if (v == null) {
        return null;
      }
      if (mac == null) {
        mac = ThreadLocal.withInitial(() -> newMac(key));
      }
      Mac m = mac.get();
      return HexFormat.of().formatHex(m.doFinal(v.getBytes(StandardCharsets.UTF_8)));
    }

    static String of(byte[] key, String v) {
      return HexFormat.of().formatHex(newMac(key).doFinal(v.getBytes(StandardCharsets.UTF_8)));
    }

    private static Mac newMac(byte[] key) {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }
  }
}
