package org.openstrat.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One {@code strat} command run in this JVM: its exit code and what it wrote. (Several older
 * command tests carry their own copy of this; new ones use this.)
 */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    CommandLine cl = Strat.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
