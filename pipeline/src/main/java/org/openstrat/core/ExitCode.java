package org.openstrat.core;

/**
 * Every exit code {@code strat} returns. The README's "Exit codes" table mirrors this class; keep
 * them in step.
 */
public final class ExitCode {
  /** The command did what it was asked. */
  public static final int OK = 0;
  /** A bug: something failed that should not. The message names the failure class. */
  public static final int INTERNAL = 1;
  /** The command line was wrong (unknown option, missing value). Usage goes to stderr. */
  public static final int USAGE = 2;
  /**
   * A configuration or rule file is missing, malformed or fails its checksum; or the output folder
   * cannot be created or written.
   */
  public static final int CONFIG = 3;
  /**
   * The input folder or an extract is missing or unreadable, not text, or has a wrong header; or a
   * warehouse source ({@code --sources}) is: no such table or column, a column not readable as
   * text, failed login, a database that cannot be reached.
   */
  public static final int INPUT = 4;
  /** A data-quality threshold (reject rate, linkage, required extract) was breached. */
  public static final int QUALITY = 5;
  /**
   * The staged output failed its pre-publication checks; nothing was published. Also: {@code
   * --publish-jdbc} could not write the warehouse tables (the folder is published, the tables are
   * unchanged).
   */
  public static final int PUBLISH = 6;
  /**
   * Another run holds the lock: {@code OUTPUT/.lock}, held by every {@code strat run}, or
   * scripts/nightly's {@code OUTPUT/.nightly.lock}. Nothing was touched.
   */
  public static final int LOCKED = 7;

  private ExitCode() {}
}
