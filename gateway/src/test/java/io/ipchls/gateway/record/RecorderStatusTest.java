package io.ipchls.gateway.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecorderStatusTest {
  @Test
  void line_showsStateRateSegmentsLastSegmentAndError() {
    RecorderStatus s = new RecorderStatus("cam-1", "rtsp://h/s", "RECONNECTING", false, false, "k",
        1_796_546_467_250L, 0, 3, 12, 2_500_000, 7, null, "no data from the camera for 20 s (read timeout)",
        // 29.999 s ahead shows as 30 s (rounded up) for up to 998 ms after this line; 29.5 s left only 499 ms, which
        // a cold JVM's first use of the date formatter in line() can take
        System.currentTimeMillis() + 29_999);
    assertEquals("cam-1 RECONNECTING 0 kbit/s | 12 segments, last 08:41:07Z | 3 reconnects | 7 lost | spool 2.5 MB"
        + " | last error: no data from the camera for 20 s (read timeout) | next attempt in 30 s", s.line());
  }

  @Test
  void line_beforeAnySegment() {
    RecorderStatus s = new RecorderStatus("cam-1", "rtsp://h/s", "STREAMING", true, true, null, 0, 1834, 0, 0, 0, 0,
        "G.711 audio (PCMA) is not supported by this SDK yet: recording video only", null, 0);
    assertEquals("cam-1 STREAMING 1834 kbit/s | 0 segments | 0 reconnects | 0 lost | spool 0.0 MB"
        + " | G.711 audio (PCMA) is not supported by this SDK yet: recording video only", s.line());
  }
}
