package io.ipchls.gateway.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.gateway.Gateway;
import io.ipchls.gateway.config.CameraConfig;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.testing.Replays;
import io.ipchls.gateway.testing.RtspTestServer;
import io.ipchls.infra.Await;
import io.ipchls.launcher.LocalSystem;
import io.ipchls.launcher.StackConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product path a user takes: the whole local system ({@code ./ipc-hls}: credential-service, ingest,
 * playlist-service on the embedded servers), a camera registered through the admin API, the gateway recording it
 * from GStreamer's RTSP server; the segments are indexed and the replay playlist that playlist-service serves plays
 * in ffmpeg with {@code -xerror}, video and audio. The system runs as the demo does, TLS on (its local CA): the gateway
 * trusts that CA through {@code mqtt.caFile}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GatewaySystemTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path data;

  @Test
  void rtspCamera_recordedIndexedAndReplayedByPlaylistService() throws Exception {
    try (LocalSystem sys = LocalSystem.start(stackConfig(data));
         RtspTestServer camera = RtspTestServer.start(RtspTestServer.H264_AAC, "digest", "pw");
         Gateway gateway = new Gateway()) {
      String id = "gw-system";
      String secret = register(sys, id);
      Instant begin = Instant.now();
      gateway.apply(new GatewayConfig(new GatewayConfig.Mqtt(sys.mqttHost(), sys.mqttPort(), sys.mqttTls(),
          sys.caFile() == null ? null : sys.caFile().toString()), null, null, null,
          null, null, null, List.of(new CameraConfig(id, secret, camera.url().toString(), "admin", "pw", null,
              /* segmentSeconds= */ 1, null, null))));
      String token = sys.viewerToken(3600, id);
      String replay = sys.playlistUrl() + "/replay.m3u8?camera_id=" + id + "&start="
          + enc(begin.minusSeconds(60).toString()) + "&end=" + enc(begin.plusSeconds(600).toString()) + "&token="
          + token;
      String playlist = Await.until("4 segments indexed", Duration.ofSeconds(120), () -> get(replay),
          body -> body.split("#EXTINF").length - 1 >= 4);
      assertTrue(playlist.contains("#EXT-X-ENDLIST") && playlist.contains("#EXT-X-PROGRAM-DATE-TIME:"), playlist);
      assertEquals("STREAMING", gateway.status().get(0).state());
      Replays.assertPlays(replay);
      assertEquals(List.of("h264,video", "aac,audio"), Replays.streams(replay));
    }
  }

  private static String register(LocalSystem sys, String id) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sys.credentialUrl() + "/api/v1/cameras"))
        .header("Authorization", "Bearer " + sys.adminToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("secret");
  }

  private static String get(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  /** The local system on free ports in {@code data}, in a Hazelcast cluster of its own (as the launcher's tests). */
  private static StackConfig stackConfig(Path data) {
    JsonObject json = StackConfig.defaults().put("dataDir", data.toString());
    json.put("http", new JsonObject().put("playlistPort", 0).put("credentialPort", 0).put("ingestPort", 0));
    json.getJsonObject("postgres").put("port", 0);
    json.getJsonObject("mqtt").put("port", 0);
    json.getJsonObject("s3").put("port", 0);
    json.getJsonObject("cluster").put("name", "ipc-hls-gateway-" + ProcessHandle.current().pid()).put("port", 5971);
    return StackConfig.from(json);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
