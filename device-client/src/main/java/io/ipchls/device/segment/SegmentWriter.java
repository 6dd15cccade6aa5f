package io.ipchls.device.segment;

import io.ipchls.device.codec.ByteRange;
import java.util.List;

/**
 * Writes the segments of one stream in one container; the {@link Segmenter} decides where segments start and end
 * and puts every timestamp on the output clock (90 kHz) before it gets here. One writer lives as long as its
 * container is chosen, so state that spans segments (fMP4 sequence numbers, the FLAC encoder) stays in it.
 */
interface SegmentWriter {
  /**
   * What one finished segment is made of. {@code codecs} is null when the segmenter's own string applies;
   * {@code keyFrame} is where its first key frame lies (null when it has none).
   */
  record Written(byte[] bytes, String codecs, InitSegment init, ByteRange keyFrame) {}

  /** Starts a segment; its first video access unit is a key frame with all parameter sets. */
  void begin();

  /** True when a key frame with these NAL units cannot go into the open segment (its configuration differs). */
  boolean needsNewSegment(List<byte[]> keyFrameNals);

  void video(List<byte[]> nals, long pts90k, long dts90k, boolean key);

  /** Audio in the camera's input form (ADTS frames, or G.711 bytes), timed on the output clock. */
  void audio(byte[] data, long pts90k);

  /**
   * Ends the open segment.
   *
   * @param endDts90k the decoding time following the segment's last frame (the next segment's first)
   */
  Written end(long endDts90k);
}
