package io.ipchls.gateway.rtp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What H.264 and H.265 depacketization share: collecting NAL units into access units and reassembling fragmented
 * NAL units. An access unit ends at the marker bit (RFC 6184 §5.1, RFC 7798 §4.1) or, for cameras that never set
 * it, when the timestamp changes. After a sequence gap every packet up to the next timestamp is dropped: the lost
 * packets may have carried any part of that picture (its parameter sets, its first slice), so it cannot be trusted.
 */
abstract class VideoDepacketizer implements Depacketizer {
  private final SequenceTracker sequence = new SequenceTracker();
  private final TimestampUnwrapper unwrapper = new TimestampUnwrapper();
  private final List<byte[]> nals = new ArrayList<>();
  private ByteArrayOutputStream fragment;
  private boolean open;
  private long timestamp;
  private boolean broken;
  private boolean lossPending;
  private long unitsDropped;
  private List<AccessUnit> out;

  @Override
  public final List<AccessUnit> push(RtpPacket packet) {
    out = new ArrayList<>(1);
    SequenceTracker.Result r = sequence.accept(packet.sequence());
    if (r == SequenceTracker.Result.STALE) return out;
    long ts = unwrapper.unwrap(packet.timestamp());
    boolean gap = r == SequenceTracker.Result.GAP;
    if (gap) {
      lossPending = true;
      if (open) broken = true; // the lost packets may have been this open picture's tail
    }
    if (open && ts != timestamp) finishUnit(); // the previous picture's marker packet was lost or never sent
    if (!open) {
      open = true;
      timestamp = ts;
      broken = gap; // ... or this picture's head
    }
    if (!broken) {
      try {
        payload(packet.payload());
      } catch (IllegalArgumentException e) {
        broken = true; // a malformed payload spoils its picture only
      }
    }
    if (packet.marker()) finishUnit();
    return out;
  }

  @Override
  public final long packetsLost() {
    return sequence.lost();
  }

  /** Pictures dropped because a piece was lost or malformed. */
  public final long unitsDropped() {
    return unitsDropped;
  }

  /** Reads one packet's payload through {@link #nal}, {@link #startFragment}, {@link #appendFragment}. */
  abstract void payload(byte[] p);

  /** A whole NAL unit. */
  final void nal(byte[] nal) {
    if (fragment != null) throw new IllegalArgumentException("NAL unit inside an unfinished fragmented one");
    if (nal.length == 0) throw new IllegalArgumentException("empty NAL unit");
    nals.add(nal);
  }

  /** The first fragment of a NAL unit, with the reconstructed NAL unit header. */
  final void startFragment(byte[] header, byte[] p, int from) {
    if (fragment != null) throw new IllegalArgumentException("fragment start inside an unfinished NAL unit");
    fragment = new ByteArrayOutputStream(Math.max(1024, p.length * 4));
    fragment.write(header, 0, header.length);
    fragment.write(p, from, p.length - from);
  }

  /** A later fragment; {@code end} completes the NAL unit. */
  final void appendFragment(byte[] p, int from, boolean end) {
    if (fragment == null) throw new IllegalArgumentException("fragment without its start");
    fragment.write(p, from, p.length - from);
    if (end) {
      byte[] nal = fragment.toByteArray();
      fragment = null;
      nal(nal);
    }
  }

  private void finishUnit() {
    if (fragment != null) broken = true; // its end was lost: a truncated NAL unit would corrupt the picture
    if (broken || nals.isEmpty()) {
      if (broken) unitsDropped++;
    } else {
      out.add(new AccessUnit(timestamp, nals, lossPending));
      lossPending = false;
    }
    nals.clear();
    fragment = null;
    open = false;
  }

  static int u16(byte[] b, int i) {
    return RtpPacket.u16(b, i);
  }

  static byte[] slice(byte[] b, int from, int length) {
    if (length <= 0 || from + length > b.length) throw new IllegalArgumentException("NAL unit size past the packet");
    return Arrays.copyOfRange(b, from, from + length);
  }
}
