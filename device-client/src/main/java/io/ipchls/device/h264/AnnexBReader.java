package io.ipchls.device.h264;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits an H.264 Annex-B byte stream, fed in chunks of any size, into NAL units (ITU-T H.264 §B.1, §B.2).
 *
 * <p>A start code is {@code 00 00 01}; the 4-byte form {@code 00 00 00 01} is the same prefix after a zero_byte.
 * Zero bytes directly before a start code are trailing_zero_8bits (or that zero_byte) and never belong to the
 * previous NAL unit: §7.4.1 forbids a NAL unit whose last byte is 0x00. Bytes before the first start code are
 * ignored. Remembers the last SPS and PPS seen. Not thread-safe.
 */
public final class AnnexBReader {
  private byte[] buf = new byte[64 * 1024];
  private int len;
  private int zeros;
  private boolean inNal;
  private byte[] lastSps;
  private byte[] lastPps;

  /** Consumes {@code length} bytes and returns the NAL units completed by them (possibly none). */
  public List<byte[]> feed(byte[] data, int offset, int length) {
    List<byte[]> out = new ArrayList<>();
    int end = offset + length;
    int i = offset;
    while (i < end) {
      byte b = data[i];
      if (b == 0) {
        zeros++;
        i++;
      } else if (b == 1 && zeros >= 2) {
        if (inNal) emit(out);
        inNal = true;
        zeros = 0;
        i++;
      } else {
        // a run of non-zero bytes cannot hold a start code (it needs two zeros first): copy it whole
        int runEnd = i + 1;
        while (runEnd < end && data[runEnd] != 0) runEnd++;
        if (inNal) {
          for (; zeros > 0; zeros--) append((byte) 0);
          append(data, i, runEnd - i);
        }
        zeros = 0;
        i = runEnd;
      }
    }
    return out;
  }

  /** Ends the stream: returns the last NAL unit, if any, and resets the splitter (not the SPS/PPS memory). */
  public List<byte[]> flush() {
    List<byte[]> out = new ArrayList<>(1);
    if (inNal) emit(out);
    inNal = false;
    zeros = 0;
    return out;
  }

  /** The last sequence parameter set seen, or null. */
  public byte[] lastSps() {
    return lastSps;
  }

  /** The last picture parameter set seen, or null. */
  public byte[] lastPps() {
    return lastPps;
  }

  private void emit(List<byte[]> out) {
    if (len > 0) {
      byte[] nal = Arrays.copyOf(buf, len);
      int type = NalUnits.type(nal);
      if (type == NalUnits.SPS) lastSps = nal;
      if (type == NalUnits.PPS) lastPps = nal;
      out.add(nal);
    }
    len = 0;
  }

  private void append(byte[] data, int offset, int length) {
    if (len + length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + length));
    System.arraycopy(data, offset, buf, len, length);
    len += length;
  }

  private void append(byte b) {
    if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
    buf[len++] = b;
  }
}
