package org.openstrat.publish;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.stream.Stream;
import org.openstrat.testing.SparkTestBase;

/**
 * A child process for {@link PublishFaultTest}, honouring {@code -Dstrat.test.pause_at=STAGE} so
 * the test can kill it there. {@code spark OUTPUT AS_OF}: the real {@link Publisher} on the fixture
 * ICS. {@code files OUTPUT AS_OF TEMPLATE}: the same {@link Publication} steps without Spark, staging
 * a copy of an existing publication's files (cohort/, then the rest, then the manifest) and
 * committing, so the crash points of the file moves are tested in a fraction of a second.
 */
public final class PublishHarness {
  private PublishHarness() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[1]);
    LocalDate asOf = LocalDate.parse(args[2]);
    String runId = "harness-" + ProcessHandle.current().pid();
    Manifest m = new Manifest(runId).put("as_of", asOf.toString());
    Publication pub = Publication.begin(out, asOf, runId);
    if (args[0].equals("spark")) {
      Publisher.publish(
          PublishFixtures.request(out, PublishFixtures.scores(SparkTestBase.spark(), 0), asOf,
              Optional.of(PublishFixtures.key())),
          pub,
          new Progress(new PrintWriter(System.err, true), m));
    } else {
      Path template = Path.of(args[3]);
      copy(template.resolve("cohort"), pub.staging().resolve("cohort"));
      Publication.pause("cohort-written");
      try (Stream<Path> s = Files.list(template)) {
        for (Path p : s.toList()) {
          String n = p.getFileName().toString();
          if (!n.equals("cohort") && !n.equals(Manifest.FILE) && !n.equals(Manifest.SUCCESS)) {
            copy(p, pub.staging().resolve(n));
          }
        }
      }
      Publication.pause("checked");
      Files.copy(template.resolve(Manifest.FILE), pub.staging().resolve(Manifest.FILE));
      Publication.pause("manifest-written");
      Files.createFile(pub.staging().resolve(Manifest.SUCCESS));
      pub.commit();
    }
    System.err.println("harness: published");
    System.exit(0);
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
