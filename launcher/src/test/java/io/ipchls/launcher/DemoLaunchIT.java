package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Quick start as a user meets it: {@code ./ipc-hls demo} is {@code java ... -cp
 * launcher/target/classes:launcher/target/lib/* io.ipchls.launcher.IpcHls demo}, run here from what {@code package}
 * built, in a JVM of its own (so a dependency missing from {@code target/lib} fails here as it would for a user; the
 * other launcher tests run on Maven's test classpath and cannot see that), with free ports and a scratch data
 * directory. Then the printed live URL plays, {@code ipc-hls ops status} (same classpath) prints every service
 * healthy and the camera online, and SIGTERM (Ctrl-C) stops it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DemoLaunchIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String CLASSPATH = "target/classes" + File.pathSeparator + "target/lib/*";

  @TempDir Path dir;

  record Run(int exit, String out) {}

  private static java.util.stream.Stream<String> segmentLines(String playlist) {
    return playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#"));
  }

  @Test
  void demo_fromThePackagedJars_printsUrlsThatPlay_andOpsStatusShowsEveryServiceUp() throws Exception {
    assertTrue(Files.isDirectory(Path.of("target/lib")), "package copies the runtime jars to target/lib");
    Path data = dir.resolve("data");
    Path config = dir.resolve("demo.json");
    Files.writeString(config, StackConfig.defaults()
        .put("http", new JsonObject().put("playlistPort", 0).put("credentialPort", 0).put("ingestPort", 0))
        .put("postgres", new JsonObject().put("embedded", true).put("port", 0))
        .put("mqtt", new JsonObject().put("embedded", true).put("port", 0))
        .put("s3", new JsonObject().put("embedded", true).put("port", 0).put("bucket", "ipchls")
            .put("region", "us-east-1"))
        .put("cluster", new JsonObject().put("name", "ipc-hls-demo-it-" + ProcessHandle.current().pid())
            .put("port", freePort()))
        .encodePrettily());
    Path log = dir.resolve("demo.log");
    Process demo = new ProcessBuilder(java("io.ipchls.launcher.IpcHls", "demo", "--config", config.toString(),
        "--data-dir", data.toString(), "--fps", "10"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String printed = Await.until("the demo prints its URLs", Duration.ofSeconds(150), () -> {
        assertTrue(demo.isAlive(), () -> "the demo exited with " + demo.exitValue() + ":\n" + read(log));
        return read(log);
      }, s -> s.contains("Ctrl-C stops everything"));
      String live = urlAfter(printed, "live playlist");
      assertTrue(urlAfter(printed, "web player").contains("token="), printed);

      String playlist = Await.until("the live playlist lists 2 segments", Duration.ofSeconds(60),
          () -> EndToEndTest.get(live),
          body -> body.startsWith("#EXTM3U") && segmentLines(body).count() >= 2);
      // the demo's store speaks HTTPS with its local CA, which browsers do not know: segments come through
      // playlist-service (segmentAccess proxy), as links relative to the playlist
      String segment = segmentLines(playlist).findFirst().orElseThrow();
      byte[] ts = HTTP.send(HttpRequest.newBuilder(URI.create(live).resolve(segment)).build(),
          HttpResponse.BodyHandlers.ofByteArray()).body();
      assertTrue(ts.length >= 188 * 2 && ts[0] == 0x47 && ts[188] == 0x47, "an MPEG-TS segment from the bucket");

      String base = live.substring(0, live.indexOf("/playlist.m3u8"));
      Run ops = Await.until("ops status: every service up, the camera online", Duration.ofSeconds(60),
          () -> run("ops", "status", "--url", base, "--data-dir", data.toString()),
          r -> r.exit() == 0 && r.out().contains("cameras online: 1"));
      assertTrue(ops.out().contains("3 service instance(s), 3 healthy"), ops.out());
      for (String service : List.of("credential-service", "ingest-service", "playlist-service")) {
        assertTrue(ops.out().lines().anyMatch(l -> l.startsWith(service) && l.contains(" UP ")), ops.out());
      }
    } finally {
      demo.destroy(); // SIGTERM, as Ctrl-C
      assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo stops on SIGTERM");
    }
    String all = read(log);
    assertTrue(all.contains("ipc-hls: stopping..."), all);
    assertFalse(all.contains("Exception in thread"), all);
    assertEquals(List.of(), all.lines().filter(l -> l.contains("NoClassDefFoundError")).toList());
  }

  private static List<String> java(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx1g", "-Djava.awt.headless=true", "-Dlogback.configurationFile=target/classes/logback.xml"));
    cmd.addAll(ServiceProcess.HAZELCAST_JVM_OPTIONS);
    cmd.addAll(List.of("-cp", CLASSPATH, mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Run run(String... args) {
    try {
      Path out = Files.createTempFile(dir, "run", ".log");
      Process p = new ProcessBuilder(java("io.ipchls.launcher.IpcHls", args)).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ipc-hls " + String.join(" ", args) + " did not finish");
      return new Run(p.exitValue(), read(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The URL printed after {@code label} on its line of the demo's banner. */
  private static String urlAfter(String printed, String label) {
    return printed.lines().map(String::trim).filter(l -> l.startsWith(label + " ")).findFirst()
        .map(l -> l.substring(label.length()).trim()).orElseThrow(() -> new AssertionError(label + ": " + printed));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
