package io.ipchls.device.fmp4;

import java.util.List;

/**
 * One video access unit for {@link Fmp4Muxer}: its NAL units without start codes in decoding order, decoding and
 * presentation time on the 90 kHz clock (PTS = DTS without B-frames), and whether it is a key frame (IDR/IRAP).
 */
public record VideoSample(List<byte[]> nals, long dts90k, long pts90k, boolean key) {
  public VideoSample {
    if (nals == null || nals.isEmpty()) throw new IllegalArgumentException("empty access unit");
  }
}
