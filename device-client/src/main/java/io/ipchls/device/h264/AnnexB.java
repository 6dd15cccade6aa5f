package io.ipchls.device.h264;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Whole-buffer helpers for the byte stream format of ITU-T H.264 Annex B. */
public final class AnnexB {
  /** The 4-byte start code: zero_byte + start_code_prefix_one_3bytes, §B.1.1. */
  static final byte[] START_CODE = {0, 0, 0, 1};

  private AnnexB() {}

  /** Splits a complete Annex-B byte stream into NAL units (without start codes). */
  public static List<byte[]> split(byte[] stream) {
    AnnexBReader reader = new AnnexBReader();
    List<byte[]> nals = new ArrayList<>(reader.feed(stream, 0, stream.length));
    nals.addAll(reader.flush());
    return nals;
  }

  /** Joins NAL units into an Annex-B byte stream, each preceded by a 4-byte start code. */
  public static byte[] join(List<byte[]> nals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size(nals));
    for (byte[] nal : nals) {
      out.writeBytes(START_CODE);
      out.writeBytes(nal);
    }
    return out.toByteArray();
  }

  /** Size in bytes of {@link #join(List)}'s result. */
  public static int size(List<byte[]> nals) {
    int n = 0;
    for (byte[] nal : nals) n += START_CODE.length + nal.length;
    return n;
  }
}
