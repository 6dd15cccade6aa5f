package io.ipchls.device.segment;

import io.ipchls.device.codec.VideoCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter sets of one video stream as the segmenter last saw them (one of each type: cameras send one VPS,
 * SPS and PPS), and what the SPS says: picture size, codec string, reorder depth, frame rate. A segment must start
 * with all of them, since a player may start there. Not thread-safe.
 */
final class ParameterSets {
  /** Frame duration assumed for the first DTS when the SPS has no timing (1/25 s). */
  static final long DEFAULT_FRAME_DURATION_90K = 3_600;

  private final VideoCodec codec;
  private final Map<Integer, byte[]> latest = new HashMap<>();
  private StreamInfo info;

  /** What the SPS says; {@code codec} is the fallback string and the size 0 when it could not be parsed. */
  record StreamInfo(String codec, int width, int height, int reorderDepth, double frameRate) {}

  ParameterSets(VideoCodec codec) {
    this.codec = codec;
  }

  /** True once every parameter set type the codec needs has been seen. */
  boolean complete() {
    return codec.parameterSetTypes().stream().allMatch(latest::containsKey);
  }

  /** The first parameter set type not seen yet in {@code nals} nor before, as a name, or null. */
  String missing(List<byte[]> nals) {
    for (int type : codec.parameterSetTypes()) {
      if (!latest.containsKey(type) && nals.stream().noneMatch(n -> codec.nalType(n) == type)) return name(type);
    }
    return null;
  }

  /**
   * The VPS or SPS of {@code nals} that differs from the one remembered, as a name, or null: a sequence-level
   * change, which a decoder accepts only at a key picture (H.264 §7.4.1.2.1, H.265 §7.4.3.1 and §7.4.3.2.1).
   */
  String sequenceChange(List<byte[]> nals) {
    for (byte[] nal : nals) {
      int type = codec.nalType(nal);
      if (type == codec.spsType() || (codec == VideoCodec.H265 && type == io.ipchls.device.h265.NalUnits.VPS)) {
        byte[] known = latest.get(type);
        if (known != null && !Arrays.equals(known, nal)) return name(type);
      }
    }
    return null;
  }

  /** Remembers the parameter sets of an access unit (the last one of each type wins). */
  void remember(List<byte[]> nals) {
    for (byte[] nal : nals) {
      int type = codec.nalType(nal);
      if (!codec.parameterSetTypes().contains(type)) continue;
      if (type == codec.spsType() && !Arrays.equals(latest.get(type), nal)) info = null;
      latest.put(type, nal);
    }
  }

  /** What the current SPS says (parsed once per SPS). */
  StreamInfo info() {
    if (info == null) info = parse(latest.get(codec.spsType()));
    return info;
  }

  /**
   * The key frame with every parameter set in front, in the codec's order (H.265: VPS before the SPS that refers
   * to it), after an access unit delimiter if there is one: its own copies where it has them, the remembered ones
   * where not. Its other NAL units keep their order.
   */
  List<byte[]> prepend(List<byte[]> nals) {
    List<byte[]> all = new ArrayList<>(nals.size() + 3);
    int i = 0;
    if (codec.nalType(nals.get(0)) == codec.audType()) all.add(nals.get(i++));
    for (int type : codec.parameterSetTypes()) {
      List<byte[]> own = nals.stream().filter(n -> codec.nalType(n) == type).toList();
      if (own.isEmpty()) all.add(latest.get(type));
      else all.addAll(own);
    }
    for (; i < nals.size(); i++) {
      if (!codec.parameterSetTypes().contains(codec.nalType(nals.get(i)))) all.add(nals.get(i));
    }
    return all;
  }

  private StreamInfo parse(byte[] sps) {
    try {
      if (codec == VideoCodec.H264) {
        io.ipchls.device.h264.Sps s = io.ipchls.device.h264.Sps.parse(sps);
        return new StreamInfo(s.codecString(), s.width(), s.height(), s.maxNumReorderFrames(), s.frameRate());
      }
      io.ipchls.device.h265.Sps s = io.ipchls.device.h265.Sps.parse(sps);
      return new StreamInfo(s.codecString(), s.width(), s.height(), s.maxNumReorderPics(),
          s.frameRate().orElse(0));
    } catch (IllegalArgumentException e) {
      // width/height become 0 and the reorder depth the largest; the video itself is still usable
      return new StreamInfo(codec.fallbackCodecString(), 0, 0, 16, 0);
    }
  }

  private String name(int type) {
    if (codec == VideoCodec.H265 && type == io.ipchls.device.h265.NalUnits.VPS) return "VPS";
    return type == codec.spsType() ? "SPS" : "PPS";
  }
}
