package io.ipchls.device.fmp4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Our own ISOBMFF reader for tests, written from ISO/IEC 14496-12 independently of the muxer's builders: splits bytes
 * into a box tree (descending into containers and sample entries), and decodes the fragment boxes the tests check.
 */
final class TestBoxes {
  private static final List<String> CONTAINERS =
      List.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf");
  /** Bytes before the child boxes of a sample entry: 8 (SampleEntry) + 70 (visual) or + 20 (audio). */
  private static final List<String> VISUAL = List.of("avc1", "hvc1");
  private static final List<String> AUDIO = List.of("mp4a", "fLaC");

  /** One box: its type, where it starts in the parsed bytes, its total size, and its children. */
  record Box(String type, int start, int size, List<Box> children, byte[] file) {
    int payload() {
      return start + 8;
    }

    Box child(String path) {
      Box b = this;
      for (String t : path.split("/")) {
        Box found = null;
        for (Box c : b.children) {
          if (c.type.equals(t)) {
            found = c;
            break;
          }
        }
        if (found == null) throw new AssertionError("no " + t + " in " + b.type);
        b = found;
      }
      return b;
    }

    List<Box> all(String type) {
      return children.stream().filter(c -> c.type.equals(type)).toList();
    }

    byte[] bytes() {
      return java.util.Arrays.copyOfRange(file, start, start + size);
    }

    long u32(int offsetInBox) {
      return TestBoxes.u32(file, start + offsetInBox);
    }
  }

  /** A trun's fields (§8.8.8): sample count, data offset, per-sample duration, size, flags, composition offset. */
  record Trun(int version, int flags, int count, int dataOffset, int[] durations, int[] sizes, int[] sampleFlags,
      int[] compositionOffsets) {}

  private TestBoxes() {}

  /** The top-level boxes of {@code file}, each with its descendants. */
  static List<Box> parse(byte[] file) {
    return parse(file, 0, file.length);
  }

  static Box top(byte[] file, String type) {
    return parse(file).stream().filter(b -> b.type.equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no top-level " + type));
  }

  private static List<Box> parse(byte[] f, int from, int to) {
    List<Box> boxes = new ArrayList<>();
    int pos = from;
    while (pos < to) {
      if (to - pos < 8) throw new AssertionError("truncated box header at " + pos);
      int size = (int) u32(f, pos);
      String type = new String(f, pos + 4, 4, StandardCharsets.US_ASCII);
      if (size < 8 || pos + size > to) throw new AssertionError("bad size " + size + " of " + type + " at " + pos);
      List<Box> children = List.of();
      if (CONTAINERS.contains(type)) children = parse(f, pos + 8, pos + size);
      if (type.equals("stsd")) children = parse(f, pos + 16, pos + size);
      if (type.equals("dref")) children = parse(f, pos + 16, pos + size);
      if (VISUAL.contains(type)) children = parse(f, pos + 8 + 78, pos + size);
      if (AUDIO.contains(type)) children = parse(f, pos + 8 + 28, pos + size);
      boxes.add(new Box(type, pos, size, children, f));
      pos += size;
    }
    return boxes;
  }

  static Trun trun(Box trun) {
    byte[] f = trun.file();
    int p = trun.payload();
    int version = f[p] & 0xFF;
    int flags = (int) (u32(f, p) & 0xFFFFFF);
    int count = (int) u32(f, p + 4);
    p += 8;
    int dataOffset = 0;
    if ((flags & 0x1) != 0) {
      dataOffset = (int) u32(f, p);
      p += 4;
    }
    if ((flags & 0x4) != 0) p += 4; // first_sample_flags
    int[] d = new int[count];
    int[] s = new int[count];
    int[] fl = new int[count];
    int[] c = new int[count];
    for (int i = 0; i < count; i++) {
      if ((flags & 0x100) != 0) { d[i] = (int) u32(f, p); p += 4; }
      if ((flags & 0x200) != 0) { s[i] = (int) u32(f, p); p += 4; }
      if ((flags & 0x400) != 0) { fl[i] = (int) u32(f, p); p += 4; }
      if ((flags & 0x800) != 0) { c[i] = (int) u32(f, p); p += 4; }
    }
    if (p != trun.start() + trun.size()) throw new AssertionError("trun size does not match its fields");
    return new Trun(version, flags, count, dataOffset, d, s, fl, c);
  }

  /** tfdt's baseMediaDecodeTime (version 0: 32 bits, 1: 64 bits), §8.8.12. */
  static long baseMediaDecodeTime(Box tfdt) {
    byte[] f = tfdt.file();
    int p = tfdt.payload();
    return (f[p] & 0xFF) == 1 ? (u32(f, p + 4) << 32) | u32(f, p + 8) : u32(f, p + 4);
  }

  static long u32(byte[] f, int pos) {
    return ((f[pos] & 0xFFL) << 24) | ((f[pos + 1] & 0xFFL) << 16) | ((f[pos + 2] & 0xFFL) << 8) | (f[pos + 3] & 0xFFL);
  }
}
