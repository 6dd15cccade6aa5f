package io.ipchls.device.ts;

import io.ipchls.device.codec.ByteRange;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.h264.AnnexB;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes H.264 or H.265 access units as an MPEG-2 transport stream (ISO/IEC 13818-1): one program, video on PID
 * 0x100 (stream_type 0x1B for H.264, 0x24 for H.265; stream_id 0xE0), AAC audio on PID 0x101 (stream_type 0x0F,
 * stream_id 0xC0) only when built with {@link Builder#audio(boolean)}, PAT and PMT before the first access unit and
 * before every key frame, PCR on the video PID at the start of every access unit, random_access_indicator on key
 * frames, and an access unit delimiter inserted when the access unit has none (ITU-T H.222.0 requires one in every
 * access unit of AVC, §2.14.1, and of HEVC, §2.17.1). Every video PES carries PTS and DTS (§2.4.3.7), so B-frames
 * (DTS before PTS) need nothing special; the PCR follows the DTS.
 *
 * <pre>{@code
 * try (TsMuxer mux = TsMuxer.builder().build()) {
 *   mux.writeVideo(nals, pts90k, dts90k, true);
 *   byte[] ts = mux.toByteArray();
 * }
 * }</pre>
 *
 * Not thread-safe. I/O errors surface as {@link UncheckedIOException}.
 */
public final class TsMuxer implements AutoCloseable {
  /** transport_stream_id and program_number; the values ffmpeg uses, so our tables compare byte for byte. */
  public static final int TRANSPORT_STREAM_ID = 1;
  public static final int PROGRAM_NUMBER = 1;
  public static final int PMT_PID = 0x1000;
  /** Default PCR lead over DTS: 0.7 s of decoder buffering (90 kHz), ffmpeg's default mux delay. */
  public static final long DEFAULT_PCR_DELAY_90K = 63_000;

  private final OutputStream out;
  private final ByteArrayOutputStream memory;
  private final TsWriter writer;
  private final VideoCodec codec;
  private final TsTrack video;
  private final TsTrack audio;
  private final List<TsTrack> tracks;
  private final long pcrDelay90k;
  private boolean tablesWritten;
  private boolean closed;
  private ByteRange firstKeyFrame;

  private TsMuxer(Builder b) {
    this.memory = b.out == null ? new ByteArrayOutputStream(b.initialCapacity) : null;
    this.out = b.out == null ? memory : b.out;
    this.writer = new TsWriter(out);
    this.codec = b.codec;
    this.video = b.codec == VideoCodec.H265 ? TsTrack.H265_VIDEO : TsTrack.H264_VIDEO;
    this.audio = b.audio ? TsTrack.AAC_AUDIO : null;
    this.tracks = b.audio ? List.of(video, audio) : List.of(video);
    this.pcrDelay90k = b.pcrDelay90k;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes one access unit.
   *
   * @param nals the NAL units without start codes, in decoding order
   * @param pts90k presentation time, 90 kHz (wrapped to 33 bits)
   * @param dts90k decoding time, 90 kHz; equal to pts for streams without B-frames
   * @param key true for an IDR/IRAP access unit (sets random_access_indicator and repeats PAT/PMT)
   */
  public void writeVideo(List<byte[]> nals, long pts90k, long dts90k, boolean key) {
    if (closed) throw new IllegalStateException("muxer is closed");
    if (nals.isEmpty()) throw new IllegalArgumentException("empty access unit");
    try {
      long tablesAt = bytesWritten();
      if (key || !tablesWritten) writeTables();
      byte[] annexB = AnnexB.join(withAud(nals));
      byte[] header = Pes.header(video.streamId(), pts90k, dts90k, annexB.length);
      byte[] pes = new byte[header.length + annexB.length];
      System.arraycopy(header, 0, pes, 0, header.length);
      System.arraycopy(annexB, 0, pes, header.length, annexB.length);
      long pcr90k = Math.floorMod(dts90k - pcrDelay90k, 1L << 33);
      writer.writePes(video.pid(), pes, key, pcr90k * 300);
      if (key && firstKeyFrame == null) firstKeyFrame = new ByteRange(tablesAt, bytesWritten() - tablesAt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes AAC audio in ADTS form as one PES packet (PTS only, no PCR: the video PID carries it).
   *
   * @param adts one or more whole ADTS frames
   * @param pts90k presentation time of the first, 90 kHz
   * @throws IllegalStateException if the muxer was built without audio
   */
  public void writeAudio(byte[] adts, long pts90k) {
    if (closed) throw new IllegalStateException("muxer is closed");
    if (audio == null) throw new IllegalStateException("muxer was built without an audio track");
    try {
      if (!tablesWritten) writeTables();
      byte[] header = Pes.headerPtsOnly(audio.streamId(), pts90k, adts.length);
      byte[] pes = new byte[header.length + adts.length];
      System.arraycopy(header, 0, pes, 0, header.length);
      System.arraycopy(adts, 0, pes, header.length, adts.length);
      writer.writePes(audio.pid(), pes, /* randomAccess= */ false, /* pcr27MHz= */ -1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where the first key frame lies in the stream written, or null before one: from the PAT and PMT written just before
   * it to the last transport packet of its PES packet. A player can decode that run of whole packets on its own, as an
   * HLS I-frame playlist's {@code EXT-X-BYTERANGE} needs: the PAT (ISO/IEC 13818-1 §2.4.4.3) names the PMT's PID, the
   * PMT (§2.4.4.8) the video PID and its stream_type, and the PES (§2.4.3.6) carries the whole access unit with its
   * parameter sets (the segmenter puts them in every key frame) and PTS. Nothing else is interleaved: a PES packet is
   * written in one piece, and the tables come right before it.
   */
  public ByteRange firstKeyFrame() {
    return firstKeyFrame;
  }

  /** Bytes written so far (always whole 188-byte packets). */
  public long bytesWritten() {
    return writer.packetsWritten() * TsPackets.PACKET_SIZE;
  }

  /** The transport stream written so far; only for muxers built without an output stream. */
  public byte[] toByteArray() {
    if (memory == null) throw new IllegalStateException("muxer writes to a caller's stream");
    return memory.toByteArray();
  }

  /** Flushes the output stream given to the builder (it is not closed: the caller owns it). */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeTables() throws IOException {
    writer.writeSection(Psi.PAT_PID, Psi.pat(TRANSPORT_STREAM_ID, PROGRAM_NUMBER, PMT_PID));
    writer.writeSection(PMT_PID, Psi.pmt(PROGRAM_NUMBER, video.pid(), tracks));
    tablesWritten = true;
  }

  private List<byte[]> withAud(List<byte[]> nals) {
    int aud = codec.audType();
    if (codec.nalType(nals.get(0)) == aud) return nals;
    List<byte[]> all = new ArrayList<>(nals.size() + 1);
    all.add(codec.accessUnitDelimiter());
    for (byte[] nal : nals) {
      if (codec.nalType(nal) != aud) all.add(nal); // an AUD must come first: H.264 §7.4.1.2.3, H.265 §7.4.2.4.4
    }
    return all;
  }

  /** Builds a {@link TsMuxer}. */
  public static final class Builder {
    private OutputStream out;
    private int initialCapacity = 256 * 1024;
    private long pcrDelay90k = DEFAULT_PCR_DELAY_90K;
    private boolean audio;
    private VideoCodec codec = VideoCodec.H264;

    private Builder() {}

    /** The video codec (default H.264): sets the PMT stream_type and the access unit delimiter written. */
    public Builder video(VideoCodec codec) {
      this.codec = java.util.Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Declare (in the PMT) and accept an AAC audio track. Default off: only tracks that exist are declared. */
    public Builder audio(boolean audio) {
      this.audio = audio;
      return this;
    }

    /** Write packets to this stream instead of memory. */
    public Builder output(OutputStream out) {
      this.out = out;
      return this;
    }

    /** Initial buffer size for in-memory muxing. */
    public Builder initialCapacity(int bytes) {
      this.initialCapacity = bytes;
      return this;
    }

    /** How far the PCR runs ahead of DTS, in 90 kHz ticks (0..90000). */
    public Builder pcrDelay90k(long ticks) {
      if (ticks < 0 || ticks > 90_000) throw new IllegalArgumentException("pcr delay must be 0..1 s");
      this.pcrDelay90k = ticks;
      return this;
    }

    public TsMuxer build() {
      return new TsMuxer(this);
    }
  }
}
