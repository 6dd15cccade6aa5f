package io.ipchls.device.ts;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole MPEG-TS segment (ISO/IEC 13818-1) into its elementary streams' PES packets: PAT and PMT name the
 * streams, PES packets are reassembled per PID, and their PTS/DTS read. Built for recorded segments, which are
 * bounded; it holds one open PES per PID and refuses one larger than {@link #MAX_PES_BYTES}. A lost packet (a
 * continuity counter that skips) drops the PES it was part of rather than hand out corrupt media. Not thread-safe.
 */
public final class TsDemuxer {
  /** One reassembled PES packet: its PID, the PMT's stream_type for it, PTS and DTS (90 kHz, -1 if absent). */
  public record Packet(int pid, int streamType, long pts, long dts, byte[] payload) {}

  /** transport_packet() is 188 bytes, §2.4.3.2. */
  public static final int PACKET_SIZE = 188;
  /** sync_byte, §2.4.3.3. */
  private static final int SYNC_BYTE = 0x47;
  /** PID 0x0000: the program association table, §2.4.3.3 Table 2-3. */
  private static final int PAT_PID = 0;
  /** table_id of a program_association_section and a TS_program_map_section, §2.4.4.4 Table 2-31. */
  private static final int TABLE_PAT = 0x00;
  private static final int TABLE_PMT = 0x02;
  /** The largest PES this reader reassembles: far above any recorded access unit, a bound against junk. */
  public static final int MAX_PES_BYTES = 16 * 1024 * 1024;

  private final Map<Integer, Integer> streamTypes = new HashMap<>();
  private final Map<Integer, Integer> lastCc = new HashMap<>();
  private final Map<Integer, ByteArrayOutputStream> open = new HashMap<>();
  private final List<Packet> packets = new ArrayList<>();
  private int pmtPid = -1;
  private int dropped;

  private TsDemuxer() {}

  /**
   * Every complete PES packet of {@code ts}, in stream order.
   *
   * @throws IllegalArgumentException if {@code ts} is not whole 188-byte packets starting with the sync byte, has no
   *     PAT/PMT before its media, or holds a malformed PES header
   */
  public static List<Packet> demux(byte[] ts) {
    if (ts.length % PACKET_SIZE != 0) {
      throw new IllegalArgumentException("a transport stream is whole 188-byte packets, got " + ts.length + " bytes");
    }
    TsDemuxer d = new TsDemuxer();
    for (int off = 0; off < ts.length; off += PACKET_SIZE) d.packet(ts, off);
    for (int pid : new ArrayList<>(d.open.keySet())) d.finish(pid);
    return d.packets;
  }

  /** stream_type per elementary PID from the last PMT read. */
  Map<Integer, Integer> streamTypes() {
    return streamTypes;
  }

  /** PES packets dropped because a continuity counter showed a lost packet. */
  int dropped() {
    return dropped;
  }

  /** transport_packet(), §2.4.3.2. */
  private void packet(byte[] b, int off) {
    if ((b[off] & 0xFF) != SYNC_BYTE) throw new IllegalArgumentException("no sync byte at offset " + off);
    boolean pusi = (b[off + 1] & 0x40) != 0; // payload_unit_start_indicator
    int pid = ((b[off + 1] & 0x1F) << 8) | (b[off + 2] & 0xFF);
    if ((b[off + 3] & 0xC0) != 0) throw new IllegalArgumentException("scrambled packet at offset " + off);
    int afc = (b[off + 3] >> 4) & 3; // adaptation_field_control, §2.4.3.3 Table 2-5
    int cc = b[off + 3] & 0x0F;
    int pos = off + 4;
    boolean discontinuity = false;
    if ((afc & 2) != 0) { // adaptation_field(), §2.4.3.4
      int len = b[pos] & 0xFF;
      if (len > 183) throw new IllegalArgumentException("adaptation_field_length " + len + " at offset " + off);
      if (len > 0) discontinuity = (b[pos + 1] & 0x80) != 0; // discontinuity_indicator
      pos += 1 + len;
    }
    if ((afc & 1) == 0) return; // no payload
    int end = off + PACKET_SIZE;
    if (pid == PAT_PID || pid == pmtPid) {
      if (pusi) section(b, pos, end, pid == PAT_PID ? TABLE_PAT : TABLE_PMT);
      return;
    }
    Integer streamType = streamTypes.get(pid);
    if (streamType == null) return; // a PID the PMT does not name (or before it): not ours
    Integer prev = lastCc.put(pid, cc);
    if (prev != null && !discontinuity && cc != ((prev + 1) & 0xF)) {
      if (cc == prev) return; // a duplicate packet, §2.4.3.3: its payload is a repetition
      if (open.remove(pid) != null) dropped++;
      if (!pusi) return;
    }
    if (pusi) {
      finish(pid);
      open.put(pid, new ByteArrayOutputStream(4096));
    }
    ByteArrayOutputStream pes = open.get(pid);
    if (pes == null) return; // the continuation of a PES whose start we did not see
    if (pes.size() + (end - pos) > MAX_PES_BYTES) {
      throw new IllegalArgumentException("PES on PID " + pid + " exceeds " + MAX_PES_BYTES + " bytes");
    }
    pes.write(b, pos, end - pos);
  }

  /** A PAT (§2.4.4.3) or PMT (§2.4.4.8) section that starts in this packet (sections here fit one packet). */
  private void section(byte[] b, int pos, int end, int tableId) {
    int start = pos + 1 + (b[pos] & 0xFF); // pointer_field
    if (start + 3 > end || (b[start] & 0xFF) != tableId) return; // stuffing or another table: ignore
    int sectionLength = ((b[start + 1] & 0x0F) << 8) | (b[start + 2] & 0xFF);
    int sectionEnd = start + 3 + sectionLength;
    if (sectionEnd > end || sectionLength < 9) {
      throw new IllegalArgumentException("PSI section of " + sectionLength + " bytes does not fit its packet");
    }
    if (Crc32Mpeg2.compute(b, start, 3 + sectionLength) != 0) {
      throw new IllegalArgumentException("PSI section CRC_32 mismatch (table_id " + tableId + ")");
    }
    int body = start + 8;
    int bodyEnd = sectionEnd - 4; // before CRC_32
    if (tableId == TABLE_PAT) {
      for (int p = body; p + 4 <= bodyEnd; p += 4) {
        int program = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
        if (program != 0) { // program 0 names the network PID
          pmtPid = ((b[p + 2] & 0x1F) << 8) | (b[p + 3] & 0xFF);
          return;
        }
      }
      return;
    }
    int infoLength = ((b[body + 2] & 0x0F) << 8) | (b[body + 3] & 0xFF); // program_info_length
    streamTypes.clear();
    for (int p = body + 4 + infoLength; p + 5 <= bodyEnd; ) {
      int esPid = ((b[p + 1] & 0x1F) << 8) | (b[p + 2] & 0xFF);
      streamTypes.put(esPid, b[p] & 0xFF);
      p += 5 + (((b[p + 3] & 0x0F) << 8) | (b[p + 4] & 0xFF)); // ES_info_length
    }
  }

  /** PES_packet(), §2.4.3.6: the header's PTS/DTS, the rest is the elementary stream's bytes. */
  private void finish(int pid) {
    ByteArrayOutputStream buf = open.remove(pid);
    if (buf == null) return;
    byte[] p = buf.toByteArray();
    if (p.length < 9 || p[0] != 0 || p[1] != 0 || p[2] != 1) {
      throw new IllegalArgumentException("PES on PID " + pid + " has no packet_start_code_prefix");
    }
    int flags = (p[7] & 0xC0) >> 6; // PTS_DTS_flags: '10' PTS, '11' PTS and DTS
    int headerDataLength = p[8] & 0xFF;
    int payloadStart = 9 + headerDataLength;
    if (payloadStart > p.length || (flags == 2 && headerDataLength < 5) || (flags == 3 && headerDataLength < 10)) {
      throw new IllegalArgumentException("PES header on PID " + pid + " is longer than the packet");
    }
    long pts = flags >= 2 ? timestamp(p, 9) : -1;
    long dts = flags == 3 ? timestamp(p, 14) : pts;
    int declared = ((p[4] & 0xFF) << 8) | (p[5] & 0xFF); // PES_packet_length, 0 = unbounded (video)
    int end = declared == 0 ? p.length : Math.min(p.length, 6 + declared);
    byte[] payload = java.util.Arrays.copyOfRange(p, payloadStart, Math.max(payloadStart, end));
    packets.add(new Packet(pid, streamTypes.get(pid), pts, dts, payload));
  }

  /** A 33-bit PTS or DTS in its five bytes with marker bits, §2.4.3.7. */
  private static long timestamp(byte[] p, int o) {
    return ((long) (p[o] & 0x0E) << 29) | ((long) (p[o + 1] & 0xFF) << 22) | ((long) (p[o + 2] & 0xFE) << 14)
        | ((long) (p[o + 3] & 0xFF) << 7) | ((p[o + 4] & 0xFE) >> 1);
  }
}
