package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScratchDirTest {
  @TempDir Path outside;

  @Test
  void close_deletesNestedDirectoriesAndFiles() throws Exception {
    Path root;
    try (ScratchDir dir = ScratchDir.create("scratch-test-")) {
      root = dir.path();
      assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toRealPath(), root.getParent().toRealPath());
      assertTrue(root.getFileName().toString().startsWith("scratch-test-"));
      Files.createDirectories(dir.resolve("postgres/base/16384"));
      Files.write(dir.resolve("postgres/base/16384/1259"), new byte[8192]);
      Files.writeString(dir.resolve("postgres/PG_VERSION"), "16\n");
      Files.createDirectories(dir.resolve("s3/bucket/cam-1/2026"));
      Files.createDirectories(dir.resolve("mqtt/empty"));
    }
    assertFalse(Files.exists(root));
  }

  @Test
  void deleteTree_removesALinkToAnOutsideDirectory_asALink_andTheTargetSurvives() throws Exception {
    Path target = Files.createDirectories(outside.resolve("keep"));
    Path kept = Files.writeString(target.resolve("precious.txt"), "do not delete");
    Path root = Files.createDirectories(outside.resolve("tree/a/b"));
    Files.createSymbolicLink(root.resolve("link-to-dir"), target);
    Files.createSymbolicLink(root.resolve("link-to-file"), kept);

    ScratchDir.deleteTree(outside.resolve("tree"));

    assertFalse(Files.exists(outside.resolve("tree"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("do not delete", Files.readString(kept));
    assertTrue(Files.isDirectory(target));
  }

  @Test
  void deleteTree_ofALinkItself_removesTheLinkOnly() throws Exception {
    Path target = Files.createDirectories(outside.resolve("real"));
    Path kept = Files.writeString(target.resolve("data"), "x");
    Path link = Files.createSymbolicLink(outside.resolve("link"), target);

    ScratchDir.deleteTree(link);

    assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("x", Files.readString(kept));
  }

  @Test
  void deleteTree_ofAMissingDirectory_doesNothing() {
    Path missing = outside.resolve("never-made");

    ScratchDir.deleteTree(missing);

    assertFalse(Files.exists(missing));
    assertTrue(Files.isDirectory(outside));
  }
}
