package org.openstrat.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}), with a file's or folder's permission set in this
 * JVM. Without Hadoop's native library (not shipped with Spark), {@link RawLocalFileSystem} sets
 * each permission by starting a {@code chmod} process: one for every folder and file a Parquet
 * write makes (job, task and attempt folders, part files), about 10 ms each on this machine, some
 * hundreds per run. Registered as {@code fs.file.impl} by {@link SparkSessions}; everything else,
 * checksums included, is Hadoop's own.
 */
public final class LocalFiles extends LocalFileSystem {
  public LocalFiles() {
    super(new Raw());
  }

  /** The raw local file system, setting permissions through java.nio where it can. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Set<PosixFilePermission> posix = posix(permission);
      if (posix == null) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posix);
      } catch (UnsupportedOperationException e) { // not a POSIX file system: Hadoop's own way
        super.setPermission(p, permission);
      }
    }
  }

  /** The nine rwx bits; null for a sticky bit, which java.nio cannot set. */
  static Set<PosixFilePermission> posix(FsPermission permission) {
    return permission.getStickyBit() ? null : PosixFilePermissions.fromString(permission.toString());
  }
}
