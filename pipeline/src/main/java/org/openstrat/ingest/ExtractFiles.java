package org.openstrat.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.openstrat.core.StratException;
import org.openstrat.util.IoErrors;

/** Discovery: what is in an input folder, and a folder extract's part files. */
final class ExtractFiles {
  private ExtractFiles() {}

  /** A folder's entries in name order; exit 4 if it cannot be listed. */
  static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw StratException.input("Cannot read input folder " + dir + ": " + IoErrors.cannotRead(e));
    }
  }

  /** A folder extract's part files: all CSV or all Parquet, hidden and _ files left out. */
  static List<Path> partFiles(Path dir) {
    List<Path> parts = new ArrayList<>();
    for (Path p : list(dir)) {
      String n = p.getFileName().toString();
      if (n.startsWith(".") || n.startsWith("_") || Files.isDirectory(p)) {
        continue;
      }
      parts.add(p);
    }
    String rel = dir.getFileName().toString();
    long csv = parts.stream().filter(p -> Ingest.isCsvName(p.toString())).count();
    long pq = parts.stream().filter(p -> p.toString().endsWith(".parquet")).count();
    if (csv > 0 && pq > 0) {
      throw StratException.input("Cannot read " + rel + "/: mixes .csv and .parquet part files");
    }
    List<Path> kept = parts.stream().filter(p -> csv > 0 ? Ingest.isCsvName(p.toString())
        : p.toString().endsWith(".parquet")).toList();
    if (kept.isEmpty()) {
      throw StratException.input("Cannot read " + rel + "/: no .csv, .csv.gz or .parquet part files");
    }
    return kept;
  }

  /** NAME from NAME.csv, NAME.csv.gz, NAME.parquet. */
  static String stripExtension(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }
}
