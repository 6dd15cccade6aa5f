package io.ipchls.device.segment;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.ts.TsMuxer;
import java.util.List;

/** MPEG-TS segments: a fresh {@link TsMuxer} (PAT, PMT, continuity counters from 0) per segment. */
final class TsSegmentWriter implements SegmentWriter {
  private final VideoCodec codec;
  private final boolean audio;
  private TsMuxer muxer;

  TsSegmentWriter(VideoCodec codec, boolean audio) {
    this.codec = codec;
    this.audio = audio;
  }

  @Override
  public void begin() {
    muxer = TsMuxer.builder().video(codec).audio(audio).build();
  }

  /** The PMT does not describe the configuration: any key frame may go into the open segment. */
  @Override
  public boolean needsNewSegment(List<byte[]> keyFrameNals) {
    return false;
  }

  @Override
  public void video(List<byte[]> nals, long pts90k, long dts90k, boolean key) {
    muxer.writeVideo(nals, pts90k, dts90k, key);
  }

  @Override
  public void audio(byte[] adts, long pts90k) {
    muxer.writeAudio(adts, pts90k);
  }

  @Override
  public Written end(long endDts90k) {
    muxer.close();
    byte[] bytes = muxer.toByteArray();
    Written written = new Written(bytes, null, null, muxer.firstKeyFrame());
    muxer = null;
    return written;
  }
}
