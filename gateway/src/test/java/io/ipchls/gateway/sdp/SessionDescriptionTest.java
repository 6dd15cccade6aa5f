package io.ipchls.gateway.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SessionDescriptionTest {
  /** The shape of GStreamer's rtsp-server answer (LF line ends, as some cameras send). */
  private static final String GST = """
      v=0
      o=- 1188340656180883 1 IN IP4 127.0.0.1
      s=Session streamed with GStreamer
      t=0 0
      a=tool:GStreamer
      a=type:broadcast
      a=control:*
      a=range:npt=now-
      m=video 0 RTP/AVP 96
      c=IN IP4 0.0.0.0
      a=rtpmap:96 H264/90000
      a=framerate:25
      a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkA,aMuDyA==;profile-level-id=42c01e
      a=control:stream=0
      m=audio 0 RTP/AVP 97
      c=IN IP4 0.0.0.0
      a=rtpmap:97 MPEG4-GENERIC/48000/2
      a=fmtp:97 streamtype=5;profile-level-id=2;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3
      a=control:stream=1
      """;

  @Test
  void parse_gstreamerAnswer_readsFormatsAndControls() {
    SessionDescription sdp = SessionDescription.parse(GST);
    assertEquals("*", sdp.control());
    MediaDescription video = sdp.media().get(0);
    assertEquals("video", video.media());
    assertEquals("H264", video.encoding());
    assertEquals(90000, video.clockRate());
    assertEquals("stream=0", video.control());
    assertEquals("1", video.fmtp().get("packetization-mode"));
    assertEquals(2, video.parameterSets().size());
    assertEquals("6742c01ed900", HexFormat.of().formatHex(video.parameterSets().get(0)));
    MediaDescription audio = sdp.media().get(1);
    assertEquals("MPEG4-GENERIC", audio.encoding());
    assertEquals(48000, audio.clockRate());
    assertEquals(2, audio.channels());
    assertEquals("13", audio.fmtp().get("sizelength"));
    assertEquals("1190", audio.fmtp().get("config"));
  }

  @Test
  void parse_staticPayloadTypeWithoutRtpmap_isPcma() {
    SessionDescription sdp = SessionDescription.parse("v=0\r\nm=audio 0 RTP/AVP 8\r\na=control:track2\r\n");
    assertEquals("PCMA", sdp.media().get(0).encoding());
    assertEquals(8000, sdp.media().get(0).clockRate());
  }

  @Test
  void parse_h265ParameterSets_inVpsSpsPpsOrder() {
    SessionDescription sdp = SessionDescription.parse("v=0\nm=video 0 RTP/AVP 96\na=rtpmap:96 H265/90000\n"
        + "a=fmtp:96 sprop-pps=RAE=; sprop-sps=QgE=; sprop-vps=QAE=\n");
    assertEquals("4001", HexFormat.of().formatHex(sdp.media().get(0).parameterSets().get(0)));
    assertEquals("4201", HexFormat.of().formatHex(sdp.media().get(0).parameterSets().get(1)));
    assertEquals("4401", HexFormat.of().formatHex(sdp.media().get(0).parameterSets().get(2)));
  }

  @Test
  void resolve_relativeControl_appendedToBaseWithSlash() {
    URI base = URI.create("rtsp://10.0.0.5:554/Streaming/Channels/101/");
    assertEquals(URI.create("rtsp://10.0.0.5:554/Streaming/Channels/101/trackID=1"),
        SessionDescription.resolve(base, "trackID=1"));
  }

  @Test
  void resolve_baseWithoutTrailingSlash_keepsItsLastSegment() {
    URI base = URI.create("rtsp://10.0.0.5/live.sdp");
    assertEquals(URI.create("rtsp://10.0.0.5/live.sdp/track1"), SessionDescription.resolve(base, "track1"));
  }

  @Test
  void resolve_absoluteControl_usedAsIs() {
    URI base = URI.create("rtsp://10.0.0.5/live");
    assertEquals(URI.create("rtsp://10.0.0.5:8554/other/trackID=0"),
        SessionDescription.resolve(base, "rtsp://10.0.0.5:8554/other/trackID=0"));
  }

  @Test
  void resolve_starOrAbsent_isTheBase() {
    URI base = URI.create("rtsp://10.0.0.5/live/");
    assertEquals(base, SessionDescription.resolve(base, "*"));
    assertEquals(base, SessionDescription.resolve(base, null));
  }

  @Test
  void parse_noMediaSection_refused() {
    var e = assertThrows(IllegalArgumentException.class, () -> SessionDescription.parse("v=0\r\ns=x\r\n"));
    assertEquals("the session description has no media section (m=)", e.getMessage());
  }

  @Test
  void parse_mediaLineWithoutFormat_refused() {
    assertThrows(IllegalArgumentException.class, () -> SessionDescription.parse("v=0\nm=video 0\n"));
  }

  @Test
  void parameterSets_notBase64_refused() {
    SessionDescription sdp = SessionDescription.parse("v=0\nm=video 0 RTP/AVP 96\n"
        + "a=fmtp:96 sprop-parameter-sets=!!!\n");
    assertThrows(IllegalArgumentException.class, () -> sdp.media().get(0).parameterSets());
  }
}
