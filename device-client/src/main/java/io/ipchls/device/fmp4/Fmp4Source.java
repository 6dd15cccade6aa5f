package io.ipchls.device.fmp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a fragmented MP4 media segment with its init segment (ISO/IEC 14496-12) into a {@link ClipSegment}: from the
 * init, each track's handler, timescale, picture size, sample entry and trex defaults; from each moof, the trafs' tfhd,
 * tfdt and truns; the samples' bytes from the mdat they point into. One video track (vide) and the first audio track
 * (soun) are kept.
 */
final class Fmp4Source {
  /** tfhd flags, §8.8.7.1. */
  private static final int TFHD_BASE_DATA_OFFSET = 0x000001;
  private static final int TFHD_SAMPLE_DESCRIPTION_INDEX = 0x000002;
  private static final int TFHD_DEFAULT_DURATION = 0x000008;
  private static final int TFHD_DEFAULT_SIZE = 0x000010;
  private static final int TFHD_DEFAULT_FLAGS = 0x000020;
  /** trun flags, §8.8.8.1. */
  private static final int TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
  /** sample_is_non_sync_sample in sample flags, §8.8.3.1. */
  private static final int SAMPLE_NON_SYNC = 0x00010000;
  /** The most samples one trun may declare here: a bound against junk (a 3 s segment has a few hundred). */
  private static final int MAX_TRUN_SAMPLES = 1 << 20;

  /** What the init says about one track. */
  private record Track(int id, boolean video, int timescale, int width, int height, byte[] sampleEntry,
      int defaultDuration, int defaultSize, int defaultFlags) {}

  private Fmp4Source() {}

  static ClipSegment read(byte[] init, byte[] segment) {
    Map<Integer, Track> tracks = tracks(init);
    Track video = tracks.values().stream().filter(Track::video).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the init segment has no video track"));
    Track audio = tracks.values().stream().filter(t -> !t.video()).findFirst().orElse(null);
    List<ClipSegment.Sample> videoSamples = new ArrayList<>();
    List<ClipSegment.Sample> audioSamples = new ArrayList<>();
    for (int pos = 0; pos < segment.length; ) {
      long size = boxSize(segment, pos);
      if (type(segment, pos).equals("moof")) {
        moof(segment, pos, (int) size, tracks, video, audio, videoSamples, audioSamples);
      }
      pos += size;
    }
    int first = 0; // before the first sync sample nothing can be decoded
    while (first < videoSamples.size() && !videoSamples.get(first).sync()) first++;
    if (first == videoSamples.size()) throw new IllegalArgumentException("the segment has no key frame");
    return new ClipSegment(new ClipSegment.Config(video.sampleEntry(), video.timescale(), video.width(),
        video.height()), audio == null ? null : new ClipSegment.Config(audio.sampleEntry(), audio.timescale(), 0, 0),
        List.copyOf(videoSamples.subList(first, videoSamples.size())), List.copyOf(audioSamples));
  }

  /** moov/trak (tkhd, mdia/mdhd, hdlr, minf/stbl/stsd) and moov/mvex/trex, §8.2 to §8.8.3. */
  private static Map<Integer, Track> tracks(byte[] init) {
    int moov = find(init, 0, init.length, "moov");
    int moovEnd = moov + (int) boxSize(init, moov);
    Map<Integer, int[]> trex = new HashMap<>();
    int mvex = find(init, moov + 8, moovEnd, "mvex");
    if (mvex >= 0) {
      for (int p = mvex + 8; p < mvex + boxSize(init, mvex); p += (int) boxSize(init, p)) {
        if (type(init, p).equals("trex")) {
          trex.put(u32(init, p + 12), new int[] {u32(init, p + 20), u32(init, p + 24), u32(init, p + 28)});
        }
      }
    }
    Map<Integer, Track> tracks = new HashMap<>();
    for (int p = moov + 8; p < moovEnd; p += (int) boxSize(init, p)) {
      if (!type(init, p).equals("trak")) continue;
      int end = p + (int) boxSize(init, p);
      int tkhd = find(init, p + 8, end, "tkhd");
      boolean v1 = init[tkhd + 8] == 1;
      int id = u32(init, tkhd + (v1 ? 28 : 20));
      int dims = tkhd + (v1 ? 96 : 84); // width, height: 16.16 after the matrix
      int mdia = find(init, p + 8, end, "mdia");
      int mdiaEnd = mdia + (int) boxSize(init, mdia);
      int mdhd = find(init, mdia + 8, mdiaEnd, "mdhd");
      int timescale = u32(init, mdhd + (init[mdhd + 8] == 1 ? 28 : 20));
      int hdlr = find(init, mdia + 8, mdiaEnd, "hdlr");
      String handler = type(init, hdlr + 12);
      int minf = find(init, mdia + 8, mdiaEnd, "minf");
      int stbl = find(init, minf + 8, minf + (int) boxSize(init, minf), "stbl");
      int stsd = find(init, stbl + 8, stbl + (int) boxSize(init, stbl), "stsd");
      int entry = stsd + 16; // FullBox header, entry_count
      byte[] sampleEntry = Arrays.copyOfRange(init, entry, entry + (int) boxSize(init, entry));
      int[] d = trex.getOrDefault(id, new int[3]);
      if (handler.equals("vide") || handler.equals("soun")) {
        tracks.putIfAbsent(id, new Track(id, handler.equals("vide"), timescale, u32(init, dims) >>> 16,
            u32(init, dims + 4) >>> 16, sampleEntry, d[0], d[1], d[2]));
      }
    }
    return tracks;
  }

  /** One moof and the trafs in it, §8.8.4; sample data offsets count from the moof (default-base-is-moof). */
  private static void moof(byte[] b, int moof, int size, Map<Integer, Track> tracks, Track video, Track audio,
      List<ClipSegment.Sample> videoSamples, List<ClipSegment.Sample> audioSamples) {
    for (int traf = moof + 8; traf < moof + size; traf += (int) boxSize(b, traf)) {
      if (!type(b, traf).equals("traf")) continue;
      int trafEnd = traf + (int) boxSize(b, traf);
      int tfhd = find(b, traf + 8, trafEnd, "tfhd");
      int flags = u32(b, tfhd + 8) & 0xFFFFFF;
      Track track = tracks.get(u32(b, tfhd + 12));
      if (track == null || (track != video && track != audio)) continue;
      int p = tfhd + 16;
      long base = moof;
      if ((flags & TFHD_BASE_DATA_OFFSET) != 0) {
        base = ((long) u32(b, p) << 32) | (u32(b, p + 4) & 0xFFFF_FFFFL);
        p += 8;
      }
      if ((flags & TFHD_SAMPLE_DESCRIPTION_INDEX) != 0) p += 4;
      int defDuration = track.defaultDuration();
      int defSize = track.defaultSize();
      int defFlags = track.defaultFlags();
      if ((flags & TFHD_DEFAULT_DURATION) != 0) { defDuration = u32(b, p); p += 4; }
      if ((flags & TFHD_DEFAULT_SIZE) != 0) { defSize = u32(b, p); p += 4; }
      if ((flags & TFHD_DEFAULT_FLAGS) != 0) defFlags = u32(b, p);
      int tfdt = find(b, traf + 8, trafEnd, "tfdt"); // §8.8.12
      long decodeTime = tfdt < 0 ? 0 : b[tfdt + 8] == 1
          ? ((long) u32(b, tfdt + 12) << 32) | (u32(b, tfdt + 16) & 0xFFFF_FFFFL) : u32(b, tfdt + 12) & 0xFFFF_FFFFL;
      for (int t = traf + 8; t < trafEnd; t += (int) boxSize(b, t)) {
        if (!type(b, t).equals("trun")) continue;
        decodeTime = trun(b, t, base, decodeTime, track, defDuration, defSize, defFlags,
            track == video ? videoSamples : audioSamples);
      }
    }
  }

  /** trun, §8.8.8: per sample the present fields, else the defaults; returns the decode time after its last sample. */
  private static long trun(byte[] b, int trun, long base, long decodeTime, Track track, int defDuration,
      int defSize, int defFlags, List<ClipSegment.Sample> out) {
    int version = b[trun + 8];
    int flags = u32(b, trun + 8) & 0xFFFFFF;
    int count = u32(b, trun + 12);
    if (count < 0 || count > MAX_TRUN_SAMPLES) throw new IllegalArgumentException("trun of " + count + " samples");
    int p = trun + 16;
    long data = base;
    if ((flags & Boxes.TRUN_DATA_OFFSET) != 0) { data = base + u32(b, p); p += 4; }
    int firstFlags = defFlags;
    boolean hasFirst = (flags & TRUN_FIRST_SAMPLE_FLAGS) != 0;
    if (hasFirst) { firstFlags = u32(b, p); p += 4; }
    for (int i = 0; i < count; i++) {
      int duration = defDuration;
      int size = defSize;
      int sampleFlags = i == 0 && hasFirst ? firstFlags : defFlags;
      int offset = 0;
      if ((flags & Boxes.TRUN_SAMPLE_DURATION) != 0) { duration = u32(b, p); p += 4; }
      if ((flags & Boxes.TRUN_SAMPLE_SIZE) != 0) { size = u32(b, p); p += 4; }
      if ((flags & Boxes.TRUN_SAMPLE_FLAGS) != 0) { sampleFlags = u32(b, p); p += 4; }
      if ((flags & Boxes.TRUN_COMPOSITION_OFFSETS) != 0) {
        offset = u32(b, p); // version 0: unsigned; version 1: signed (§8.8.8.3)
        if (version == 0 && offset < 0) throw new IllegalArgumentException("composition offset over 2^31");
        p += 4;
      }
      if (size < 0 || data + size > b.length) throw new IllegalArgumentException("a sample runs past the segment");
      long dts90 = Math.round(decodeTime * (double) ClipPlanner.VIDEO_TIMESCALE / track.timescale());
      long pts90 = Math.round((decodeTime + offset) * (double) ClipPlanner.VIDEO_TIMESCALE / track.timescale());
      boolean sync = !track.video() || (sampleFlags & SAMPLE_NON_SYNC) == 0;
      out.add(new ClipSegment.Sample(dts90 & ClipSegment.TIMESTAMP_MASK, pts90 & ClipSegment.TIMESTAMP_MASK,
          duration, offset, sync, Arrays.copyOfRange(b, (int) data, (int) data + size)));
      data += size;
      decodeTime += duration & 0xFFFF_FFFFL;
    }
    return decodeTime;
  }

  /** The first box of {@code type} among the boxes in [from, to), or -1. */
  private static int find(byte[] b, int from, int to, String type) {
    for (int p = from; p + 8 <= to; p += (int) boxSize(b, p)) {
      if (type(b, p).equals(type)) return p;
    }
    if (type.equals("tfdt") || type.equals("mvex")) return -1;
    throw new IllegalArgumentException("no " + type + " box");
  }

  /** A box's size, §4.2: 32-bit, or 1 then a 64-bit largesize; checked against the buffer. */
  private static long boxSize(byte[] b, int pos) {
    if (pos + 8 > b.length) throw new IllegalArgumentException("a box header runs past the end at " + pos);
    long size = u32(b, pos) & 0xFFFF_FFFFL;
    if (size == 1) size = ((long) u32(b, pos + 8) << 32) | (u32(b, pos + 12) & 0xFFFF_FFFFL);
    if (size == 0) size = b.length - pos; // extends to the end of the file
    if (size < 8 || pos + size > b.length) throw new IllegalArgumentException("a box of " + size + " bytes at " + pos);
    return size;
  }

  private static String type(byte[] b, int pos) {
    return new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static int u32(byte[] b, int p) {
    return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
  }
}
