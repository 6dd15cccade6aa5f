package io.ipchls.gateway.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.testing.CloudPerClass;
import io.ipchls.device.testing.Ffprobe;
import io.ipchls.gateway.testing.VideoSegments;
import io.ipchls.device.testing.TestCloud;
import io.ipchls.gateway.Gateway;
import io.ipchls.gateway.StatusServer;
import io.ipchls.gateway.config.CameraConfig;
import io.ipchls.gateway.config.GatewayConfig;
import io.ipchls.gateway.testing.LossyProxy;
import io.ipchls.gateway.testing.OnvifDeviceStandIn;
import io.ipchls.gateway.testing.Replays;
import io.ipchls.gateway.testing.RtspTestServer;
import io.ipchls.infra.Await;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.SegmentNotification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway end to end: GStreamer's RTSP server as the camera, the real credential-service, broker and S3 as the
 * cloud; what lands in storage is played back by ffmpeg.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GatewayRecordingTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  @RegisterExtension static final CloudPerClass CLOUD = new CloudPerClass(3600);
  @TempDir Path tmp;

  private GatewayConfig config(int readTimeoutSeconds, CameraConfig... cameras) {
    TestCloud c = CLOUD.get();
    return new GatewayConfig(new GatewayConfig.Mqtt(c.mqttHost(), c.mqttPort(), false),
        tmp.resolve("spool").toString(), 64, readTimeoutSeconds, /* reconnectMaxSeconds= */ 2,
        /* authRetrySeconds= */ 300, /* statusPort= */ 0, List.of(cameras));
  }

  private static CameraConfig camera(TestCloud.Registered r, URI url, String user, String password) {
    return new CameraConfig(r.id(), r.secret(), url.toString(), user, password, null, /* segmentSeconds= */ 1, null,
        null);
  }

  private static RecorderStatus status(Gateway g, String id) {
    return g.status().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  private List<SegmentNotification> awaitSegments(String id, int n) {
    return Await.until(n + " segments of " + id, WAIT, () -> CLOUD.get().distinctNotifications(id),
        l -> l.size() >= n);
  }

  @Test
  void h264AndAac_recordedIntoSegmentsThatFfmpegPlays() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-av");
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264_AAC, "digest", "pw")) {
      Gateway gateway = new Gateway();
      gateway.apply(config(20, camera(cam, server.url(), "admin", "pw")));
      awaitSegments(cam.id(), 4);
      RecorderStatus s = status(gateway, cam.id());
      assertEquals("STREAMING", s.state());
      assertTrue(s.connected() && s.recording(), s.line());
      assertTrue(s.bitrateKbps() > 0, s.line());
      assertNull(s.note());
      gateway.close();
    }
    List<SegmentNotification> segments = CLOUD.get().awaitAllAnnounced(cam.id());
    assertTrue(segments.size() >= 4);
    assertEquals(Boolean.TRUE, segments.get(0).discontinuity()); // the first of a run
    for (SegmentNotification n : segments) {
      Path file = Files.write(tmp.resolve(n.seq() + ".ts"), CLOUD.get().object(n.key()).asByteArray());
      assertEquals(List.of("h264,video", "aac,audio"), Ffprobe.streams(file), n.key());
      assertEquals(320, n.width());
    }
    List<Path> runs = Replays.writeRuns(CLOUD.get(), segments, tmp);
    assertEquals(1, runs.size());
    Replays.assertPlays(runs.get(0));
  }

  @Test
  void wrongPassword_clearErrorAndNoRetryStorm() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-auth");
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, "digest", "right");
         Gateway gateway = new Gateway()) {
      gateway.apply(config(20, camera(cam, server.url(), "admin", "wrong")));
      RecorderStatus s = Await.until("auth failure reported", WAIT, () -> status(gateway, cam.id()),
          x -> x.state().equals("AUTH_FAILED"));
      assertTrue(s.lastError().startsWith("the camera refused user 'admin' (DESCRIBE answered 401"), s.lastError());
      Thread.sleep(5_000); // a retry storm would show here: the next attempt is due only after authRetrySeconds
      s = status(gateway, cam.id());
      assertEquals("AUTH_FAILED", s.state());
      assertEquals(1, s.reconnects(), s.line());
      assertTrue(s.line().matches(".* \\| next attempt in 29[0-9] s"), s.line()); // authRetrySeconds 300
      assertEquals(List.of(), CLOUD.get().distinctNotifications(cam.id()));
    }
  }

  @Test
  void cameraRestartedMidStream_reconnectsMarksDiscontinuityNothingCorrupt() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-reboot");
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264)) {
      Gateway gateway = new Gateway();
      gateway.apply(config(20, camera(cam, server.url(), null, null)));
      int before = awaitSegments(cam.id(), 2).size();
      server.kill();
      server.restart();
      Await.until("segments of the second run", WAIT, () -> CLOUD.get().distinctNotifications(cam.id()).stream()
          .filter(n -> Boolean.TRUE.equals(n.discontinuity())).count() >= 2
          && CLOUD.get().distinctNotifications(cam.id()).size() >= before + 3);
      assertTrue(status(gateway, cam.id()).reconnects() >= 1);
      gateway.close();
    }
    List<SegmentNotification> segments = CLOUD.get().awaitAllAnnounced(cam.id());
    // the cloud saw the camera go offline with its RTSP source and come back, as with an SDK camera's reboot
    List<String> states = Await.until("offline at the end", WAIT, () -> changes(CLOUD.get().statuses
        .getOrDefault(cam.id(), List.of()).stream().map(CameraStatus::state).toList()),
        l -> !l.isEmpty() && l.get(l.size() - 1).equals(CameraStatus.OFFLINE));
    assertEquals(List.of("online", "offline", "online", "offline"), states);
    for (SegmentNotification n : segments) VideoSegments.assertValid(CLOUD.get().object(n.key()).asByteArray(), tmp);
    List<Path> runs = Replays.writeRuns(CLOUD.get(), segments, tmp);
    assertEquals(2, runs.size(), "one run before the restart, one after, marked by the discontinuity");
    for (Path run : runs) Replays.assertPlays(run);
  }

  @Test
  void serverStopsSendingWithoutClosing_readTimeoutThenReconnect() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-frozen");
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264);
         Gateway gateway = new Gateway()) {
      gateway.apply(config(3, camera(cam, server.url(), null, null)));
      awaitSegments(cam.id(), 1);
      server.freeze();
      Await.until("read timeout noticed", WAIT, () -> status(gateway, cam.id()),
          s -> s.reconnects() >= 1 && String.valueOf(s.lastError()).contains("read timeout"));
      server.thaw();
      int runs = 2;
      Await.until("recording again", WAIT, () -> CLOUD.get().distinctNotifications(cam.id()).stream()
          .filter(n -> Boolean.TRUE.equals(n.discontinuity())).count() >= runs);
      assertEquals("STREAMING", status(gateway, cam.id()).state());
    }
  }

  @Test
  void lostPackets_cutAtTheLossNoSegmentCorrupt() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-lossy");
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264);
         LossyProxy lossy = new LossyProxy(server.url(), /* every= */ 97)) {
      Gateway gateway = new Gateway();
      gateway.apply(config(20, camera(cam, lossy.url(server.url()), null, null)));
      RecorderStatus s = Await.until("losses and segments", WAIT, () -> status(gateway, cam.id()),
          x -> x.packetsLost() >= 3 && CLOUD.get().distinctNotifications(cam.id()).size() >= 3);
      assertTrue(s.packetsLost() <= lossy.dropped(), s.line());
      gateway.close();
    }
    List<SegmentNotification> segments = CLOUD.get().awaitAllAnnounced(cam.id());
    for (SegmentNotification n : segments) {
      // a truncated NAL unit or a picture referring to a lost one would be a decoding error here
      VideoSegments.assertValid(CLOUD.get().object(n.key()).asByteArray(), tmp);
    }
    // the first segment of the run, and each segment after a cut at a loss, is announced as a discontinuity
    long marked = segments.stream().filter(n -> Boolean.TRUE.equals(n.discontinuity())).count();
    assertTrue(marked >= 2, "segments marked as discontinuity: " + marked + " of " + segments.size());
  }

  @Test
  void twoCameras_oneFails_otherRecords_reloadRemovesAndAddsWithoutRestart() throws Exception {
    TestCloud.Registered good = CLOUD.get().register("gw-good");
    TestCloud.Registered bad = CLOUD.get().register("gw-bad");
    URI nowhere = URI.create("rtsp://127.0.0.1:1/none");
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, "basic", "pw");
         Gateway gateway = new Gateway();
         StatusServer http = new StatusServer(0, gateway::status)) {
      CameraConfig goodCam = camera(good, server.url(), "admin", "pw");
      CameraConfig badCam = camera(bad, nowhere, null, null);
      gateway.apply(config(20, goodCam, badCam));
      awaitSegments(good.id(), 2);
      RecorderStatus b = Await.until("bad camera retried", WAIT, () -> status(gateway, bad.id()),
          s -> s.reconnects() >= 2);
      assertTrue(b.lastError().startsWith("cannot connect to 127.0.0.1:1"), b.lastError());
      assertEquals("STREAMING", status(gateway, good.id()).state());
      assertEquals(0, status(gateway, good.id()).reconnects());

      String metrics = get(http, "/metrics");
      assertTrue(metrics.contains("ipchls_gateway_camera_connected{camera=\"" + good.id() + "\"} 1"), metrics);
      assertTrue(metrics.contains("ipchls_gateway_camera_connected{camera=\"" + bad.id() + "\"} 0"), metrics);
      assertTrue(get(http, "/status").contains("\"id\":\"" + good.id() + "\""));

      gateway.apply(config(20, badCam)); // the good camera removed: its last segment is uploaded
      assertEquals(List.of(bad.id()), gateway.status().stream().map(RecorderStatus::id).toList());
      int stored = CLOUD.get().awaitAllAnnounced(good.id()).size();
      gateway.apply(config(20, badCam, goodCam)); // and added again
      Await.until("the good camera records again", WAIT,
          () -> CLOUD.get().distinctNotifications(good.id()).size() >= stored + 2);
    }
    for (SegmentNotification n : CLOUD.get().awaitAllAnnounced(good.id())) {
      VideoSegments.assertValid(CLOUD.get().object(n.key()).asByteArray(), tmp);
    }
  }

  @Test
  void parameterSetsOnlyInSdp_putBeforeEachSegmentsKeyFrame() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-sprop");
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264_SDP_PARAMETER_SETS);
         Gateway gateway = new Gateway()) {
      gateway.apply(config(20, camera(cam, server.url(), null, null)));
      awaitSegments(cam.id(), 3);
    }
    // without the SDP's SPS and PPS no segment could start (the SDK drops frames until it has them)
    for (SegmentNotification n : CLOUD.get().awaitAllAnnounced(cam.id())) {
      VideoSegments.assertValid(CLOUD.get().object(n.key()).asByteArray(), tmp);
    }
  }

  @Test
  void h265_recordedIntoReplayThatFfmpegPlays() throws Exception {
    TestCloud.Registered hevc = CLOUD.get().register("gw-hevc");
    try (RtspTestServer h265 = RtspTestServer.start(RtspTestServer.H265);
         Gateway gateway = new Gateway()) {
      gateway.apply(config(20, camera(hevc, h265.url(), null, null)));
      awaitSegments(hevc.id(), 3);
      assertEquals("STREAMING", status(gateway, hevc.id()).state());
    }
    List<SegmentNotification> segments = CLOUD.get().awaitAllAnnounced(hevc.id());
    for (SegmentNotification n : segments) {
      assertTrue(n.codec().startsWith("hvc1."), n.codec());
      assertEquals(320, n.width());
      Path file = Files.write(tmp.resolve("hevc-" + n.seq() + ".ts"), CLOUD.get().object(n.key()).asByteArray());
      assertEquals(List.of("hevc,video"), Ffprobe.streams(file), n.key());
    }
    List<Path> runs = Replays.writeRuns(CLOUD.get(), segments, tmp);
    assertEquals(1, runs.size());
    Replays.assertPlays(runs.get(0));
  }

  @Test
  void g711_recordedInFmp4_orVideoOnlyWhenTsIsConfigured() throws Exception {
    TestCloud.Registered alaw = CLOUD.get().register("gw-alaw");
    TestCloud.Registered alawTs = CLOUD.get().register("gw-alaw-ts");
    try (RtspTestServer pcma = RtspTestServer.start(RtspTestServer.H264_ALAW);
         Gateway gateway = new Gateway()) {
      CameraConfig tsOnly = new CameraConfig(alawTs.id(), alawTs.secret(), pcma.url().toString(), null, null, null,
          /* segmentSeconds= */ 1, "ts", null);
      gateway.apply(config(20, camera(alaw, pcma.url(), null, null), tsOnly));
      awaitSegments(alaw.id(), 3);
      awaitSegments(alawTs.id(), 2);
      assertNull(status(gateway, alaw.id()).note());
      assertEquals("G.711 audio (PCMA) cannot go into MPEG-TS (container ts in the config): recording video only",
          status(gateway, alawTs.id()).note());
    }
    // container auto: fMP4, init segment first, then the media segments, as a player appends them
    List<SegmentNotification> segments = CLOUD.get().awaitAllAnnounced(alaw.id());
    java.io.ByteArrayOutputStream mp4 = new java.io.ByteArrayOutputStream();
    String init = segments.get(0).init();
    mp4.write(CLOUD.get().object(init).asByteArray());
    for (SegmentNotification n : segments.stream()
        .sorted(java.util.Comparator.comparingLong(SegmentNotification::start)).toList()) {
      assertEquals("fmp4", n.container());
      assertEquals(init, n.init(), "one codec configuration: one init segment");
      assertTrue(n.key().endsWith(".m4s"), n.key());
      mp4.write(CLOUD.get().object(n.key()).asByteArray());
    }
    Path file = Files.write(tmp.resolve("alaw.mp4"), mp4.toByteArray());
    assertEquals(List.of("h264,video", "flac,audio"), Ffprobe.streams(file));
    Replays.assertPlays(file);
    for (SegmentNotification n : CLOUD.get().awaitAllAnnounced(alawTs.id())) {
      VideoSegments.assertValid(CLOUD.get().object(n.key()).asByteArray(), tmp);
    }
  }

  @Test
  void bFrames_h264AndH265_dtsDerivedReplaysPlay() throws Exception {
    TestCloud.Registered avc = CLOUD.get().register("gw-bavc");
    TestCloud.Registered hevc = CLOUD.get().register("gw-bhevc");
    try (RtspTestServer h264 = RtspTestServer.start(RtspTestServer.H264_BFRAMES);
         RtspTestServer h265 = RtspTestServer.start(RtspTestServer.H265_BFRAMES);
         Gateway gateway = new Gateway()) {
      gateway.apply(config(20, camera(avc, h264.url(), null, null), camera(hevc, h265.url(), null, null)));
      awaitSegments(avc.id(), 3);
      awaitSegments(hevc.id(), 3);
      assertEquals(0, status(gateway, avc.id()).reconnects(), status(gateway, avc.id()).line());
      assertEquals(0, status(gateway, hevc.id()).reconnects(), status(gateway, hevc.id()).line());
    }
    for (TestCloud.Registered cam : List.of(avc, hevc)) {
      List<SegmentNotification> segments = CLOUD.get().awaitAllAnnounced(cam.id());
      // a frame the SDK refused (DTS not derivable) would cut the segment and mark a discontinuity
      assertEquals(1, segments.stream().filter(n -> Boolean.TRUE.equals(n.discontinuity())).count(), cam.id());
      int reordered = 0;
      for (SegmentNotification n : segments) {
        Path file = Files.write(tmp.resolve(cam.id() + "-" + n.seq() + ".ts"),
            CLOUD.get().object(n.key()).asByteArray());
        reordered += VideoSegments.assertTimestampsSane(file);
      }
      assertTrue(reordered > 0, cam.id() + ": B-frames give packets whose PTS is after their DTS");
      List<Path> runs = Replays.writeRuns(CLOUD.get(), segments, tmp);
      assertEquals(1, runs.size());
      Replays.assertPlays(runs.get(0));
    }
  }

  @Test
  void onvifCamera_addressAndPasswordAlone_records_wrongPasswordClearError() throws Exception {
    TestCloud.Registered cam = CLOUD.get().register("gw-onvif");
    TestCloud.Registered refused = CLOUD.get().register("gw-onvif-pw");
    // the ONVIF account is also the RTSP account, as on cameras: the RTSP server asks for it (Digest)
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, "digest", "pw");
         OnvifDeviceStandIn device = new OnvifDeviceStandIn("admin", "pw", server.url(), Duration.ofMinutes(30));
         Gateway gateway = new Gateway()) {
      CameraConfig.Onvif good = new CameraConfig.Onvif(device.address(), "admin", "pw", null);
      CameraConfig.Onvif bad = new CameraConfig.Onvif(device.address(), "admin", "wrong", null);
      gateway.apply(config(20, onvifCamera(cam, good), onvifCamera(refused, bad)));
      awaitSegments(cam.id(), 2);
      RecorderStatus s = status(gateway, cam.id());
      assertEquals("STREAMING", s.state(), s.line());
      assertEquals("onvif " + device.deviceService(), s.url());
      RecorderStatus r = Await.until("ONVIF password refused", WAIT, () -> status(gateway, refused.id()),
          x -> x.state().equals("AUTH_FAILED"));
      assertEquals("the ONVIF device refused user 'admin' (GetCapabilities: Sender not Authorized)", r.lastError());
      assertTrue(device.refused.get() >= 1);
    }
    assertEquals(List.of(), CLOUD.get().distinctNotifications(refused.id()));
    for (SegmentNotification n : CLOUD.get().awaitAllAnnounced(cam.id())) {
      VideoSegments.assertValid(CLOUD.get().object(n.key()).asByteArray(), tmp);
    }
  }

  private static CameraConfig onvifCamera(TestCloud.Registered r, CameraConfig.Onvif onvif) {
    return new CameraConfig(r.id(), r.secret(), null, null, null, onvif, /* segmentSeconds= */ 1, null, null);
  }

  /** The states without repetitions (the SDK repeats its online status periodically). */
  private static List<String> changes(List<String> states) {
    List<String> out = new java.util.ArrayList<>();
    for (String s : states) if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) out.add(s);
    return out;
  }

  private static String get(StatusServer http, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + http.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }
}
