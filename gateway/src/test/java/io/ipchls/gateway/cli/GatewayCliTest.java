package io.ipchls.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.gateway.record.RecorderStatus;
import io.ipchls.infra.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayCliTest {
  @TempDir Path tmp;

  /** Cameras at a port where nothing listens: they only retry, which is all these tests need. */
  private static String config(String... ids) {
    StringBuilder b = new StringBuilder("{\"cameras\": [");
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) b.append(", ");
      b.append("{\"id\": \"").append(ids[i]).append("\", \"secret\": \"s\", \"url\": \"rtsp://127.0.0.1:1/")
          .append(ids[i]).append("\"}");
    }
    return b.append("]}").toString();
  }

  private record Result(int exit, String out, String err) {}

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new GatewayCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void check_goodFile_listsCamerasWithoutCredentials() throws Exception {
    Path f = Files.writeString(tmp.resolve("gateway.json"), config("cam-a", "cam-b")
        .replace("rtsp://127.0.0.1:1/cam-a", "rtsp://admin:pw@127.0.0.1:1/cam-a"));
    Result r = cli("check", "--config", f.toString());
    assertEquals(0, r.exit());
    assertEquals("cam-a rtsp://127.0.0.1:1/cam-a\ncam-b rtsp://127.0.0.1:1/cam-b\n" + f + ": OK, 2 cameras\n", r.out());
  }

  @Test
  void check_badFile_exit2WithTheReason() throws Exception {
    Path f = Files.writeString(tmp.resolve("gateway.json"), config("Cam A"));
    Result r = cli("check", "--config", f.toString());
    assertEquals(GatewayCli.BAD_CONFIG, r.exit());
    assertTrue(r.err().startsWith("ipchls-gateway: " + f + ": camera id must match"), r.err());
  }

  @Test
  void run_missingFile_exit2WithTheReason() {
    Result r = cli("run", "--config", tmp.resolve("none.json").toString());
    assertEquals(GatewayCli.BAD_CONFIG, r.exit());
    assertTrue(r.err().contains("none.json"), r.err());
  }

  @Test
  void fileChanged_camerasAddedAndRemovedWithoutRestart_badFileKeepsRunningConfig() throws Exception {
    Path f = Files.writeString(tmp.resolve("gateway.json"), config("cam-a", "cam-b"));
    try (GatewayService service = GatewayService.start(f, 100)) {
      assertEquals(List.of("cam-a", "cam-b"), ids(service));
      Files.writeString(f, config("cam-b", "cam-c"));
      Await.until("cam-a removed, cam-c added", Duration.ofSeconds(30), () -> ids(service),
          l -> l.equals(List.of("cam-b", "cam-c")));
      Files.writeString(f, "{\"cameras\": [");
      service.reload(); // what SIGHUP does; the bad file is refused
      assertEquals(List.of("cam-b", "cam-c"), ids(service));
    }
  }

  private static List<String> ids(GatewayService s) {
    return s.status().stream().map(RecorderStatus::id).toList();
  }

  @Test
  void discover_nobodyAnswers_saysSo() {
    Result r = cli("discover", "--target", "127.0.0.1:9", "--timeout", "1");
    assertEquals(0, r.exit(), r.err());
    assertEquals("0 ONVIF devices answered", r.out().strip());
  }

  @Test
  void discover_targetWithoutPort_refused() {
    Result r = cli("discover", "--target", "camera.local");
    assertEquals(GatewayCli.BAD_CONFIG, r.exit());
    assertEquals("ipchls-gateway: --target must be host:port", r.err().strip());
  }
}
