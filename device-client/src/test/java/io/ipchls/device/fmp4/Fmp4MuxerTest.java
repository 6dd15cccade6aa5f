package io.ipchls.device.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Fmp4MuxerTest {
  /** SPS and PPS x264 wrote for 320x240 High profile, level 1.3. */
  private static final byte[] SPS = HexFormat.of().parseHex("6764000dacd94141fb011000000300100000030320f1429960");
  private static final byte[] PPS = HexFormat.of().parseHex("68ef8fcb");
  private static final byte[] AUD = {0x09, (byte) 0xF0};
  private static final byte[] IDR = {0x65, (byte) 0x88, 0x01, 0x02};
  private static final byte[] SLICE = {0x41, (byte) 0x9A, 0x03};
  /** An ADTS header for AAC-LC, 48 kHz, stereo (profile 1, index 3, channels 2), no CRC, frame of 9 bytes. */
  private static final byte[] ADTS = HexFormat.of().parseHex("fff14c80013ffc" + "2100");

  private static Fmp4Muxer videoMuxer() {
    return Fmp4Muxer.builder().video(VideoTrack.h264(List.of(SPS), List.of(PPS))).build();
  }

  private static VideoSample key(long dts) {
    return new VideoSample(List.of(AUD, SPS, PPS, IDR), dts, dts, true);
  }

  private static VideoSample delta(long dts) {
    return new VideoSample(List.of(SLICE), dts, dts, false);
  }

  @Test
  void codecs_h264AndAac_listsVideoFirst() {
    Fmp4Muxer mux = Fmp4Muxer.builder().video(VideoTrack.h264(List.of(SPS), List.of(PPS)))
        .audio(AudioTrack.aacFromAdts(ADTS)).build();
    assertEquals("avc1.64000d,mp4a.40.2", mux.codecs());
    assertEquals(48_000, mux.audio().sampleRate());
    assertEquals(2, mux.audio().channels());
  }

  @Test
  void initSegment_sameTracks_sameBytes() {
    assertArrayEquals(videoMuxer().initSegment(), videoMuxer().initSegment());
  }

  @Test
  void initSegmentSha256Hex_namesTheInitKey_andDiffersPerConfiguration() throws Exception {
    Fmp4Muxer mux = videoMuxer();
    String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(mux.initSegment()));
    assertEquals(expected, mux.initSegmentSha256Hex());
    Fmp4Muxer withAudio = Fmp4Muxer.builder().video(VideoTrack.h264(List.of(SPS), List.of(PPS)))
        .audio(AudioTrack.aacFromAdts(ADTS)).build();
    assertFalse(expected.equals(withAudio.initSegmentSha256Hex()));
    assertTrue(io.ipchls.protocol.ObjectKeys.initKey("cam-1", expected).endsWith(expected.substring(0, 32) + ".mp4"));
  }

  @Test
  void mediaSegment_dropsAudAndParameterSets_andLengthPrefixesTheRest() {
    byte[] seg = videoMuxer().mediaSegment(List.of(key(0), delta(3600)), 7200, List.of());
    TestBoxes.Box mdat = TestBoxes.top(seg, "mdat");
    assertEquals("00000004" + "65880102" + "00000003" + "419a03",
        HexFormat.of().formatHex(seg, mdat.payload(), mdat.start() + mdat.size()));
  }

  @Test
  void mediaSegment_sequenceNumbers_countFromTheBuildersFirst() {
    Fmp4Muxer mux = Fmp4Muxer.builder().video(VideoTrack.h264(List.of(SPS), List.of(PPS))).firstSequenceNumber(41)
        .build();
    byte[] first = mux.mediaSegment(List.of(key(0)), 3600, List.of());
    byte[] second = mux.mediaSegment(List.of(key(3600)), 7200, List.of());
    assertEquals(41, TestBoxes.top(first, "moof").child("mfhd").u32(12));
    assertEquals(42, TestBoxes.top(second, "moof").child("mfhd").u32(12));
    assertEquals(43, mux.nextSequenceNumber());
  }

  @Test
  void mediaSegment_withoutEndDts_lastFrameLastsAsLongAsThePrevious() {
    byte[] seg = videoMuxer().mediaSegment(List.of(key(1000), delta(4000)), List.of());
    TestBoxes.Trun trun = TestBoxes.trun(TestBoxes.top(seg, "moof").child("traf/trun"));
    assertArrayEquals(new int[] {3000, 3000}, trun.durations());
  }

  @Test
  void matches_changedSps_isFalse() {
    VideoTrack track = VideoTrack.h264(List.of(SPS), List.of(PPS));
    byte[] otherSps = SPS.clone();
    otherSps[3] = 0x1F; // level 3.1
    assertTrue(track.matches(List.of(SPS, PPS, IDR)));
    assertFalse(track.matches(List.of(otherSps, PPS, IDR)));
  }

  @Test
  void mediaSegment_changedParameterSets_isRefused() {
    byte[] otherPps = {0x68, (byte) 0xEE, 0x3C, (byte) 0x80};
    refused(() -> videoMuxer().mediaSegment(List.of(new VideoSample(List.of(SPS, otherPps, IDR), 0, 0, true)), 3600,
        List.of()), "parameter sets changed at sample 0");
  }

  @Test
  void mediaSegment_startingWithNonKeyFrame_isRefused() {
    refused(() -> videoMuxer().mediaSegment(List.of(delta(0), delta(3600)), 7200, List.of()),
        "a media segment must start with a key frame");
  }

  @Test
  void mediaSegment_dtsNotIncreasing_isRefused() {
    refused(() -> videoMuxer().mediaSegment(List.of(key(3600), delta(3600)), 7200, List.of()),
        "DTS must increase: sample 0 at 3600, next 3600");
  }

  @Test
  void mediaSegment_negativeDts_isRefused() {
    refused(() -> videoMuxer().mediaSegment(List.of(key(-3600)), 0, List.of()), "negative DTS -3600");
  }

  @Test
  void mediaSegment_negativeEndDts_isRefused() {
    refused(() -> videoMuxer().mediaSegment(List.of(key(0)), -1, List.of()), "videoEndDts90k must be >= 0");
  }

  @Test
  void mediaSegment_onlyParameterSets_isRefused() {
    refused(() -> videoMuxer().mediaSegment(List.of(new VideoSample(List.of(SPS, PPS), 0, 0, true)), 3600, List.of()),
        "access unit 0 has no picture data");
  }

  @Test
  void mediaSegment_noSamples_isRefused() {
    refused(() -> videoMuxer().mediaSegment(List.of(), 0, List.of()), "a media segment needs at least one sample");
  }

  @Test
  void mediaSegment_audioForVideoOnlyMuxer_isRefused() {
    refused(() -> videoMuxer().mediaSegment(List.of(key(0)), 3600, List.of(new AudioSample(new byte[] {1}, 0, 1024))),
        "audio samples for a muxer built without audio");
  }

  @Test
  void mediaSegment_videoForAudioOnlyMuxer_isRefused() {
    Fmp4Muxer mux = Fmp4Muxer.builder().audio(AudioTrack.aacFromAdts(ADTS)).build();
    refused(() -> mux.mediaSegment(List.of(key(0)), 3600, List.of()), "video samples for a muxer built without video");
  }

  @Test
  void mediaSegment_audioTimestampsNotIncreasing_isRefused() {
    Fmp4Muxer mux = Fmp4Muxer.builder().audio(AudioTrack.aacFromAdts(ADTS)).build();
    List<AudioSample> audio = List.of(new AudioSample(new byte[] {1}, 2048, 1024), new AudioSample(new byte[] {2}, 1024,
        1024));
    refused(() -> mux.mediaSegment(List.of(), audio), "audio timestamps must increase: frame 0 at 2048");
  }

  @Test
  void audioSample_zeroDuration_isRefused() {
    refused(() -> new AudioSample(new byte[] {1}, 0, 0), "audio frame duration must be > 0");
  }

  @Test
  void videoSample_noNalUnits_isRefused() {
    refused(() -> new VideoSample(List.of(), 0, 0, true), "empty access unit");
  }

  @Test
  void build_noTrack_isRefused() {
    refused(() -> Fmp4Muxer.builder().build(), "an fMP4 muxer needs a track");
  }

  @Test
  void builder_firstSequenceNumberZero_isRefused() {
    refused(() -> Fmp4Muxer.builder().firstSequenceNumber(0), "sequence number must be >= 1");
  }

  @Test
  void fromAccessUnit_withoutSps_isRefused() {
    refused(() -> VideoTrack.fromAccessUnit(VideoTrack.Codec.H264, List.of(PPS, IDR)), "no SPS in the access unit");
  }

  @Test
  void fromAccessUnit_h265WithoutVps_isRefused() {
    byte[] hevcIdr = {0x26, 0x01, (byte) 0xAF};
    refused(() -> VideoTrack.fromAccessUnit(VideoTrack.Codec.H265, List.of(hevcIdr)), "no VPS in the access unit");
  }

  @Test
  void aacFromAdts_noSyncword_isRefused() {
    refused(() -> AudioTrack.aacFromAdts(new byte[] {0x12, 0x34, 0, 0, 0, 0, 0}),
        "not an ADTS frame (no 0xFFF syncword)");
  }

  @Test
  void aac_channelConfigurationZero_isRefused() {
    refused(() -> AudioTrack.aac(new byte[] {0x11, (byte) 0x80}),
        "channelConfiguration 0 (0 needs a program config)");
  }

  @Test
  void aac_reservedSamplingFrequencyIndex_isRefused() {
    refused(() -> AudioTrack.aac(new byte[] {0x17, (byte) 0x10}), "samplingFrequencyIndex 14");
  }

  @Test
  void flac_streamInfoOfWrongLength_isRefused() {
    refused(() -> AudioTrack.flac(new byte[33]), "STREAMINFO must be 34 bytes, not 33");
  }

  @Test
  void adtsPayload_stripsTheSevenByteHeader() {
    assertArrayEquals(new byte[] {0x21, 0x00}, AudioTrack.adtsPayload(ADTS));
  }

  private static void refused(Executable call, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }
}
