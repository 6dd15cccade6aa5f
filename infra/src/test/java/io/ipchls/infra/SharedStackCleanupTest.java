package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared test stack leaves nothing behind: a JVM that used it (the way every test JVM does) deletes its
 * directory of PostgreSQL, broker and S3 data when it exits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedStackCleanupTest {
  @TempDir Path work;

  @Test
  void aJvmThatUsedTheSharedStack_exits_andItsDirectoryIsGone() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = work.resolve("child.log");
    Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        SharedStackExitMain.class.getName())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = p.waitFor(120, TimeUnit.SECONDS);
    if (!exited) p.destroyForcibly().waitFor();
    String out = Files.readString(log, StandardCharsets.UTF_8);

    assertTrue(exited, "still running after 120 s:\n" + out);
    assertEquals(0, p.exitValue(), out);
    Path dir = Path.of(line(out, SharedStackExitMain.DIR));
    assertTrue(dir.getFileName().toString().startsWith("ipchls-stack-"), out);
    assertEquals("true", line(out, SharedStackExitMain.POSTGRES_WROTE), out);
    assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS), dir + " left behind:\n" + out);
  }

  private static String line(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " line in:\n" + out));
  }
}
