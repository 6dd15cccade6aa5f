package io.ipchls.device.ts;

/**
 * One elementary stream of the program: its PID, PMT stream_type (ISO/IEC 13818-1 Table 2-34) and PES stream_id
 * (Table 2-22).
 */
public record TsTrack(int pid, int streamType, int streamId) {
  /** stream_type 0x1B: AVC video stream as defined in ITU-T H.264 (§2.4.4.9 Table 2-34). */
  public static final int STREAM_TYPE_H264 = 0x1B;
  /** stream_type 0x24: HEVC video stream as defined in ITU-T H.265 (Table 2-34, carriage in §2.17). */
  public static final int STREAM_TYPE_H265 = 0x24;
  /** stream_type 0x0F: ISO/IEC 13818-7 audio with ADTS transport syntax (AAC). */
  public static final int STREAM_TYPE_AAC_ADTS = 0x0F;
  /** stream_id 0xE0: the first video stream, 1110 xxxx (§2.4.3.7 Table 2-22). */
  public static final int STREAM_ID_VIDEO = 0xE0;
  /** stream_id 0xC0: the first audio stream, 110x xxxx. */
  public static final int STREAM_ID_AUDIO = 0xC0;

  public static final TsTrack H264_VIDEO = new TsTrack(0x100, STREAM_TYPE_H264, STREAM_ID_VIDEO);
  /** H.265 video on the same PID and stream_id as H.264: a segment has one video track. */
  public static final TsTrack H265_VIDEO = new TsTrack(0x100, STREAM_TYPE_H265, STREAM_ID_VIDEO);
  /** AAC audio in ADTS, declared only by muxers built with audio. */
  public static final TsTrack AAC_AUDIO = new TsTrack(0x101, STREAM_TYPE_AAC_ADTS, STREAM_ID_AUDIO);

  public TsTrack {
    if (pid < 0x10 || pid > 0x1FFE) throw new IllegalArgumentException("PID must be in 0x0010..0x1FFE");
    if (streamType < 0 || streamType > 0xFF || streamId < 0 || streamId > 0xFF) {
      throw new IllegalArgumentException("stream_type and stream_id are 8-bit");
    }
  }
}
