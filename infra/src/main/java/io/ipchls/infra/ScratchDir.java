package io.ipchls.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory we created ourselves, deleted with everything in it when closed; and the one recursive delete
 * that tests, the shared test stack and benchmarks use for such directories. Embedded PostgreSQL, HiveMQ and S3Proxy
 * write hundreds of megabytes there, so a directory left behind by every test JVM fills a disk in a few dozen runs.
 *
 * <p>Open it before the servers that use it, so that try-with-resources closes it after them:
 * {@code try (ScratchDir dir = ScratchDir.create("bench-"); EmbeddedPostgres pg = ...)}.
 *
 * <p>Only for directories we made: a directory the user named (the launcher's {@code --data}) is never deleted.
 */
public final class ScratchDir implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchDir.class);
  /** Walks again when a server still running wrote a file into a directory after it was emptied. */
  private static final int ATTEMPTS = 3;

  private final Path path;

  private ScratchDir(Path path) {
    this.path = path;
  }

  /** A new, empty directory under {@code java.io.tmpdir} whose name starts with {@code prefix}. */
  public static ScratchDir create(String prefix) {
    try {
      return new ScratchDir(Files.createTempDirectory(prefix));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory " + prefix + "*", e);
    }
  }

  public Path path() {
    return path;
  }

  public Path resolve(String other) {
    return path.resolve(other);
  }

  /** Deletes the directory and everything in it. */
  @Override
  public void close() {
    deleteTree(path);
  }

  @Override
  public String toString() {
    return path.toString();
  }

  /**
   * Deletes {@code root} and everything under it; a missing {@code root} is fine, and so is a file that vanishes
   * while we walk. Symbolic links are deleted as links, never followed: what they point to survives, even a
   * directory outside {@code root} (or {@code root} itself being a link).
   *
   * @throws UncheckedIOException if something under {@code root} cannot be deleted
   */
  public static void deleteTree(Path root) {
    for (int attempt = 1; ; attempt++) {
      try {
        // without FOLLOW_LINKS a link, to a directory too, is visited as a file: deleted, not entered
        Files.walkFileTree(root, new Deleter());
        return;
      } catch (DirectoryNotEmptyException e) {
        if (attempt == ATTEMPTS) throw new UncheckedIOException("cannot delete " + root + ": still written to", e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + root, e);
      }
    }
  }

  /** {@link #deleteTree} for shutdown hooks and clean-ups that must not throw: a failure is logged. */
  public static void deleteTreeQuietly(Path root) {
    try {
      deleteTree(root);
    } catch (UncheckedIOException e) {
      LOG.warn("temporary directory {} left behind: {}", root, e.getCause().toString());
    }
  }

  private static final class Deleter extends SimpleFileVisitor<Path> {
    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      Files.deleteIfExists(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
      if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
      throw e;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
      if (e != null && !(e instanceof NoSuchFileException)) throw e;
      Files.deleteIfExists(dir);
      return FileVisitResult.CONTINUE;
    }
  }
}
