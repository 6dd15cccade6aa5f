package io.ipchls.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.segment.Frame;
import io.ipchls.device.segment.Segment;
import io.ipchls.device.sim.SimulatedCamera;
import io.ipchls.device.testing.SegmentChecks;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.SegmentNotification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The anchor-style lifecycle against the embedded S3 server, with the credentials an application would set, and
 * every bad-input case of the issue, each its own test: a clear exception at the API edge or a counted drop, and
 * never a corrupt segment in the bucket.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeviceSdkTest {
  static final LocalStack stack = LocalStack.sharedForTests();
  static final int FPS = 10;
  static List<Frame> gop;
  static S3Client root;
  @TempDir Path scratch;

  @BeforeAll
  static void encode() {
    List<Frame> frames = new ArrayList<>();
    new SimulatedCamera(/* width= */ 320, /* height= */ 180, FPS, FPS, "sdk", frames::add).generate(FPS);
    gop = List.copyOf(frames);
    root = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .region(Region.US_EAST_1).forcePathStyle(true).endpointOverride(stack.s3().endpoint()).build();
  }

  @AfterAll
  static void close() {
    root.close();
  }

  /** Frame i of a 1 s GOP loop as the encoder's pack: one item per NAL unit, 4-byte start codes. */
  static FramePack pack(long i) {
    Frame f = gop.get((int) (i % gop.size()));
    List<FrameItem> items = f.nals().stream().map(n -> FrameItem.of(AnnexB.join(List.of(n)))).toList();
    return new FramePack(i * 1_000_000L / FPS, items);
  }

  private final List<SegmentNotification> uploaded = new CopyOnWriteArrayList<>();

  DeviceSdk sdk(String prefix) {
    DeviceSdk sdk = DeviceSdk.initialize(4 << 20, "us-east-1", stack.s3().bucket(), prefix, stack.s3().endpoint());
    sdk.setCredential(stack.options().s3AccessKey(), stack.options().s3SecretKey(), null);
    sdk.setSegmentSeconds(1);
    sdk.onUploaded(uploaded::add);
    return sdk;
  }

  static String prefix(String label) {
    return "sdk-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  List<String> stored(String prefix) {
    return root.listObjectsV2Paginator(b -> b.bucket(stack.s3().bucket()).prefix(prefix + "/")).contents().stream()
        .map(o -> o.key()).toList();
  }

  @Test
  void h265Packs_withBFrames_uploadHevcSegmentsThatDecode() throws Exception {
    io.ipchls.device.testing.EncodedClip clip = io.ipchls.device.testing.EncodedClip.x265(scratch, 2);
    String prefix = prefix("hevc");
    DeviceSdk sdk = sdk(prefix);
    sdk.setVideoCodec(io.ipchls.device.codec.VideoCodec.H265);
    sdk.startUpload();
    for (var p : clip.pictures()) {
      List<FrameItem> items = p.nals().stream().map(n -> FrameItem.of(AnnexB.join(List.of(n)))).toList();
      sdk.putVideoFrame(new FramePack(p.pts90k() * 100 / 9, items)); // PTS only: the SDK derives the DTS
    }
    sdk.finish();
    assertEquals(List.of(1_000L, 1_000L), uploaded.stream().map(SegmentNotification::durationMs).toList());
    for (SegmentNotification n : uploaded) {
      assertTrue(n.codec().startsWith("hvc1.1.6.L"), n.codec());
      Path file = scratch.resolve(n.seq() + ".ts");
      java.nio.file.Files.write(file, root.getObjectAsBytes(b -> b.bucket(stack.s3().bucket()).key(n.key()))
          .asByteArray());
      assertEquals(List.of("hevc,video"), io.ipchls.device.testing.Ffprobe.streams(file));
      assertEquals("", io.ipchls.device.testing.Ffmpeg.decodeStrictly(file));
    }
  }

  @Test
  void lifecycle_initializeSetCredentialStartPutFinish_uploadsValidSegments_lastOneIncluded() throws Exception {
    String prefix = prefix("life");
    DeviceSdk sdk = sdk(prefix);
    sdk.setTag("site", "north");
    sdk.startUpload();
    for (int i = 0; i < 35; i++) sdk.putVideoFrame(pack(i)); // 3.5 s: three full segments and a half one
    sdk.finish();
    assertEquals(List.of(0L, 1L, 2L, 3L), uploaded.stream().map(SegmentNotification::seq).toList());
    assertEquals(List.of(1_000L, 1_000L, 1_000L, 500L), uploaded.stream().map(SegmentNotification::durationMs).toList());
    assertEquals(List.of(1, 1, 1, 1), uploaded.stream().map(SegmentNotification::targetSeconds).toList(),
        "each announces the configured length (the last, shorter one too): the live target duration");
    assertEquals(uploaded.stream().map(SegmentNotification::key).sorted().toList(), stored(prefix));
    for (SegmentNotification n : uploaded) {
      var object = root.getObjectAsBytes(b -> b.bucket(stack.s3().bucket()).key(n.key()));
      assertEquals("video/mp2t", object.response().contentType());
      assertEquals(n.sha256(), Segment.sha256Hex(object.asByteArray()));
      SegmentChecks.assertValidSegment(object.asByteArray(), scratch);
    }
    assertThrows(IllegalStateException.class, () -> sdk.putVideoFrame(pack(36)), "after finish");
  }

  @Test
  void twoPartItems_wrappingTheRingBuffer_andThreeByteStartCodes_giveTheSameVideo() throws Exception {
    String prefix = prefix("ring");
    DeviceSdk sdk = sdk(prefix);
    sdk.startUpload();
    byte[] ring = new byte[64 * 1024];
    int writePos = ring.length - 100; // the first item wraps at once
    for (int i = 0; i < 20; i++) {
      List<FrameItem> items = new ArrayList<>();
      for (byte[] nal : gop.get(i % gop.size()).nals()) {
        byte[] annexB = new byte[3 + nal.length]; // 3-byte start code 00 00 01
        annexB[2] = 1;
        System.arraycopy(nal, 0, annexB, 3, nal.length);
        for (int k = 0; k < annexB.length; k++) ring[(writePos + k) % ring.length] = annexB[k];
        items.add(FrameItem.inRing(ring, writePos, annexB.length));
        writePos = (writePos + annexB.length) % ring.length;
      }
      sdk.putVideoFrame(new FramePack(i * 100_000L, items));
    }
    sdk.finish();
    assertEquals(2, uploaded.size());
    // the same frames put in one piece with 4-byte start codes produce byte-identical segments
    List<SegmentNotification> ringUploads = List.copyOf(uploaded);
    uploaded.clear();
    DeviceSdk plain = sdk(prefix("plain"));
    plain.startUpload();
    for (int i = 0; i < 20; i++) plain.putVideoFrame(pack(i));
    plain.finish();
    assertEquals(ringUploads.stream().map(SegmentNotification::sha256).toList(),
        uploaded.stream().map(SegmentNotification::sha256).toList());
  }

  @Test
  void garbageBytes_areRefusedAtTheApiEdge() throws Exception {
    DeviceSdk sdk = sdk(prefix("garbage"));
    sdk.startUpload();
    byte[] garbage = new byte[500];
    Arrays.fill(garbage, (byte) 0x5A);
    var e = assertThrows(IllegalArgumentException.class, () -> sdk.putVideoFrame(FramePack.of(0, FrameItem.of(garbage))));
    assertTrue(e.getMessage().contains("garbage"), e.getMessage());
    byte[] forbidden = {0, 0, 0, 1, (byte) 0xE5, 0x11, 0x22}; // forbidden_zero_bit set
    assertThrows(IllegalArgumentException.class, () -> sdk.putVideoFrame(FramePack.of(0, FrameItem.of(forbidden))));
    assertGoodVideoStillFlows(sdk);
  }

  @Test
  void truncatedNalUnits_areRefusedAtTheApiEdge() throws Exception {
    DeviceSdk sdk = sdk(prefix("trunc"));
    sdk.startUpload();
    byte[] sps = gop.get(0).nals().get(0);
    byte[] cutSps = AnnexB.join(List.of(Arrays.copyOf(sps, 3))); // profile and constraints, nothing after
    var e = assertThrows(IllegalArgumentException.class, () -> sdk.putVideoFrame(FramePack.of(0, FrameItem.of(cutSps),
        FrameItem.of(AnnexB.join(List.of(new byte[] {0x65, 0x10}))))));
    assertTrue(e.getMessage().contains("SPS"), e.getMessage());
    byte[] headerOnlySlice = {0, 0, 0, 1, 0x65};
    e = assertThrows(IllegalArgumentException.class,
        () -> sdk.putVideoFrame(FramePack.of(0, FrameItem.of(headerOnlySlice))));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    byte[] tooShort = AnnexB.join(List.of(gop.get(0).nals().get(0)));
    assertThrows(IndexOutOfBoundsException.class,
        () -> new FrameItem(tooShort, /* off1= */ 0, tooShort.length + 10, /* part2= */ null, /* off2= */ 0,
            /* len2= */ 0),
        "an item longer than its buffer");
    assertGoodVideoStillFlows(sdk);
  }

  @Test
  void framesBeforeAnySps_areDroppedAndCounted_neverUploaded() throws Exception {
    String prefix = prefix("nosps");
    DeviceSdk sdk = sdk(prefix);
    sdk.startUpload();
    for (int i = 1; i < 10; i++) sdk.putVideoFrame(pack(i)); // P-frames: no SPS, PPS or IDR seen yet
    assertEquals(9, sdk.metrics().framesDropped());
    sdk.finish();
    assertEquals(List.of(), uploaded);
    assertEquals(List.of(), stored(prefix));
  }

  @Test
  void timestampsGoingBackwards_areRefusedAtTheApiEdge() throws Exception {
    DeviceSdk sdk = sdk(prefix("back"));
    sdk.startUpload();
    for (int i = 0; i < 5; i++) sdk.putVideoFrame(pack(i));
    FramePack earlier = new FramePack(200_000, pack(5).items()); // 0.2 s, after 0.4 s
    var e = assertThrows(IllegalArgumentException.class, () -> sdk.putVideoFrame(earlier));
    assertTrue(e.getMessage().contains("increase"), e.getMessage());
    for (int i = 5; i < 25; i++) sdk.putVideoFrame(pack(i));
    sdk.finish();
    assertEquals(List.of(1_000L, 1_000L, 500L), uploaded.stream().map(SegmentNotification::durationMs).toList());
  }

  @Test
  void zeroLengthParts_areRefusedAtTheApiEdge_butAnEmptySecondPartIsNormal() throws Exception {
    DeviceSdk sdk = sdk(prefix("zero"));
    sdk.startUpload();
    var e = assertThrows(IllegalArgumentException.class,
        () -> new FrameItem(new byte[8], /* off1= */ 0, /* len1= */ 0, new byte[8], /* off2= */ 0, /* len2= */ 0));
    assertTrue(e.getMessage().contains("zero length"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FrameItem.of(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new FramePack(0, List.of()), "a pack without items");
    assertGoodVideoStillFlows(sdk); // pack() uses items whose second part is empty
  }

  @Test
  void packWithTooManyItems_isRefusedAtTheApiEdge() {
    List<FrameItem> items = new ArrayList<>();
    for (int i = 0; i <= FramePack.MAX_ITEMS; i++) items.add(FrameItem.of(new byte[] {0, 0, 1, 0x41, 0x10}));
    var e = assertThrows(IllegalArgumentException.class, () -> new FramePack(0, items));
    assertTrue(e.getMessage().contains("at most " + FramePack.MAX_ITEMS), e.getMessage());
  }

  @Test
  void twoSdkInstances_inOneJvm_keepTheirOwnSettingsAndObjects() throws Exception {
    String pa = prefix("one");
    String pb = prefix("two");
    DeviceSdk a = sdk(pa);
    DeviceSdk b = sdk(pb);
    b.setSegmentSeconds(2);
    a.startUpload();
    b.startUpload();
    for (int i = 0; i < 40; i++) {
      a.putVideoFrame(pack(i));
      b.putVideoFrame(pack(i));
    }
    a.finish();
    b.finish();
    assertEquals(4, stored(pa).size());
    assertEquals(2, stored(pb).size());
  }

  /** After a refused pack the SDK goes on: a second of good frames becomes a valid segment. */
  private void assertGoodVideoStillFlows(DeviceSdk sdk) throws Exception {
    for (int i = 0; i < 15; i++) sdk.putVideoFrame(pack(i));
    sdk.finish();
    assertEquals(List.of(1_000L, 500L), uploaded.stream().map(SegmentNotification::durationMs).toList());
    for (SegmentNotification n : uploaded) {
      SegmentChecks.assertValidSegment(root.getObjectAsBytes(b -> b.bucket(stack.s3().bucket()).key(n.key()))
          .asByteArray(), scratch);
    }
  }
}
