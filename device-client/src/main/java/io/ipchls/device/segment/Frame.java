package io.ipchls.device.segment;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.h264.NalUnits;
import java.util.List;

/**
 * One H.264 access unit (a coded picture with its parameter sets, SEI, ...), timestamped on a 90 kHz clock.
 *
 * @param nals NAL units without start codes, in decoding order
 * @param pts90k presentation timestamp
 * @param dts90k decoding timestamp (equal to pts without B-frames)
 * @param key true when the access unit is an IDR picture (a place where decoding can start)
 */
public record Frame(List<byte[]> nals, long pts90k, long dts90k, boolean key) {
  public Frame {
    nals = List.copyOf(nals);
    if (nals.isEmpty()) throw new IllegalArgumentException("an access unit needs at least one NAL unit");
    for (byte[] nal : nals) {
      if (nal.length == 0) throw new IllegalArgumentException("empty NAL unit");
    }
    if (dts90k > pts90k) throw new IllegalArgumentException("dts after pts");
  }

  /** A frame whose key flag comes from its content (an IDR slice) and whose pts equals its dts. */
  public static Frame of(List<byte[]> nals, long pts90k) {
    return new Frame(nals, pts90k, pts90k, NalUnits.containsIdr(nals));
  }

  /** A frame from an Annex-B access unit timestamped in microseconds; the key flag comes from its content. */
  public static Frame fromAnnexB(byte[] accessUnit, long ptsMicros) {
    return of(AnnexB.split(accessUnit), micros90k(ptsMicros));
  }

  /** Converts microseconds to 90 kHz ticks, rounding down (exact for every multiple of 100/9 µs). */
  public static long micros90k(long micros) {
    return Math.floorDiv(micros * 9, 100);
  }
}
