package io.ipchls.gateway.rtp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * MPEG-4 audio over RTP as {@code mpeg4-generic} (RFC 3640), the AAC-hbr and AAC-lbr modes: the AU header section
 * (§3.2.1: 16-bit AU-headers-length in bits, then per AU its AU-size and AU-index/AU-index-delta), an empty
 * auxiliary section, then the access units (§3.2.3), or one fragment of a single large AU (§3.2.3.2, continued in the
 * following packets with the same timestamp, the marker on the last). The i-th AU of a packet lasts one frame after
 * the previous one (§3.2.3.1, AU-index-delta 0: no interleaving). A lost packet drops the AU it fragments.
 */
public final class AacDepacketizer implements Depacketizer {
  private final SequenceTracker sequence = new SequenceTracker();
  private final TimestampUnwrapper unwrapper = new TimestampUnwrapper();
  private final int sizeLength;
  private final int indexLength;
  private final int indexDeltaLength;
  private final int frameLength;
  private boolean lossPending;
  private ByteArrayOutputStream fragment;
  private int fragmentSize;
  private long fragmentTimestamp;

  /**
   * @param sizeLength bits of AU-size (13 for AAC-hbr)
   * @param indexLength bits of AU-index (3 for AAC-hbr)
   * @param indexDeltaLength bits of AU-index-delta (3 for AAC-hbr)
   * @param frameLength samples per AAC frame (1024 or 960)
   */
  public AacDepacketizer(int sizeLength, int indexLength, int indexDeltaLength, int frameLength) {
    if (sizeLength < 1 || sizeLength > 16) throw new IllegalArgumentException("sizeLength must be 1..16");
    this.sizeLength = sizeLength;
    this.indexLength = indexLength;
    this.indexDeltaLength = indexDeltaLength;
    this.frameLength = frameLength;
  }

  /**
   * From the SDP's fmtp parameters (names case-insensitive, RFC 3640 §4.1).
   *
   * @throws IllegalArgumentException for a missing sizeLength or an unsupported feature (CTS/DTS deltas, random
   *     access or stream state indications, constant-size AUs)
   */
  public static AacDepacketizer fromFmtp(Map<String, String> fmtp, int frameLength) {
    for (String unsupported : List.of("ctsdeltalength", "dtsdeltalength", "randomaccessindication",
        "streamstateindication", "constantsize")) {
      String v = fmtp.get(unsupported);
      if (v != null && !v.equals("0")) {
        throw new IllegalArgumentException("mpeg4-generic with " + unsupported + "=" + v + " is not supported");
      }
    }
    String size = fmtp.get("sizelength");
    if (size == null) throw new IllegalArgumentException("mpeg4-generic without sizeLength in its fmtp");
    return new AacDepacketizer(intParam("sizeLength", size), intParam("indexLength", fmtp.getOrDefault("indexlength", "0")),
        intParam("indexDeltaLength", fmtp.getOrDefault("indexdeltalength", "0")), frameLength);
  }

  @Override
  public List<AccessUnit> push(RtpPacket packet) {
    List<AccessUnit> out = new ArrayList<>(2);
    SequenceTracker.Result r = sequence.accept(packet.sequence());
    if (r == SequenceTracker.Result.STALE) return out;
    long ts = unwrapper.unwrap(packet.timestamp());
    if (r == SequenceTracker.Result.GAP) {
      lossPending = true;
      fragment = null;
    }
    try {
      read(packet.payload(), ts, out);
    } catch (IllegalArgumentException e) {
      lossPending = true; // a malformed packet loses its AUs like a lost one
      fragment = null;
    }
    return out;
  }

  @Override
  public long packetsLost() {
    return sequence.lost();
  }

  private void read(byte[] p, long ts, List<AccessUnit> out) {
    if (p.length < 2) throw new IllegalArgumentException("mpeg4-generic payload shorter than AU-headers-length");
    int headerBits = RtpPacket.u16(p, 0);
    int headerBytes = (headerBits + 7) / 8;
    if (2 + headerBytes > p.length) throw new IllegalArgumentException("AU header section past the packet");
    AudioSpecificConfig.Bits bits = new AudioSpecificConfig.Bits(Arrays.copyOfRange(p, 2, 2 + headerBytes));
    List<Integer> sizes = new ArrayList<>();
    while (bits.position() + sizeLength <= headerBits) {
      sizes.add(bits.read(sizeLength));
      bits.read(sizes.size() == 1 ? indexLength : indexDeltaLength); // 0 for every AU without interleaving
    }
    int pos = 2 + headerBytes;
    if (fragment != null) { // §3.2.3.2: the rest of a fragmented AU, same timestamp
      if (ts != fragmentTimestamp || sizes.size() != 1) {
        fragment = null;
        lossPending = true;
      } else {
        fragment.write(p, pos, p.length - pos);
        if (fragment.size() >= fragmentSize) {
          emit(out, fragmentTimestamp, Arrays.copyOf(fragment.toByteArray(), fragmentSize));
          fragment = null;
        }
        return;
      }
    }
    if (sizes.size() == 1 && sizes.get(0) > p.length - pos) { // the first fragment of a large AU
      fragment = new ByteArrayOutputStream(sizes.get(0));
      fragment.write(p, pos, p.length - pos);
      fragmentSize = sizes.get(0);
      fragmentTimestamp = ts;
      return;
    }
    int total = sizes.stream().mapToInt(Integer::intValue).sum();
    if (pos + total > p.length) throw new IllegalArgumentException("AU sizes add up past the packet");
    for (int i = 0; i < sizes.size(); i++) {
      int size = sizes.get(i);
      emit(out, ts + (long) i * frameLength, Arrays.copyOfRange(p, pos, pos + size));
      pos += size;
    }
  }

  private void emit(List<AccessUnit> out, long ts, byte[] au) {
    out.add(new AccessUnit(ts, List.of(au), lossPending));
    lossPending = false;
  }

  private static int intParam(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mpeg4-generic " + name + "=" + value + " is not a number");
    }
  }
}
