package io.ipchls.gateway.rtp;

import java.util.List;

/**
 * Turns the RTP packets of one stream, in arrival order, into access units. A unit missing a piece is never
 * returned: packets lost inside it drop it whole, and the next unit returned carries {@link AccessUnit#afterLoss}.
 */
public interface Depacketizer {
  /** Feeds one packet; returns the units it completed, oldest first (often none). */
  List<AccessUnit> push(RtpPacket packet);

  /** Packets lost so far (sequence gaps). */
  long packetsLost();
}
