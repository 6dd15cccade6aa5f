package io.ipchls.gateway.rtp;

/**
 * Notices lost packets from RTP sequence numbers (RFC 3550 §A.1, simplified for a reliable or reordering-free
 * transport): a packet that does not follow the previous one is a loss. Duplicates and late packets (up to half the
 * sequence space behind) are reported so that the caller drops them.
 */
final class SequenceTracker {
  enum Result { NEXT, GAP, STALE }

  private int last = -1;
  private long lost;

  Result accept(int sequence) {
    if (last < 0) {
      last = sequence;
      return Result.NEXT;
    }
    int delta = (sequence - last) & 0xFFFF;
    if (delta == 1) {
      last = sequence;
      return Result.NEXT;
    }
    if (delta == 0 || delta >= 0x8000) return Result.STALE;
    lost += delta - 1;
    last = sequence;
    return Result.GAP;
  }

  /** Packets missing so far. */
  long lost() {
    return lost;
  }
}
