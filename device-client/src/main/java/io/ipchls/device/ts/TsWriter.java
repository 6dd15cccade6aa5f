package io.ipchls.device.ts;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The stateful middle layer: turns PSI sections and PES packets into transport packets, keeping one
 * continuity_counter per PID (ISO/IEC 13818-1 §2.4.3.3: it increments with each packet that has a payload).
 */
final class TsWriter {
  private final OutputStream out;
  private final Map<Integer, Integer> continuity = new HashMap<>();
  private final byte[] packet = new byte[TsPackets.PACKET_SIZE];
  private long packetsWritten;

  TsWriter(OutputStream out) {
    this.out = out;
  }

  long packetsWritten() {
    return packetsWritten;
  }

  /** Writes one section in one packet: pointer_field 0, the section, then 0xFF stuffing (§2.4.4.1, §2.4.4.2). */
  void writeSection(int pid, byte[] section) throws IOException {
    int space = TsPackets.PACKET_SIZE - TsPackets.HEADER_SIZE - 1;
    if (section.length > space) throw new IllegalArgumentException("section needs more than one packet");
    TsPackets.header(packet, pid, true, TsPackets.AFC_PAYLOAD_ONLY, nextCounter(pid));
    packet[TsPackets.HEADER_SIZE] = 0; // pointer_field
    System.arraycopy(section, 0, packet, TsPackets.HEADER_SIZE + 1, section.length);
    Arrays.fill(packet, TsPackets.HEADER_SIZE + 1 + section.length, TsPackets.PACKET_SIZE, (byte) 0xFF);
    emit();
  }

  /**
   * Writes a whole PES packet ({@code pes} = header + payload) over as many transport packets as needed. The
   * first packet sets payload_unit_start_indicator and, if asked, carries the PCR and random_access_indicator in
   * its adaptation field; the last packet is padded with adaptation-field stuffing, since PES data may not be
   * followed by 0xFF filler (§2.4.3.5).
   *
   * @param pcr27MHz the PCR for the first packet, or negative for none
   */
  void writePes(int pid, byte[] pes, boolean randomAccess, long pcr27MHz) throws IOException {
    int pos = 0;
    boolean first = true;
    while (pos < pes.length) {
      int afSize = first ? TsPackets.adaptationFieldSize(randomAccess, pcr27MHz >= 0) : 0;
      int space = TsPackets.PACKET_SIZE - TsPackets.HEADER_SIZE - afSize;
      int remaining = pes.length - pos;
      if (remaining < space) {
        afSize += space - remaining; // stuffing: grow (or create) the adaptation field
        space = remaining;
      }
      int afc = afSize > 0 ? TsPackets.AFC_ADAPTATION_AND_PAYLOAD : TsPackets.AFC_PAYLOAD_ONLY;
      TsPackets.header(packet, pid, first, afc, nextCounter(pid));
      if (afSize > 0) {
        TsPackets.adaptationField(packet, afSize, first && randomAccess, first ? pcr27MHz : -1);
      }
      System.arraycopy(pes, pos, packet, TsPackets.HEADER_SIZE + afSize, space);
      emit();
      pos += space;
      first = false;
    }
  }

  private int nextCounter(int pid) {
    int cc = continuity.getOrDefault(pid, 0);
    continuity.put(pid, (cc + 1) & 0x0F);
    return cc;
  }

  private void emit() throws IOException {
    out.write(packet);
    packetsWritten++;
  }
}
