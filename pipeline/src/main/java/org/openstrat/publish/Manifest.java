package org.openstrat.publish;

import org.openstrat.util.JsonText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * manifest.json of a publication: what ran on what, what came out, how long it took and why
 * rows were left out. Written last into the staging folder, just before {@code _SUCCESS}. The run
 * id and the two timestamps are the only values that differ between reruns on the same input.
 */
public final class Manifest {
  public static final String FILE = "manifest.json";
  public static final String SUCCESS = "_SUCCESS";

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final List<Map<String, Object>> inputs = new ArrayList<>();
  private final Map<String, Object> outputs = new LinkedHashMap<>();
  private final List<Map<String, Object>> stages = new ArrayList<>();
  private final Map<String, Long> exclusions = new TreeMap<>();

  public Manifest(String runId) {
    root.put("manifest_version", 1);
    root.put("run_id", runId);
  }

  /** Sets a top-level value (as_of, code_version, config, rules, pseudonymisation, outcome ...). */
  public Manifest put(String key, Object value) {
    root.put(key, value);
    return this;
  }

  public Object get(String key) {
    return root.get(key);
  }

  public Manifest input(String file, String sha256, long bytes, Long rows) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file);
    m.put("sha256", sha256);
    m.put("bytes", bytes);
    m.put("rows", rows);
    inputs.add(m);
    return this;
  }

  /**
   * An extract read from a warehouse, in place of a file's hash: {@code source} (extract, URL
   * without credentials, table or query SHA-256) and the rows read.
   */
  public Manifest source(Map<String, Object> source, long rows) {
    Map<String, Object> m = new LinkedHashMap<>(source);
    m.put("rows", rows);
    inputs.add(m);
    return this;
  }

  public Manifest output(String name, Map<String, Object> facts) {
    outputs.put(name, facts);
    return this;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> output(String name) {
    return (Map<String, Object>) outputs.get(name);
  }

  /** A stage's entry; {@code within} names the stage it is a part of (null for none). */
  public Manifest stage(String name, String within, long rowsIn, long rowsOut, double seconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (within != null) {
      m.put("within", within);
    }
    m.put("rows_in", rowsIn);
    m.put("rows_out", rowsOut);
    m.put("seconds", Math.round(seconds * 100) / 100.0);
    stages.add(m);
    return this;
  }

  public Manifest exclusion(String reason, long rows) {
    exclusions.merge(reason, rows, Long::sum);
    return this;
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>(root);
    Object outcome = m.remove("outcome");
    m.put("inputs", inputs);
    m.put("outputs", outputs);
    m.put("stages", stages);
    m.put("exclusions", exclusions);
    m.put("outcome", outcome);
    return JsonText.pretty(JsonText.of(m));
  }

  /** Writes manifest.json into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.writeString(dir.resolve(FILE), toJson(), StandardCharsets.UTF_8);
  }

  /** SHA-256 of a file, lower-case hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = sha();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** SHA-256 over sorted key=value lines (config) or over files' relative paths and hashes. */
  public static String sha256(Map<String, String> values) {
    MessageDigest md = sha();
    values.forEach((k, v) -> md.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(md.digest());
  }

  /** SHA-256 of a folder: each regular file's relative path and SHA-256, in path order. */
  public static String sha256Tree(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), sha256(p));
      }
    }
    return sha256(files);
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
