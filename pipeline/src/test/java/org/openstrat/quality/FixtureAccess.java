package org.openstrat.quality;

import java.nio.file.Path;

/** Lets tests in other packages build the shared fixtures. */
public final class FixtureAccess {
  private FixtureAccess() {}

  /** Every extract of {@link Fixture#full}: each reason code's rows, as CSV. */
  public static void full(Path dir) {
    Fixture.full(dir);
  }

  /** practices.csv, patients.csv and extract.properties of {@link Fixture#full}, nothing else. */
  public static void practicesAndPatients(Path dir) {
    Path tmp = dir.resolve(".full");
    Fixture.full(tmp);
    for (String f : new String[] {"practices.csv", "patients.csv", "extract.properties"}) {
      try {
        java.nio.file.Files.move(tmp.resolve(f), dir.resolve(f));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
