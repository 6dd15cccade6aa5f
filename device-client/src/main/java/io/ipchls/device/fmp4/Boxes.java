package io.ipchls.device.fmp4;

import java.util.List;

/**
 * Pure builders of the boxes of an fMP4 init segment (ftyp, moov) and media segment (styp, moof, mdat header),
 * ISO/IEC 14496-12 (ISOBMFF, 2015+ edition) with the CMAF brands of ISO/IEC 23000-19. Every time field is 0, so the
 * same codec configuration always gives the same init segment bytes (its object key is named by its SHA-256).
 */
final class Boxes {
  /** Timescale of the movie header: durations there are 0 (fragmented), so the value only needs to be valid. */
  static final int MOVIE_TIMESCALE = 1000;
  /** Major brand iso6 (tfdt, default-base-is-moof, trun version 1) and compatible brands, §4.3. */
  static final List<String> INIT_BRANDS = List.of("iso6", "mp41");
  /**
   * The CMAF track brand, ISO/IEC 23000-19 §7.2: claimed only by a one-track init segment, because a CMAF header's
   * moov holds exactly one trak (§7.3.2.1); video with audio muxed together is plain ISOBMFF fragments.
   */
  static final String CMAF_BRAND = "cmfc";
  /** styp brand msdh: a media segment (ISO/IEC 23009-1 §6.3.4.2), which every ISOBMFF reader accepts. */
  static final String SEGMENT_BRAND = "msdh";
  /** tfhd flags: default-base-is-moof (data offsets count from the moof's first byte), §8.8.7.1. */
  static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
  static final int TFHD_DEFAULT_SAMPLE_FLAGS_PRESENT = 0x000020;
  /** trun flags, §8.8.8.1. */
  static final int TRUN_DATA_OFFSET = 0x000001;
  static final int TRUN_SAMPLE_DURATION = 0x000100;
  static final int TRUN_SAMPLE_SIZE = 0x000200;
  static final int TRUN_SAMPLE_FLAGS = 0x000400;
  static final int TRUN_COMPOSITION_OFFSETS = 0x000800;
  /** sample_flags (§8.8.3.1): sample_depends_on 2 (an I picture), is_non_sync_sample 0. */
  static final int SAMPLE_FLAGS_SYNC = 0x02000000;
  /** sample_flags: sample_depends_on 1 (depends on others), sample_is_non_sync_sample 1. */
  static final int SAMPLE_FLAGS_NON_SYNC = 0x01010000;
  /** The identity matrix of mvhd and tkhd, §8.2.2.3 (16.16 and 2.30 fixed point). */
  private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

  private Boxes() {}

  /** The header of one track in the init segment. */
  record Track(int id, boolean audio, int timescale, int width, int height, byte[] sampleEntry) {}

  /**
   * The samples of one track in a fragment (a track run): decode time of the first, then per sample duration, size,
   * flags and composition offset ({@code flags}/{@code compositionOffsets} null for audio: every sample is a sync
   * sample and PTS = DTS).
   */
  record Run(int trackId, long baseDecodeTime, int[] durations, int[] sizes, int[] flags, int[] compositionOffsets) {
    int count() {
      return sizes.length;
    }
  }

  /** ftyp, §4.3; with {@code cmaf} the CMAF track brand too. */
  static byte[] ftyp(boolean cmaf) {
    BoxBuffer b = new BoxBuffer(32);
    int box = b.begin("ftyp");
    b.fourCc(INIT_BRANDS.get(0)).u32(0); // major_brand, minor_version
    for (String brand : INIT_BRANDS) b.fourCc(brand);
    if (cmaf) b.fourCc(CMAF_BRAND);
    b.end(box);
    return b.toByteArray();
  }

  /** styp, §8.16.2: same syntax as ftyp. */
  static byte[] styp() {
    BoxBuffer b = new BoxBuffer(24);
    int box = b.begin("styp");
    b.fourCc(SEGMENT_BRAND).u32(0).fourCc(SEGMENT_BRAND);
    b.end(box);
    return b.toByteArray();
  }

  /**
   * moov, §8.2.1: mvhd, one trak per track with empty sample tables (the samples are in the fragments), and mvex
   * with one trex per track (§8.8.3) saying fragments follow.
   */
  static byte[] moov(List<Track> tracks) {
    BoxBuffer b = new BoxBuffer(1024);
    int moov = b.begin("moov");
    mvhd(b, tracks.size() + 1);
    for (Track t : tracks) trak(b, t);
    int mvex = b.begin("mvex");
    for (Track t : tracks) {
      int trex = b.beginFull("trex", 0, 0);
      b.u32(t.id()).u32(1).u32(0).u32(0).u32(0); // track_ID, sample description 1, no other defaults
      b.end(trex);
    }
    b.end(mvex);
    b.end(moov);
    return b.toByteArray();
  }

  /**
   * moof, §8.8.4: mfhd with the sequence number (§8.8.5), then one traf per run: tfhd (§8.8.7, default-base-is-moof),
   * tfdt version 1 (§8.8.12, 64-bit baseMediaDecodeTime) and trun (§8.8.8) whose data_offset points at the run's
   * first sample; {@code dataOffsets[i]} counts from the moof's first byte.
   */
  static byte[] moof(int sequenceNumber, List<Run> runs, int[] dataOffsets) {
    BoxBuffer b = new BoxBuffer(256 + runs.stream().mapToInt(r -> 16 * r.count()).sum());
    int moof = b.begin("moof");
    int mfhd = b.beginFull("mfhd", 0, 0);
    b.u32(sequenceNumber);
    b.end(mfhd);
    for (int i = 0; i < runs.size(); i++) traf(b, runs.get(i), dataOffsets[i]);
    b.end(moof);
    return b.toByteArray();
  }

  /** The 8-byte header of an mdat box (§8.1.1) holding {@code payloadSize} bytes. */
  static byte[] mdatHeader(long payloadSize) {
    if (payloadSize + 8 > 0xFFFF_FFFFL) throw new IllegalArgumentException("mdat over 4 GiB");
    BoxBuffer b = new BoxBuffer(8);
    b.u32(payloadSize + 8).fourCc("mdat");
    return b.toByteArray();
  }

  private static void traf(BoxBuffer b, Run run, int dataOffset) {
    boolean video = run.flags() != null;
    int traf = b.begin("traf");
    int tfhdFlags = TFHD_DEFAULT_BASE_IS_MOOF | (video ? 0 : TFHD_DEFAULT_SAMPLE_FLAGS_PRESENT);
    int tfhd = b.beginFull("tfhd", 0, tfhdFlags);
    b.u32(run.trackId());
    if (!video) b.u32(SAMPLE_FLAGS_SYNC); // default_sample_flags: every audio sample is a sync sample
    b.end(tfhd);
    int tfdt = b.beginFull("tfdt", 1, 0);
    b.u64(run.baseDecodeTime());
    b.end(tfdt);
    // Version 1: signed sample_composition_time_offset, so B-frames need no edit list (§8.8.8.3).
    int trunFlags = TRUN_DATA_OFFSET | TRUN_SAMPLE_DURATION | TRUN_SAMPLE_SIZE
        | (video ? TRUN_SAMPLE_FLAGS | TRUN_COMPOSITION_OFFSETS : 0);
    int trun = b.beginFull("trun", video ? 1 : 0, trunFlags);
    b.u32(run.count()).u32(dataOffset);
    for (int i = 0; i < run.count(); i++) {
      b.u32(run.durations()[i]).u32(run.sizes()[i]);
      if (video) b.u32(run.flags()[i]).u32(run.compositionOffsets()[i]);
    }
    b.end(trun);
    b.end(traf);
  }

  /** mvhd version 0, §8.2.2: no times, rate 1.0, volume 1.0, identity matrix. */
  private static void mvhd(BoxBuffer b, int nextTrackId) {
    int mvhd = b.beginFull("mvhd", 0, 0);
    b.u32(0).u32(0).u32(MOVIE_TIMESCALE).u32(0); // creation, modification, timescale, duration
    b.u32(0x00010000).u16(0x0100).zeros(10); // rate, volume, reserved
    for (int m : UNITY_MATRIX) b.u32(m);
    b.zeros(24).u32(nextTrackId); // pre_defined[6], next_track_ID
    b.end(mvhd);
  }

  private static void trak(BoxBuffer b, Track t) {
    int trak = b.begin("trak");
    int tkhd = b.beginFull("tkhd", 0, 0x000003); // track_enabled | track_in_movie, §8.3.2
    b.u32(0).u32(0).u32(t.id()).u32(0).u32(0); // creation, modification, track_ID, reserved, duration
    b.zeros(8).u16(0).u16(0).u16(t.audio() ? 0x0100 : 0).u16(0); // reserved, layer, alternate_group, volume
    for (int m : UNITY_MATRIX) b.u32(m);
    b.u32((long) t.width() << 16).u32((long) t.height() << 16); // 16.16 fixed point
    b.end(tkhd);
    mdia(b, t);
    b.end(trak);
  }

  /** mdia, §8.4: mdhd with the track's timescale, hdlr, and minf with the media header and the sample table. */
  private static void mdia(BoxBuffer b, Track t) {
    int mdia = b.begin("mdia");
    int mdhd = b.beginFull("mdhd", 0, 0); // §8.4.2
    b.u32(0).u32(0).u32(t.timescale()).u32(0);
    b.u16(0x55C4).u16(0); // language "und" as three 5-bit letters (ISO 639-2/T), pre_defined
    b.end(mdhd);
    int hdlr = b.beginFull("hdlr", 0, 0); // §8.4.3
    b.u32(0).fourCc(t.audio() ? "soun" : "vide").zeros(12);
    b.bytes((t.audio() ? "SoundHandler\0" : "VideoHandler\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.end(hdlr);
    int minf = b.begin("minf");
    if (t.audio()) {
      int smhd = b.beginFull("smhd", 0, 0); // §12.2.2: balance 0, reserved
      b.u16(0).u16(0);
      b.end(smhd);
    } else {
      int vmhd = b.beginFull("vmhd", 0, 1); // §12.1.2: flags 1, graphicsmode copy, opcolor 0
      b.zeros(8);
      b.end(vmhd);
    }
    int dinf = b.begin("dinf"); // §8.7.1: one self-contained data reference ('url ' with flags 1)
    int dref = b.beginFull("dref", 0, 0);
    b.u32(1);
    int url = b.beginFull("url ", 0, 1);
    b.end(url);
    b.end(dref);
    b.end(dinf);
    stbl(b, t.sampleEntry());
    b.end(minf);
    b.end(mdia);
  }

  /** stbl, §8.5.1: stsd with the sample entry, empty stts, stsc, stsz and stco (all samples are in fragments). */
  private static void stbl(BoxBuffer b, byte[] sampleEntry) {
    int stbl = b.begin("stbl");
    int stsd = b.beginFull("stsd", 0, 0);
    b.u32(1).bytes(sampleEntry);
    b.end(stsd);
    for (String empty : List.of("stts", "stsc")) {
      int box = b.beginFull(empty, 0, 0);
      b.u32(0);
      b.end(box);
    }
    int stsz = b.beginFull("stsz", 0, 0);
    b.u32(0).u32(0); // sample_size 0, sample_count 0
    b.end(stsz);
    int stco = b.beginFull("stco", 0, 0);
    b.u32(0);
    b.end(stco);
    b.end(stbl);
  }
}
