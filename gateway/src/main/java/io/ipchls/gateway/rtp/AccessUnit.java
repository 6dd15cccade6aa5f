package io.ipchls.gateway.rtp;

import java.util.List;

/**
 * One video access unit (a picture's NAL units) or one audio frame, as it came out of a depacketizer.
 *
 * @param timestamp the RTP timestamp extended to 64 bits, in the stream's clock rate
 * @param nals for video: NAL units without start codes; for audio: one element, the frame
 * @param afterLoss true when packets were lost since the previous unit this depacketizer returned (what was lost
 *     is not in any unit: a picture that lacks a piece is dropped whole)
 */
public record AccessUnit(long timestamp, List<byte[]> nals, boolean afterLoss) {
  public AccessUnit {
    nals = List.copyOf(nals);
  }
}
