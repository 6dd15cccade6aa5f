package io.ipchls.gateway.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.gateway.rtp.AccessUnit;
import io.ipchls.gateway.rtp.H264Depacketizer;
import io.ipchls.gateway.sdp.SessionDescription;
import io.ipchls.gateway.testing.RtspTestServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The RTSP client against GStreamer's RTSP server: authentication, interleaved media, the read timeout. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RtspSessionTest {
  private static final RtspSession.Options OPTIONS =
      new RtspSession.Options(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(20));
  private static EventLoopGroup group;

  @BeforeAll
  static void startLoops() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopLoops() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  @Test
  void digestAuth_describeSetupPlay_deliversH264AndAacPackets() throws Exception {
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264_AAC, "digest", "s3cret");
         RtspSession s = RtspSession.connect(group, server.url(), new Credentials("admin", "s3cret"), OPTIONS)) {
      SessionDescription sdp = s.describe();
      assertEquals(List.of("H264", "MPEG4-GENERIC"), sdp.media().stream().map(m -> m.encoding()).toList());
      s.setup(sdp.media());
      H264Depacketizer video = new H264Depacketizer();
      List<AccessUnit> pictures = new CopyOnWriteArrayList<>();
      AtomicInteger audioPackets = new AtomicInteger();
      List<io.ipchls.gateway.rtp.SenderReport> reports = new CopyOnWriteArrayList<>();
      s.play(new RtspSession.Listener() {
        @Override
        public void onRtp(int track, io.ipchls.gateway.rtp.RtpPacket p) {
          if (track == 0) pictures.addAll(video.push(p));
          else audioPackets.incrementAndGet();
        }

        @Override
        public void onRtcp(int track, byte[] packet) {
          if (track == 0) io.ipchls.gateway.rtp.SenderReport.find(packet).ifPresent(reports::add);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((pictures.size() < 50 || audioPackets.get() < 10 || reports.isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(!reports.isEmpty(), "a sender report for the video on its interleaved RTCP channel");
      assertTrue(pictures.size() >= 50, "pictures: " + pictures.size());
      assertTrue(audioPackets.get() >= 10, "audio packets: " + audioPackets.get());
      assertTrue(pictures.stream().anyMatch(u -> u.nals().stream().anyMatch(n -> (n[0] & 0x1F) == 5)), "an IDR");
      assertEquals(0, video.packetsLost());
    }
  }

  @Test
  void basicAuth_describeSucceeds() throws Exception {
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, "basic", "pw");
         RtspSession s = RtspSession.connect(group, server.url(), new Credentials("admin", "pw"), OPTIONS)) {
      assertEquals("H264", s.describe().media().get(0).encoding());
    }
  }

  @Test
  void credentialsInUrl_areUsed() throws Exception {
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, "digest", "pw");
         RtspSession s = RtspSession.connect(group,
             java.net.URI.create("rtsp://admin:pw@127.0.0.1:" + server.port() + "/test"), null, OPTIONS)) {
      assertEquals("H264", s.describe().media().get(0).encoding());
    }
  }

  @Test
  void wrongPassword_refusedWithClearError() throws Exception {
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, "digest", "right");
         RtspSession s = RtspSession.connect(group, server.url(), new Credentials("admin", "wrong"), OPTIONS)) {
      var e = assertThrows(AuthenticationException.class, s::describe);
      assertTrue(e.getMessage().startsWith("the camera refused user 'admin' (DESCRIBE answered 401"), e.getMessage());
    }
  }

  @Test
  void noCredentials_authRequired_refusedWithClearError() throws Exception {
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, "basic", "right");
         RtspSession s = RtspSession.connect(group, server.url(), null, OPTIONS)) {
      var e = assertThrows(AuthenticationException.class, s::describe);
      assertTrue(e.getMessage().contains("requires a user name and password"), e.getMessage());
    }
  }

  @Test
  void serverStopsSending_readTimeoutClosesTheSession() throws Exception {
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264);
         RtspSession s = RtspSession.connect(group, server.url(), null, OPTIONS)) {
      SessionDescription sdp = s.describe();
      s.setup(sdp.media());
      AtomicInteger packets = new AtomicInteger();
      s.play((track, p) -> packets.incrementAndGet());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (packets.get() < 20 && System.nanoTime() < deadline) Thread.sleep(20);
      assertTrue(packets.get() >= 20, "RTP packets before the freeze: " + packets.get());
      server.freeze();
      String reason = s.closed().get(60, TimeUnit.SECONDS);
      assertEquals("no data from the camera for 3 s (read timeout)", reason);
    }
  }

  @Test
  void sessionTimeout_keepAliveEveryHalfOfIt() throws Exception {
    try (RtspTestServer server = RtspTestServer.start(RtspTestServer.H264, null, null, /* sessionTimeout= */ 4);
         RtspSession s = RtspSession.connect(group, server.url(), null, OPTIONS)) {
      s.setup(s.describe().media());
      s.play((track, p) -> { });
      assertEquals(4, s.sessionTimeoutSeconds());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (s.keepAlivesAnswered() < 2 && System.nanoTime() < deadline) Thread.sleep(100);
      assertTrue(s.keepAlivesAnswered() >= 2, "keep-alives answered: " + s.keepAlivesAnswered());
      assertTrue(!s.closed().isDone(), "the session is still up");
    }
  }

  @Test
  void nothingListening_connectFailsWithReason() {
    var e = assertThrows(RtspException.class, () -> RtspSession.connect(group,
        java.net.URI.create("rtsp://127.0.0.1:1/none"), null, OPTIONS));
    assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:1"), e.getMessage());
  }

  @Test
  void httpUrl_refused() {
    var e = assertThrows(IllegalArgumentException.class, () -> RtspSession.connect(group,
        java.net.URI.create("http://127.0.0.1/x"), null, OPTIONS));
    assertEquals("not an rtsp:// URL with a host: http://127.0.0.1/x", e.getMessage());
  }
}
