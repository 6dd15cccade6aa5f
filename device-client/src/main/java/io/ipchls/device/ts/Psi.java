package io.ipchls.device.ts;

import java.io.ByteArrayOutputStream;
import java.util.List;

/** Pure builders of PSI sections (PAT, PMT), ISO/IEC 13818-1 §2.4.4. Sections exclude the pointer_field. */
public final class Psi {
  /** PID of the program association table, §2.4.3.3 Table 2-3. */
  public static final int PAT_PID = 0x0000;
  /** table_id values, §2.4.4.4 Table 2-31. */
  public static final int TABLE_ID_PAT = 0x00;
  public static final int TABLE_ID_PMT = 0x02;

  private Psi() {}

  /**
   * program_association_section with one program, §2.4.4.3 Table 2-30.
   *
   * @param transportStreamId transport_stream_id
   * @param programNumber program_number (not 0, which would denote the network PID)
   * @param pmtPid program_map_PID
   */
  public static byte[] pat(int transportStreamId, int programNumber, int pmtPid) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    write16(body, programNumber);
    write16(body, 0xE000 | pmtPid); // reserved '111' + program_map_PID (13)
    return section(TABLE_ID_PAT, transportStreamId, body.toByteArray());
  }

  /** descriptor_tag of registration_descriptor, §2.6.8 Table 2-45. */
  public static final int REGISTRATION_DESCRIPTOR = 0x05;
  /** format_identifier "HEVC" (the SMPTE Registration Authority's), which ffmpeg writes for H.265 streams. */
  private static final byte[] HEVC_FORMAT_IDENTIFIER = {'H', 'E', 'V', 'C'};

  /**
   * TS_program_map_section, §2.4.4.8 Table 2-33. Tracks appear in the given order; an H.265 track carries a
   * registration_descriptor "HEVC" (§2.6.8) as ffmpeg writes it, for players older than stream_type 0x24, the others
   * no descriptor.
   *
   * @param programNumber program_number (goes where transport_stream_id sits in the PAT)
   * @param pcrPid PCR_PID, the PID whose adaptation fields carry the PCR
   */
  public static byte[] pmt(int programNumber, int pcrPid, List<TsTrack> tracks) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    write16(body, 0xE000 | pcrPid); // reserved '111' + PCR_PID (13)
    write16(body, 0xF000); // reserved '1111' + program_info_length (12) = 0
    for (TsTrack t : tracks) {
      body.write(t.streamType());
      write16(body, 0xE000 | t.pid()); // reserved '111' + elementary_PID (13)
      byte[] esInfo = t.streamType() == TsTrack.STREAM_TYPE_H265 ? registration(HEVC_FORMAT_IDENTIFIER) : new byte[0];
      write16(body, 0xF000 | esInfo.length); // reserved '1111' + ES_info_length (12)
      body.writeBytes(esInfo);
    }
    return section(TABLE_ID_PMT, programNumber, body.toByteArray());
  }

  /** registration_descriptor, §2.6.8: tag, length 4, format_identifier. */
  private static byte[] registration(byte[] formatIdentifier) {
    byte[] d = new byte[2 + formatIdentifier.length];
    d[0] = REGISTRATION_DESCRIPTOR;
    d[1] = (byte) formatIdentifier.length;
    System.arraycopy(formatIdentifier, 0, d, 2, formatIdentifier.length);
    return d;
  }

  /**
   * A long-form section (section_syntax_indicator = 1), §2.4.4.3: version_number 0, current_next_indicator 1,
   * section_number 0, last_section_number 0, and the CRC_32 over everything before it (Annex A).
   */
  static byte[] section(int tableId, int idExtension, byte[] body) {
    int sectionLength = 5 + body.length + 4; // bytes after section_length, CRC included
    if (sectionLength > 1021) throw new IllegalArgumentException("section too long"); // §2.4.4.3: ≤ 1021
    ByteArrayOutputStream out = new ByteArrayOutputStream(3 + sectionLength);
    out.write(tableId);
    // section_syntax_indicator '1', '0', reserved '11', section_length (12)
    write16(out, 0xB000 | sectionLength);
    write16(out, idExtension);
    out.write(0xC1); // reserved '11', version_number 00000, current_next_indicator '1'
    out.write(0); // section_number
    out.write(0); // last_section_number
    out.writeBytes(body);
    byte[] withoutCrc = out.toByteArray();
    int crc = Crc32Mpeg2.compute(withoutCrc);
    write16(out, crc >>> 16);
    write16(out, crc & 0xFFFF);
    return out.toByteArray();
  }

  private static void write16(ByteArrayOutputStream out, int v) {
    out.write((v >>> 8) & 0xFF);
    out.write(v & 0xFF);
  }
}
