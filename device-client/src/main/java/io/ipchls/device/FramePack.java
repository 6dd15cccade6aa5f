package io.ipchls.device;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexBReader;
import io.ipchls.device.h264.NalUnits;
import io.ipchls.device.h264.Sps;
import io.ipchls.device.segment.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * One encoded picture as the encoder hands it over (the anchor SDK's frame pack): up to {@value #MAX_ITEMS} items
 * (typically SPS, PPS, SEI, slices), each possibly in two parts, and the encoder's timestamp in microseconds.
 */
public record FramePack(long timestampMicros, List<FrameItem> items) {
  /** Most items one pack may have. */
  public static final int MAX_ITEMS = 16;

  /**
   * @throws IllegalArgumentException for no items, more than {@value #MAX_ITEMS} or a negative timestamp
   */
  public FramePack {
    items = List.copyOf(items);
    if (items.isEmpty()) throw new IllegalArgumentException("frame pack has no items");
    if (items.size() > MAX_ITEMS) {
      throw new IllegalArgumentException("frame pack has " + items.size() + " items, at most " + MAX_ITEMS);
    }
    if (timestampMicros < 0) throw new IllegalArgumentException("timestamp must be >= 0");
  }

  public static FramePack of(long timestampMicros, FrameItem... items) {
    return new FramePack(timestampMicros, List.of(items));
  }

  /**
   * The pack as one access unit, checked: every item must hold Annex-B NAL units (ITU-T H.264 §B.1), each with
   * forbidden_zero_bit 0 and a specified nal_unit_type (§7.4.1), slices and parameter sets long enough to hold
   * their headers, an SPS that parses, and at least one coded slice.
   *
   * @throws IllegalArgumentException naming the first problem found
   */
  Frame toFrame() {
    return Frame.of(nals(), Frame.micros90k(timestampMicros));
  }

  /**
   * The pack's NAL units, checked for H.265 as {@link #toFrame()} checks H.264: Annex-B items, headers the codec
   * defines ({@link VideoCodec#checkNal}), an SPS that parses, at least one coded slice.
   *
   * @throws IllegalArgumentException naming the first problem found
   */
  List<byte[]> h265Nals() {
    List<byte[]> nals = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<byte[]> found = annexB(i);
      for (byte[] nal : found) {
        try {
          VideoCodec.H265.checkNal(nal);
          if (VideoCodec.H265.nalType(nal) == io.ipchls.device.h265.NalUnits.SPS) io.ipchls.device.h265.Sps.parse(nal);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("item " + i + ": " + e.getMessage(), e);
        }
      }
      nals.addAll(found);
    }
    if (nals.stream().noneMatch(n -> VideoCodec.H265.isSlice(VideoCodec.H265.nalType(n)))) {
      throw new IllegalArgumentException("frame pack holds no coded slice");
    }
    return nals;
  }

  private List<byte[]> annexB(int i) {
    AnnexBReader reader = new AnnexBReader();
    byte[] bytes = items.get(i).bytes();
    List<byte[]> found = new ArrayList<>(reader.feed(bytes, 0, bytes.length));
    found.addAll(reader.flush());
    if (found.isEmpty()) throw new IllegalArgumentException("item " + i + " holds no Annex-B start code: garbage");
    return found;
  }

  private List<byte[]> nals() {
    List<byte[]> nals = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<byte[]> found = annexB(i);
      for (byte[] nal : found) check(i, nal);
      nals.addAll(found);
    }
    if (!NalUnits.contains(nals, NalUnits.SLICE) && !NalUnits.contains(nals, NalUnits.IDR)) {
      throw new IllegalArgumentException("frame pack holds no coded slice");
    }
    return nals;
  }

  private static void check(int item, byte[] nal) {
    if ((nal[0] & 0x80) != 0) throw new IllegalArgumentException("item " + item + ": forbidden_zero_bit set: corrupt");
    int type = NalUnits.type(nal);
    if (type == 0 || type >= 24) throw new IllegalArgumentException("item " + item + ": unspecified NAL type " + type);
    boolean needsBody = type == NalUnits.SLICE || type == NalUnits.IDR || type == NalUnits.SPS || type == NalUnits.PPS;
    // a slice header needs first_mb_in_slice, slice_type and pic_parameter_set_id after the NAL header
    if (needsBody && nal.length < 2) throw new IllegalArgumentException("item " + item + ": truncated NAL unit");
    if (type == NalUnits.SPS) {
      try {
        Sps.parse(nal);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("item " + item + ": truncated or corrupt SPS: " + e.getMessage(), e);
      }
    }
  }
}
