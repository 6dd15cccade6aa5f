package io.ipchls.gateway.rtp;

import java.util.ArrayList;
import java.util.List;

/**
 * G.711 over RTP (RFC 3551 §4.5.14): PCMU (static payload type 0) and PCMA (8), 8000 Hz, one octet per sample; each
 * packet's payload is a run of samples, the first sampled at the packet's timestamp. Returned as is, one unit per
 * packet.
 */
public final class G711Depacketizer implements Depacketizer {
  /** RFC 3551 §6 Table 4. */
  public static final int PCMU = 0;
  public static final int PCMA = 8;
  public static final int CLOCK_RATE = 8000;
  private final SequenceTracker sequence = new SequenceTracker();
  private final TimestampUnwrapper unwrapper = new TimestampUnwrapper();
  private boolean lossPending;

  @Override
  public List<AccessUnit> push(RtpPacket packet) {
    SequenceTracker.Result r = sequence.accept(packet.sequence());
    if (r == SequenceTracker.Result.STALE) return List.of();
    if (r == SequenceTracker.Result.GAP) lossPending = true;
    long ts = unwrapper.unwrap(packet.timestamp());
    if (packet.payload().length == 0) return List.of();
    List<AccessUnit> out = new ArrayList<>(1);
    out.add(new AccessUnit(ts, List.of(packet.payload()), lossPending));
    lossPending = false;
    return out;
  }

  @Override
  public long packetsLost() {
    return sequence.lost();
  }
}
