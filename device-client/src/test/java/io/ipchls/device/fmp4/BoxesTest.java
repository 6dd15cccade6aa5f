package io.ipchls.device.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.infra.TestTools;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small boxes against hex worked out from ISO/IEC 14496-12/-14/-15 and the FLAC-in-ISOBMFF text, and the decoder
 * configuration records against the ones ffmpeg's mp4 muxer writes for the same parameter sets.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BoxesTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  @Test
  void ftyp_oneTrack_isIso6WithMp41AndCmaf() {
    assertEquals("0000001c" + "66747970" + "69736f36" + "00000000" + "69736f36" + "6d703431" + "636d6663",
        HEX.formatHex(Boxes.ftyp(true)));
  }

  @Test
  void ftyp_videoAndAudio_claimsNoCmafBrand() {
    assertEquals("00000018" + "66747970" + "69736f36" + "00000000" + "69736f36" + "6d703431",
        HEX.formatHex(Boxes.ftyp(false)));
  }

  @Test
  void styp_isMsdh() {
    assertEquals("00000014" + "73747970" + "6d736468" + "00000000" + "6d736468", HEX.formatHex(Boxes.styp()));
  }

  @Test
  void moof_videoRun_hasMfhdTfhdTfdtAndVersion1Trun() {
    Boxes.Run run = new Boxes.Run(1, 0x1_0000_0002L, new int[] {3600, 3600}, new int[] {100, 50},
        new int[] {Boxes.SAMPLE_FLAGS_SYNC, Boxes.SAMPLE_FLAGS_NON_SYNC}, new int[] {3600, -3600});
    String expected = "00000078" + "6d6f6f66"
        + "00000010" + "6d666864" + "00000000" + "00000007" // mfhd: sequence_number 7
        + "00000060" + "74726166"
        + "00000010" + "74666864" + "00020000" + "00000001" // tfhd: default-base-is-moof, track 1
        + "00000014" + "74666474" + "01000000" + "0000000100000002" // tfdt v1: 64-bit decode time
        + "00000034" + "7472756e" + "01000f01" + "00000002" + "00000080" // trun v1, 2 samples, data_offset 128
        + "00000e10" + "00000064" + "02000000" + "00000e10" // 3600, 100 bytes, sync, +3600
        + "00000e10" + "00000032" + "01010000" + "fffff1f0"; // 3600, 50 bytes, non-sync, -3600
    assertEquals(expected, HEX.formatHex(Boxes.moof(7, List.of(run), new int[] {128})));
  }

  @Test
  void moof_audioRun_hasDefaultSyncFlagsAndVersion0Trun() {
    Boxes.Run run = new Boxes.Run(2, 48_000, new int[] {1024}, new int[] {9}, null, null);
    String traf = "0000004c" + "74726166"
        + "00000014" + "74666864" + "00020020" + "00000002" + "02000000" // + default_sample_flags: sync
        + "00000014" + "74666474" + "01000000" + "000000000000bb80"
        + "0000001c" + "7472756e" + "00000301" + "00000001" + "00000010" + "00000400" + "00000009";
    byte[] moof = Boxes.moof(1, List.of(run), new int[] {16});
    assertEquals(traf, HEX.formatHex(moof, 24, moof.length));
  }

  @Test
  void mdatHeader_countsItsOwnEightBytes() {
    assertEquals("0000000e6d646174", HEX.formatHex(Boxes.mdatHeader(6)));
  }

  @Test
  void esds_aacLc48kStereo_isEsDescriptorWithAudioSpecificConfig() {
    byte[] mp4a = SampleEntries.mp4a(2, 2, 48_000, new byte[] {0x11, (byte) 0x90});
    String esds = "00000027" + "65736473" + "00000000"
        + "0319" + "0002" + "00" // ES_Descriptor, 25 bytes, ES_ID 2
        + "0411" + "40" + "15" + "000000" + "00000000" + "00000000" // DecoderConfigDescriptor: AAC, audio stream
        + "0502" + "1190" // DecoderSpecificInfo: AudioSpecificConfig
        + "060102"; // SLConfigDescriptor predefined 2
    assertEquals(esds, HEX.formatHex(mp4a, 36, mp4a.length));
    // AudioSampleEntry: reserved, data_reference_index 1, reserved, 2 channels, 16 bits, 0, 0, 48000 << 16
    assertEquals("0000004b" + "6d703461" + "000000000000" + "0001" + "0000000000000000" + "0002" + "0010" + "0000"
        + "0000" + "bb800000", HEX.formatHex(mp4a, 0, 36));
  }

  @Test
  void dfLa_holdsStreamInfoAsLastMetadataBlock() {
    byte[] streamInfo = new io.ipchls.device.flac.FlacEncoder(8000, 1024).streamInfo();
    byte[] fLaC = SampleEntries.fLaC(1, 16, 8000, streamInfo);
    assertEquals("00000032" + "64664c61" + "00000000" + "80000022" + HEX.formatHex(streamInfo),
        HEX.formatHex(fLaC, 36, fLaC.length));
    assertEquals("0001" + "0010" + "0000" + "0000" + "1f400000", HEX.formatHex(fLaC, 24, 36));
  }

  @Test
  void avcC_highAndBaseline_equalFfmpegs() throws Exception {
    for (String profile : List.of("high", "baseline")) {
      byte[] es = TestMedia.run(List.of("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
          "testsrc2=size=320x240:rate=25:duration=0.2", "-c:v", "libx264", "-profile:v", profile, "-pix_fmt",
          "yuv420p", "-f", "h264", "-"));
      Path file = dir.resolve(profile + ".h264");
      TestMedia.write(file, es);
      byte[] ffmpegAvcC = configBox(file, "h264", "avc1", "avcC");
      VideoTrack track = VideoTrack.fromAccessUnit(VideoTrack.Codec.H264, AnnexB.split(es));
      assertArrayEquals(ffmpegAvcC, configOf(track.sampleEntry(), "avcC"), profile);
    }
  }

  /**
   * Against ffmpeg's hvcC (tagged hvc1, so its arrays are complete too): every field but parallelismType (which
   * ffmpeg derives from the PPS; 0, "unknown", is what we write), and the VPS, SPS and PPS arrays byte for byte
   * (ffmpeg may add SEI arrays after them).
   */
  @Test
  void hvcC_fieldsAndParameterSetArrays_equalFfmpegs() throws Exception {
    byte[] es = TestMedia.run(List.of("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25:duration=0.2", "-c:v", "libx265", "-x265-params", "log-level=error",
        "-pix_fmt", "yuv420p", "-f", "hevc", "-"));
    Path file = dir.resolve("in.hevc");
    TestMedia.write(file, es);
    byte[] theirs = configBox(file, "hevc", "hvc1", "hvcC");
    VideoTrack track = VideoTrack.fromAccessUnit(VideoTrack.Codec.H265, AnnexB.split(es));
    byte[] ours = configOf(track.sampleEntry(), "hvcC");
    assertEquals(HEX.formatHex(theirs, 8, 8 + 15), HEX.formatHex(ours, 8, 8 + 15),
        "profile_tier_level fields, min_spatial_segmentation_idc");
    assertEquals(HEX.formatHex(theirs, 8 + 16, 8 + 22), HEX.formatHex(ours, 8 + 16, 8 + 22),
        "chroma, bit depths, frame rate, temporal layers, length size");
    int arraysLength = ours.length - 8 - 23;
    assertEquals(HEX.formatHex(ours, 8 + 23, ours.length), HEX.formatHex(theirs, 8 + 23, 8 + 23 + arraysLength),
        "VPS, SPS and PPS arrays");
    assertEquals("hvc1.1.6.L60.90", track.codecString());
    assertEquals(320, track.width());
    assertEquals(240, track.height());
  }

  /** The configuration box ffmpeg's mp4 muxer writes for the elementary stream {@code file}. */
  private byte[] configBox(Path file, String format, String entry, String config) throws Exception {
    Path mp4 = dir.resolve(file.getFileName() + ".mp4");
    TestTools.require("ffmpeg");
    TestMedia.run(List.of("ffmpeg", "-v", "error", "-f", format, "-i", file.toString(), "-c", "copy", "-tag:v",
        entry, "-y", mp4.toString()));
    byte[] bytes = java.nio.file.Files.readAllBytes(mp4);
    return TestBoxes.top(bytes, "moov").child("trak/mdia/minf/stbl/stsd/" + entry + "/" + config).bytes();
  }

  private static byte[] configOf(byte[] sampleEntry, String config) {
    TestBoxes.Box entry = TestBoxes.parse(sampleEntry).get(0);
    return entry.child(config).bytes();
  }
}
