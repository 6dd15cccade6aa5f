package io.ipchls.device.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.ByteRange;
import io.ipchls.device.codec.Container;
import io.ipchls.device.segment.InitSegment;
import io.ipchls.device.segment.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentSpoolTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path dir;

  private static Segment segment(long seq, int size, boolean jump) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) bytes[i] = (byte) (seq * 31 + i);
    return new Segment(bytes, 1_700_000_000_000L + seq * 3_000, /* durationMs= */ 3_000, seq, /* width= */ 640,
        /* height= */ 360, "avc1.42c01e", Segment.sha256Hex(bytes), jump);
  }

  private static List<Segment> drain(SegmentSpool spool) {
    List<Segment> out = new ArrayList<>();
    for (var e = spool.oldest(); e.isPresent(); e = spool.oldest()) {
      spool.read(e.get()).ifPresent(out::add);
      spool.remove(e.get());
    }
    return out;
  }

  @Test
  void put_thenRead_givesTheSegmentBackAsCut_oldestFirst() {
    SegmentSpool spool = new SegmentSpool(dir, 4 * MIB);
    spool.put(segment(/* seq= */ 2, /* size= */ 1000, /* jump= */ false));
    spool.put(segment(/* seq= */ 0, /* size= */ 1000, /* jump= */ true));
    spool.put(segment(/* seq= */ 1, /* size= */ 1000, /* jump= */ false));
    assertEquals(3, spool.size());
    assertEquals(3000, spool.bytes());
    List<Segment> out = drain(spool);
    assertEquals(List.of(0L, 1L, 2L), out.stream().map(Segment::seq).toList());
    Segment s0 = segment(/* seq= */ 0, /* size= */ 1000, /* jump= */ true);
    assertArrayEquals(s0.bytes(), out.get(0).bytes());
    assertEquals(s0.startEpochMs(), out.get(0).startEpochMs());
    assertEquals(s0.sha256(), out.get(0).sha256());
    assertTrue(out.get(0).clockJump());
    assertEquals(0, spool.size());
    assertEquals(0, spool.bytes());
  }

  @Test
  void fmp4Segment_afterARestart_comesBackWithItsInitSegment() {
    byte[] init = {0, 0, 0, 8, 'f', 't', 'y', 'p'};
    byte[] media = {0, 0, 0, 8, 's', 't', 'y', 'p'};
    Segment s = new Segment(media, 1_700_000_000_000L, 3_000, 4, 640, 360, "hvc1.1.6.L93.B0,fLaC",
        Segment.sha256Hex(media), false, 25, Container.FMP4, InitSegment.of(init));
    assertTrue(new SegmentSpool(dir, 4 * MIB).put(s));
    List<Segment> out = drain(new SegmentSpool(dir, 4 * MIB)); // a new process
    assertEquals(1, out.size());
    assertEquals(Container.FMP4, out.get(0).container());
    assertArrayEquals(init, out.get(0).init().bytes());
    assertEquals(s.init().sha256(), out.get(0).init().sha256());
    assertEquals("hvc1.1.6.L93.B0,fLaC", out.get(0).codec());
  }

  @Test
  void segmentWithThumbnailAndKeyFrame_afterARestart_comesBackWithBoth_andTheThumbnailGoesWithIt() throws IOException {
    byte[] media = new byte[376];
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3};
    Segment s = new Segment(media, 1_700_000_000_000L, 3_000, 4, 640, 360, "avc1.42c01e", Segment.sha256Hex(media),
        false, 25, Container.TS, null, /* discontinuity= */ true, new ByteRange(0, 188), jpeg);
    assertTrue(new SegmentSpool(dir, 4 * MIB).put(s));
    SegmentSpool reopened = new SegmentSpool(dir, 4 * MIB); // a new process
    List<Segment> out = drain(reopened);
    assertEquals(1, out.size());
    assertArrayEquals(jpeg, out.get(0).thumbnail());
    assertEquals(new ByteRange(0, 188), out.get(0).keyFrame());
    assertTrue(out.get(0).discontinuity(), "the discontinuity mark survives the spool");
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(f -> !Files.isDirectory(f)).toList(), "the thumbnail left with its segment");
    }
  }

  @Test
  void fmp4Segment_whoseInitSegmentIsCorrupt_isDiscarded_neverUploadedWithout() throws IOException {
    byte[] init = {0, 0, 0, 8, 'f', 't', 'y', 'p'};
    byte[] media = {0, 0, 0, 8, 's', 't', 'y', 'p'};
    InitSegment initSegment = InitSegment.of(init);
    SegmentSpool spool = new SegmentSpool(dir, 4 * MIB);
    spool.put(new Segment(media, 1_700_000_000_000L, 3_000, 4, 640, 360, "avc1.42c01e", Segment.sha256Hex(media),
        false, 25, Container.FMP4, initSegment));
    Files.write(dir.resolve("init").resolve(initSegment.sha256() + ".mp4"), new byte[] {1, 2, 3});
    SegmentSpool reopened = new SegmentSpool(dir, 4 * MIB);
    assertTrue(drain(reopened).isEmpty());
    assertEquals(1, reopened.discarded());
  }

  @Test
  void overTheByteLimit_wholeOldestSegmentsAreDeleted_andCounted() {
    SegmentSpool spool = new SegmentSpool(dir, MIB);
    for (int i = 0; i < 5; i++) spool.put(segment(/* seq= */ i, /* size= */ 300 * 1024, /* jump= */ false));
    assertEquals(3, spool.size());
    assertEquals(2, spool.dropped());
    assertEquals(List.of(2L, 3L, 4L), drain(spool).stream().map(Segment::seq).toList());
  }

  @Test
  void reopen_findsWhatAnEarlierRunLeft() {
    SegmentSpool first = new SegmentSpool(dir, 4 * MIB);
    first.put(segment(/* seq= */ 7, /* size= */ 5000, /* jump= */ false));
    first.put(segment(/* seq= */ 8, /* size= */ 6000, /* jump= */ false));
    SegmentSpool second = new SegmentSpool(dir, 4 * MIB);
    assertEquals(2, second.size());
    assertEquals(11000, second.bytes());
    assertEquals(List.of(7L, 8L), drain(second).stream().map(Segment::seq).toList());
  }

  @Test
  void corruptBytes_areDiscarded_neverHandedOut() throws IOException {
    SegmentSpool spool = new SegmentSpool(dir, 4 * MIB);
    spool.put(segment(/* seq= */ 0, /* size= */ 1000, /* jump= */ false));
    spool.put(segment(/* seq= */ 1, /* size= */ 1000, /* jump= */ false));
    Path ts = files(".ts").get(0);
    byte[] bytes = Files.readAllBytes(ts);
    bytes[10] ^= 0x55;
    Files.write(ts, bytes);
    List<Segment> out = drain(spool);
    assertEquals(List.of(1L), out.stream().map(Segment::seq).toList());
    assertEquals(1, spool.discarded());
    assertTrue(files(".ts").isEmpty());
  }

  @Test
  void incompleteEntries_fromACrashMidWrite_areDeletedOnOpen() throws IOException {
    SegmentSpool spool = new SegmentSpool(dir, 4 * MIB);
    spool.put(segment(/* seq= */ 0, /* size= */ 1000, /* jump= */ false));
    spool.put(segment(/* seq= */ 1, /* size= */ 1000, /* jump= */ false));
    Files.delete(files(".json").get(1)); // bytes written, metadata not yet
    Files.write(dir.resolve("x.ts.tmp"), new byte[10]); // a write that never finished
    SegmentSpool reopened = new SegmentSpool(dir, 4 * MIB);
    assertEquals(1, reopened.size());
    assertEquals(List.of(".json", ".ts"), Stream.concat(files(".json").stream(), files(".ts").stream())
        .map(p -> p.toString().substring(p.toString().lastIndexOf('.'))).toList());
    assertFalse(Files.exists(dir.resolve("x.ts.tmp")));
  }

  private List<Path> files(String ext) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(ext)).sorted().toList();
    }
  }
}
