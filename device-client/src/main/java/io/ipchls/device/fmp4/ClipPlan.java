package io.ipchls.device.fmp4;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A planned progressive ("faststart") MP4 (ISO/IEC 14496-12): ftyp, then the moov with complete sample tables, then
 * one mdat holding, for each source segment in order, its video samples as one chunk and its audio samples as the
 * next. The header is built up front, so the file's length and every byte's source are known before any media is
 * read: a byte range of the file maps onto the header and onto the pieces of the source segments
 * ({@link #pieces()}), which {@link #payload} rebuilds from a segment on demand. Immutable.
 */
public final class ClipPlan {
  /**
   * The part of source segment {@code segment} in the mdat: {@code length} bytes from {@code offset} (counted from
   * the first byte of the file), video samples [{@code videoFrom}, {@code videoTo}) then audio samples
   * [{@code audioFrom}, {@code audioTo}) of its {@link ClipSegment}; {@code videoBytes} of it are video.
   */
  public record Piece(int segment, long offset, long length, long videoBytes, int videoFrom, int videoTo,
      int audioFrom, int audioTo) {
    Piece at(long fileOffset) {
      return new Piece(segment, fileOffset, length, videoBytes, videoFrom, videoTo, audioFrom, audioTo);
    }
  }

  /** Movie timescale (mvhd, tkhd and elst durations): milliseconds. */
  static final int MOVIE_TIMESCALE = 1000;
  /** ftyp brands, §4.3: isom with iso2 (the 2nd edition's boxes), avc1 and mp41 for older players. */
  private static final List<String> BRANDS = List.of("isom", "iso2", "avc1", "mp41");
  /** Largest value of a 32-bit box size or chunk offset. */
  private static final long MAX_U32 = 0xFFFF_FFFFL;
  private static final int VIDEO_TRACK_ID = 1;
  private static final int AUDIO_TRACK_ID = 2;
  private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

  private final byte[] header;
  private final List<Piece> pieces;
  private final long length;
  private final double durationSeconds;

  private ClipPlan(byte[] header, List<Piece> pieces, long length, double durationSeconds) {
    this.header = header;
    this.pieces = pieces;
    this.length = length;
    this.durationSeconds = durationSeconds;
  }

  /** Lays the file out: sizes first (stco or co64, 8- or 16-byte mdat header), then the header with real offsets. */
  static ClipPlan build(ClipSegment.Config videoTrack, ClipTables video, ClipSegment.Config audioTrack,
      ClipTables audio, long audioDelay90k, List<Piece> pieces, long mdatPayload) {
    Tracks t = new Tracks(videoTrack, video, audioTrack == null || audio.count() == 0 ? null : audioTrack,
        audio, audioDelay90k, pieces);
    byte[] ftyp = ftyp();
    int mdatHeader = mdatPayload + 8 > MAX_U32 ? 16 : 8;
    // §8.7.5: chunk offsets past 4 GiB need ChunkLargeOffsetBox (co64); the table's size decides the offsets
    boolean co64 = ftyp.length + t.moov(0, false).length + mdatHeader + mdatPayload > MAX_U32;
    long headerLength = ftyp.length + t.moov(0, co64).length + mdatHeader;
    byte[] moov = t.moov(headerLength, co64);
    BoxBuffer b = new BoxBuffer((int) headerLength);
    b.bytes(ftyp).bytes(moov);
    if (mdatHeader == 8) {
      b.u32(mdatPayload + 8).fourCc("mdat"); // §8.1.1
    } else {
      b.u32(1).fourCc("mdat").u64(mdatPayload + 16); // size 1: the 64-bit largesize follows, §4.2
    }
    List<Piece> placed = pieces.stream().map(p -> p.at(headerLength + p.offset())).toList();
    double seconds = video.totalDuration() / (double) videoTrack.timescale();
    return new ClipPlan(b.toByteArray(), placed, headerLength + mdatPayload, seconds);
  }

  /** ftyp, moov and the mdat header: the file's first {@code header().length} bytes. */
  public byte[] header() {
    return header.clone();
  }

  public int headerLength() {
    return header.length;
  }

  /** Copies header bytes [{@code from}, {@code from + n}) into {@code dst}. */
  public void copyHeader(long from, byte[] dst, int dstOffset, int n) {
    System.arraycopy(header, (int) from, dst, dstOffset, n);
  }

  /** Every source segment's place in the file, in order; empty pieces are segments the clip takes nothing from. */
  public List<Piece> pieces() {
    return pieces;
  }

  /** The whole file's length in bytes. */
  public long length() {
    return length;
  }

  /** The video track's length. */
  public double durationSeconds() {
    return durationSeconds;
  }

  /**
   * The bytes of {@code piece} rebuilt from its segment (the same segment the plan was made from).
   *
   * @throws IllegalStateException if the segment no longer gives the planned bytes (the object changed)
   */
  public static byte[] payload(Piece piece, ClipSegment seg) {
    if (piece.videoTo() > seg.videoSamples().size() || piece.audioTo() > seg.audioSamples().size()) {
      throw new IllegalStateException("segment " + piece.segment() + " has fewer samples than planned");
    }
    byte[] out = new byte[Math.toIntExact(piece.length())];
    int pos = 0;
    for (int i = piece.videoFrom(); i < piece.videoTo(); i++) pos = copy(seg.videoSamples().get(i).data(), out, pos);
    for (int i = piece.audioFrom(); i < piece.audioTo(); i++) pos = copy(seg.audioSamples().get(i).data(), out, pos);
    if (pos != out.length) throw new IllegalStateException("segment " + piece.segment() + " changed since planned");
    return out;
  }

  private static int copy(byte[] src, byte[] dst, int pos) {
    if (pos + src.length > dst.length) throw new IllegalStateException("a segment changed since the clip was planned");
    System.arraycopy(src, 0, dst, pos, src.length);
    return pos + src.length;
  }

  /** ftyp, §4.3. */
  private static byte[] ftyp() {
    BoxBuffer b = new BoxBuffer(32);
    int box = b.begin("ftyp");
    b.fourCc(BRANDS.get(0)).u32(0x200); // major_brand isom, minor_version
    for (String brand : BRANDS) b.fourCc(brand);
    b.end(box);
    return b.toByteArray();
  }

  /** The tracks' tables and how to write them as a moov. */
  private record Tracks(ClipSegment.Config videoTrack, ClipTables video, ClipSegment.Config audioTrack,
      ClipTables audio, long audioDelay90k, List<Piece> pieces) {

    /** moov, §8.2.1: mvhd, the video trak, the audio trak; chunk offsets counted from {@code mdatPayloadStart}. */
    byte[] moov(long mdatPayloadStart, boolean co64) {
      long videoMs = video.totalDuration() * MOVIE_TIMESCALE / videoTrack.timescale();
      byte[] audioEntry = audioTrack == null ? null : audioTrack.sampleEntry();
      long delayMs = audioDelay90k * MOVIE_TIMESCALE / ClipPlanner.VIDEO_TIMESCALE;
      long audioMs = audioEntry == null ? 0 : audio.totalDuration() * MOVIE_TIMESCALE / audioTrack.timescale();
      BoxBuffer b = new BoxBuffer(1024 + 21 * video.count() + 8 * audio.count() + 40 * pieces.size());
      int moov = b.begin("moov");
      mvhd(b, Math.max(videoMs, audioEntry == null ? 0 : delayMs + audioMs));
      trak(b, VIDEO_TRACK_ID, false, videoMs, 0, video, videoTrack.timescale(), videoTrack.sampleEntry(),
          mdatPayloadStart, co64);
      if (audioEntry != null) {
        trak(b, AUDIO_TRACK_ID, true, audioMs, delayMs, audio, audioTrack.timescale(), audioEntry, mdatPayloadStart,
            co64);
      }
      b.end(moov);
      return b.toByteArray();
    }

    /** mvhd version 1, §8.2.2: 64-bit duration, rate 1.0, volume 1.0, identity matrix. */
    private void mvhd(BoxBuffer b, long durationMs) {
      int mvhd = b.beginFull("mvhd", 1, 0);
      b.u64(0).u64(0).u32(MOVIE_TIMESCALE).u64(durationMs); // creation, modification, timescale, duration
      b.u32(0x00010000).u16(0x0100).zeros(10);
      for (int m : UNITY_MATRIX) b.u32(m);
      b.zeros(24).u32(audioTrack == null ? 2 : 3); // pre_defined[6], next_track_ID
      b.end(mvhd);
    }

    private void trak(BoxBuffer b, int id, boolean isAudio, long durationMs, long delayMs, ClipTables t,
        int timescale, byte[] sampleEntry, long base, boolean co64) {
      int trak = b.begin("trak");
      int tkhd = b.beginFull("tkhd", 1, 0x000003); // §8.3.2 version 1: track_enabled | track_in_movie
      b.u64(0).u64(0).u32(id).u32(0).u64(delayMs + durationMs); // creation, modification, track_ID, reserved
      b.zeros(8).u16(0).u16(isAudio ? 1 : 0).u16(isAudio ? 0x0100 : 0).u16(0); // layer, alternate_group, volume
      for (int m : UNITY_MATRIX) b.u32(m);
      b.u32(isAudio ? 0 : (long) videoTrack.width() << 16).u32(isAudio ? 0 : (long) videoTrack.height() << 16);
      b.end(tkhd);
      edts(b, durationMs, delayMs, Math.max(0, t.compositionOffset(0)));
      int mdia = b.begin("mdia");
      int mdhd = b.beginFull("mdhd", 1, 0); // §8.4.2 version 1: a 24 h track at 90 kHz overflows 32 bits
      b.u64(0).u64(0).u32(timescale).u64(t.totalDuration());
      b.u16(0x55C4).u16(0); // language "und", pre_defined
      b.end(mdhd);
      int hdlr = b.beginFull("hdlr", 0, 0); // §8.4.3
      b.u32(0).fourCc(isAudio ? "soun" : "vide").zeros(12);
      b.bytes((isAudio ? "SoundHandler\0" : "VideoHandler\0").getBytes(StandardCharsets.US_ASCII));
      b.end(hdlr);
      int minf = b.begin("minf");
      if (isAudio) {
        int smhd = b.beginFull("smhd", 0, 0); // §12.2.2
        b.u16(0).u16(0);
        b.end(smhd);
      } else {
        int vmhd = b.beginFull("vmhd", 0, 1); // §12.1.2
        b.zeros(8);
        b.end(vmhd);
      }
      int dinf = b.begin("dinf"); // §8.7.1: the media is in this file
      int dref = b.beginFull("dref", 0, 0);
      b.u32(1);
      int url = b.beginFull("url ", 0, 1);
      b.end(url);
      b.end(dref);
      b.end(dinf);
      stbl(b, isAudio, t, sampleEntry, base, co64);
      b.end(minf);
      b.end(mdia);
      b.end(trak);
    }

    /**
     * edts/elst, §8.6.6. Video: one edit starting at the first frame's composition time, so the composition offsets
     * (ctts version 0, unsigned, §8.6.1.3) shift the presentation by the B-frame delay and the edit takes it back:
     * the first key frame is shown at time 0. Audio that starts after the video's first frame: an empty edit first.
     */
    private static void edts(BoxBuffer b, long durationMs, long delayMs, int firstCompositionOffset) {
      int edts = b.begin("edts");
      int elst = b.beginFull("elst", 0, 0);
      b.u32(delayMs > 0 ? 2 : 1);
      if (delayMs > 0) b.u32(delayMs).u32(-1).u16(1).u16(0); // empty edit: media_time -1
      b.u32(durationMs).u32(firstCompositionOffset).u16(1).u16(0); // segment_duration, media_time, rate 1.0
      b.end(elst);
      b.end(edts);
    }

    /** stbl, §8.5.1: stsd, stts, ctts, stss, stsc, stsz, stco/co64. */
    private void stbl(BoxBuffer b, boolean isAudio, ClipTables t, byte[] sampleEntry, long base, boolean co64) {
      int stbl = b.begin("stbl");
      int stsd = b.beginFull("stsd", 0, 0); // §8.5.2
      b.u32(1).bytes(sampleEntry);
      b.end(stsd);
      runLength(b, "stts", 0, t.count(), t::duration); // §8.6.1.2 TimeToSampleBox
      // §8.6.1.3: version 0 offsets are unsigned (MPEG-TS: PTS >= DTS); fMP4 sources may carry signed ones (version 1)
      if (t.hasCompositionOffsets()) runLength(b, "ctts", t.hasNegativeOffsets() ? 1 : 0, t.count(), t::compositionOffset);
      if (!isAudio) stss(b, t);
      chunks(b, isAudio, base, co64);
      int stsz = b.beginFull("stsz", 0, 0); // §8.7.3.2: sample_size 0, then every size
      b.u32(0).u32(t.count());
      for (int i = 0; i < t.count(); i++) b.u32(t.size(i));
      b.end(stsz);
      b.end(stbl);
    }

    private static int samples(Piece p, boolean isAudio) {
      return isAudio ? p.audioTo() - p.audioFrom() : p.videoTo() - p.videoFrom();
    }

    /** entry_count then (sample_count, value) runs. */
    private static void runLength(BoxBuffer b, String type, int version, int n,
        java.util.function.IntUnaryOperator value) {
      int box = b.beginFull(type, version, 0);
      int entries = 0;
      for (int i = 1; i <= n; i++) if (i == n || value.applyAsInt(i) != value.applyAsInt(i - 1)) entries++;
      b.u32(entries);
      for (int i = 0; i < n; ) {
        int v = value.applyAsInt(i);
        int j = i + 1;
        while (j < n && value.applyAsInt(j) == v) j++;
        b.u32(j - i).u32(v);
        i = j;
      }
      b.end(box);
    }

    /** stss, §8.6.2: the sync samples (1-based); left out when every sample is one. */
    private static void stss(BoxBuffer b, ClipTables t) {
      int syncs = 0;
      for (int i = 0; i < t.count(); i++) if (t.sync(i)) syncs++;
      if (syncs == t.count()) return;
      int stss = b.beginFull("stss", 0, 0);
      b.u32(syncs);
      for (int i = 0; i < t.count(); i++) if (t.sync(i)) b.u32(i + 1);
      b.end(stss);
    }

    /**
     * stsc (§8.7.4) and stco/co64 (§8.7.5): one chunk per source segment and track, each a run of that segment's
     * samples; stsc holds one entry per change of samples-per-chunk.
     */
    private void chunks(BoxBuffer b, boolean isAudio, long base, boolean co64) {
      int stsc = b.beginFull("stsc", 0, 0);
      int entries = 0;
      int lastCount = -1;
      for (Piece p : pieces) {
        int n = samples(p, isAudio);
        if (n != 0 && n != lastCount) entries++;
        if (n != 0) lastCount = n;
      }
      b.u32(entries);
      int chunk = 0;
      lastCount = -1;
      for (Piece p : pieces) {
        int n = samples(p, isAudio);
        if (n == 0) continue;
        chunk++;
        if (n != lastCount) b.u32(chunk).u32(n).u32(1); // first_chunk, samples_per_chunk, sample_description_index
        lastCount = n;
      }
      b.end(stsc);
      int stco = b.beginFull(co64 ? "co64" : "stco", 0, 0);
      b.u32(chunk);
      for (Piece p : pieces) {
        if (samples(p, isAudio) == 0) continue;
        long offset = base + p.offset() + (isAudio ? p.videoBytes() : 0);
        if (co64) b.u64(offset); else b.u32(offset);
      }
      b.end(stco);
    }
  }
}
