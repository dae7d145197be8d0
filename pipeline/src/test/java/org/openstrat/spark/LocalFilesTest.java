package org.openstrat.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstrat.testing.SparkTestBase;

/** file: paths through {@link LocalFiles}: the same folders and permissions, no chmod process. */
class LocalFilesTest extends SparkTestBase {

  @Test
  void aParquetWriteStartsNoProcessAndLeavesHadoopsPermissions(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    Path jfr = tmp.resolve("processes.jfr");
    // Hadoop starts one process per JVM to learn whether setsid exists: before the recording.
    spark().range(1).write().parquet(tmp.resolve("first").toUri().toString());
    try (Recording r = new Recording()) {
      r.enable("jdk.ProcessStart");
      r.start();
      spark().range(10).repartition(2).write().parquet(out.toUri().toString());
      r.stop();
      r.dump(jfr);
    }
    List<String> started = RecordingFile.readAllEvents(jfr).stream()
        .filter(e -> e.getEventType().getName().equals("jdk.ProcessStart"))
        .map(e -> e.getString("command"))
        .toList();
    assertThat(started).isEmpty();
    // Hadoop's default umask (022) on its defaults: folders rwxr-xr-x, files rw-r--r--.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rwxr-xr-x");
    try (Stream<Path> s = Files.list(out)) {
      List<Path> parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
      assertThat(parts).hasSize(2);
      for (Path p : parts) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
            .isEqualTo("rw-r--r--");
      }
    }
    assertThat(spark().read().parquet(out.toUri().toString()).count()).isEqualTo(10);
  }

  @Test
  void theSessionsLocalFileSystemIsLocalFiles() throws IOException {
    FileSystem fs = FileSystem.get(Path.of(System.getProperty("java.io.tmpdir")).toUri(),
        spark().sparkContext().hadoopConfiguration());
    assertThat(fs).isInstanceOf(LocalFiles.class);
  }

  @Test
  void permissionBitsMapOneToOneAndTheStickyBitIsLeftToHadoop(@TempDir Path tmp)
      throws IOException {
    assertThat(PosixFilePermissions.toString(LocalFiles.posix(new FsPermission((short) 0750))))
        .isEqualTo("rwxr-x---");
    assertThat(PosixFilePermissions.toString(LocalFiles.posix(new FsPermission((short) 0604))))
        .isEqualTo("rw----r--");
    assertThat(LocalFiles.posix(new FsPermission((short) 01777))).isNull();
    Path f = Files.createFile(tmp.resolve("f"));
    LocalFiles.Raw raw = new LocalFiles.Raw();
    raw.setPermission(new org.apache.hadoop.fs.Path(f.toUri()), new FsPermission((short) 0640));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-r-----");
  }
}
