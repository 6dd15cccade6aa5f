package io.ipchls.device.segment;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.NalUnits;
import java.util.List;
import java.util.Objects;

/**
 * One access unit (a coded picture with its parameter sets, SEI, ...) of H.264 or H.265, timestamped on a 90 kHz
 * clock.
 *
 * @param nals NAL units without start codes, in decoding order
 * @param pts90k presentation timestamp
 * @param dts90k decoding timestamp: equal to pts without B-frames, earlier with them; never later (a picture cannot
 *     be shown before it is decoded)
 * @param key true when the access unit is a picture where decoding can start (H.264 IDR, H.265 IRAP)
 * @param codec the codec of the NAL units
 */
public record Frame(List<byte[]> nals, long pts90k, long dts90k, boolean key, VideoCodec codec) {
  public Frame {
    Objects.requireNonNull(codec, "codec");
    nals = List.copyOf(nals);
    if (nals.isEmpty()) throw new IllegalArgumentException("an access unit needs at least one NAL unit");
    for (byte[] nal : nals) {
      if (nal.length == 0) throw new IllegalArgumentException("empty NAL unit");
    }
    if (dts90k > pts90k) {
      throw new IllegalArgumentException("DTS " + dts90k + " is after PTS " + pts90k + " (90 kHz): a picture cannot "
          + "be presented before it is decoded");
    }
  }

  /** An H.264 access unit. */
  public Frame(List<byte[]> nals, long pts90k, long dts90k, boolean key) {
    this(nals, pts90k, dts90k, key, VideoCodec.H264);
  }

  /** An H.264 frame whose key flag comes from its content (an IDR slice) and whose pts equals its dts. */
  public static Frame of(List<byte[]> nals, long pts90k) {
    return new Frame(nals, pts90k, pts90k, NalUnits.containsIdr(nals));
  }

  /** A frame whose key flag comes from its content (an IDR or IRAP slice). */
  public static Frame of(VideoCodec codec, List<byte[]> nals, long pts90k, long dts90k) {
    return new Frame(nals, pts90k, dts90k, codec.isKey(nals), codec);
  }

  /** An H.264 frame from an Annex-B access unit timestamped in microseconds; the key flag comes from its content. */
  public static Frame fromAnnexB(byte[] accessUnit, long ptsMicros) {
    return fromAnnexB(VideoCodec.H264, accessUnit, ptsMicros, ptsMicros);
  }

  /**
   * A frame from an Annex-B access unit timestamped in microseconds, every NAL header checked
   * ({@link VideoCodec#splitAnnexB}); the key flag comes from its content.
   *
   * @throws IllegalArgumentException for data that is not Annex-B of this codec, or DTS after PTS
   */
  public static Frame fromAnnexB(VideoCodec codec, byte[] accessUnit, long ptsMicros, long dtsMicros) {
    return of(codec, codec.splitAnnexB(accessUnit), micros90k(ptsMicros), micros90k(dtsMicros));
  }

  /** Converts microseconds to 90 kHz ticks, rounding down (exact for every multiple of 100/9 µs). */
  public static long micros90k(long micros) {
    return Math.floorDiv(micros * 9, 100);
  }
}
