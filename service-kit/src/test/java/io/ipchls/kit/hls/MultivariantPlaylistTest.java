package io.ipchls.kit.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipchls.kit.hls.MultivariantPlaylist.Variant;
import org.junit.jupiter.api.Test;

class MultivariantPlaylistTest {
  @Test
  void variant_allAttributes_exactText() {
    String text = new MultivariantPlaylist()
        .variant(new Variant("playlist.m3u8?camera_id=c1", 1_250_000, 980_123, "hvc1.1.6.L93.B0,fLaC", 1920, 1080,
            29.97))
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-STREAM-INF:BANDWIDTH=1250000,AVERAGE-BANDWIDTH=980123,CODECS="hvc1.1.6.L93.B0,fLaC",\
        RESOLUTION=1920x1080,FRAME-RATE=29.970
        playlist.m3u8?camera_id=c1
        """, text);
  }

  @Test
  void variant_unknownAttributes_areLeftOut() {
    String text = new MultivariantPlaylist().variant(new Variant("r.m3u8", 500_000, 0, null, 0, 0, 0)).render();
    assertEquals("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000\nr.m3u8\n", text);
  }

  @Test
  void variant_zeroBandwidth_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Variant("r.m3u8", 0, 0, null, 0, 0, 0));
  }

  @Test
  void variant_uriWithNewline_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Variant("r.m3u8\n#EXT-X-ENDLIST", 1, 0, null, 0, 0, 0));
  }

  @Test
  void variant_codecsWithAQuote_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Variant("r.m3u8", 1, 0, "avc1\",x", 0, 0, 0));
  }

  @Test
  void iFrameStream_afterTheVariants_exactText() {
    String text = new MultivariantPlaylist()
        .variant(new Variant("replay.m3u8?x=1", 900_000, 0, "avc1.64001f,mp4a.40.2", 640, 360, 25))
        .iFrameStream(new MultivariantPlaylist.IFrameStream("iframes.m3u8?x=1", 86_000, 70_000, "avc1.64001f", 640,
            360))
        .render();
    assertEquals("""
        #EXTM3U
        #EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=25.000
        replay.m3u8?x=1
        #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,AVERAGE-BANDWIDTH=70000,CODECS="avc1.64001f",RESOLUTION=640x360,\
        URI="iframes.m3u8?x=1"
        """, text);
  }

  @Test
  void iFrameStream_uriWithAQuote_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new MultivariantPlaylist.IFrameStream("i.m3u8\"", 1, 0, null, 0, 0));
  }
}
