package io.ipchls.device.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.flac.FlacEncoder;
import io.ipchls.device.flac.G711;
import io.ipchls.device.fmp4.TestMedia.Unit;
import io.ipchls.device.fmp4.TestMedia.Video;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every video codec (H.264 and H.265, each with and without B-frames) alone, with AAC, and H.264 with G.711 carried as FLAC:
 * ffmpeg-made input cut at key frames into 1 s segments, written as init + media segments, then checked by our box
 * reader, by ffprobe on init + segments concatenated (codecs, sample entry tags, every packet's PTS/DTS equal to the
 * input's, a key frame first in every segment, durations adding up to the segment lengths) and decoded by
 * {@code ffmpeg -xerror}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Fmp4FfprobeTest {
  private static final int SECONDS = 4;
  private static final long SEGMENT_90K = 90_000;
  private static final int AAC_RATE = 48_000;
  private static final int G711_RATE = 8_000;

  @TempDir static Path dir;

  @BeforeAll
  static void requireTools() {
    io.ipchls.infra.TestTools.require("ffmpeg");
    io.ipchls.infra.TestTools.require("ffprobe");
  }

  /** One segment's input: its access units, the DTS after them, and its audio frames. */
  record Cut(List<Unit> units, long endDts, List<AudioSample> audio) {}

  @ParameterizedTest(name = "{0} + {1}")
  @CsvSource({"H264, none", "H264, aac", "H264_BFRAMES, none", "H264_BFRAMES, aac", "H265, none", "H265, aac", "H265_BFRAMES, none", "H265_BFRAMES, aac",
      "H264, flac"})
  void segments_ffprobeAndOurParser_acceptEveryCodecCombination(Video video, String audio) throws Exception {
    Path ts = TestMedia.encode(dir, video, SECONDS);
    List<Unit> units = TestMedia.videoUnits(ts, video);
    boolean hevc = video == Video.H265 || video == Video.H265_BFRAMES;
    VideoTrack.Codec codec = hevc ? VideoTrack.Codec.H265 : VideoTrack.Codec.H264;
    boolean reordered = units.stream().anyMatch(u -> u.pts() != u.dts());
    assertEquals(video.name().endsWith("BFRAMES"), reordered, "input has B-frames exactly when asked");
    Fmp4Muxer.Builder builder = Fmp4Muxer.builder().video(VideoTrack.fromAccessUnit(codec, units.get(0).nals()));
    List<AudioSample> audioSamples = List.of();
    int audioRate = 0;
    short[] pcm = null;
    long firstDts = units.get(0).dts();
    if (audio.equals("aac")) {
      List<byte[]> adts = TestMedia.adtsFrames(ts);
      builder.audio(AudioTrack.aacFromAdts(adts.get(0)));
      audioRate = AAC_RATE;
      long base = firstDts * AAC_RATE / 90_000;
      List<AudioSample> samples = new ArrayList<>();
      for (int i = 0; i < adts.size(); i++) {
        samples.add(new AudioSample(AudioTrack.adtsPayload(adts.get(i)), base + 1024L * i, 1024));
      }
      audioSamples = samples;
    } else if (audio.equals("flac")) {
      pcm = G711.decode(G711.Law.A_LAW, TestMedia.g711(dir, true, SECONDS));
      FlacEncoder flac = new FlacEncoder(G711_RATE, FlacEncoder.DEFAULT_BLOCK_SIZE);
      builder.audio(AudioTrack.flac(flac.streamInfo()));
      audioRate = G711_RATE;
      long base = firstDts * G711_RATE / 90_000;
      List<FlacEncoder.Frame> frames = new ArrayList<>(flac.push(pcm));
      frames.add(flac.finish());
      audioSamples = frames.stream().map(f -> new AudioSample(f.data(), base + f.firstSample(), f.samples())).toList();
    }
    Fmp4Muxer mux = builder.build();
    List<Cut> cuts = cut(units, audioSamples, audioRate);
    assertTrue(cuts.size() >= SECONDS - 1, "segments: " + cuts.size());

    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] init = mux.initSegment();
    checkInit(init, codec, audioRate);
    all.writeBytes(init);
    for (int s = 0; s < cuts.size(); s++) {
      Cut c = cuts.get(s);
      List<VideoSample> samples = c.units().stream().map(u -> new VideoSample(u.nals(), u.dts(), u.pts(), u.key()))
          .toList();
      byte[] segment = mux.mediaSegment(samples, c.endDts(), c.audio());
      checkSegment(segment, s + 1, c);
      Files.write(dir.resolve(video + "-" + audio + "-" + s + ".m4s"), segment);
      all.writeBytes(segment);
    }
    Path file = dir.resolve(video + "-" + audio + ".mp4");
    Files.write(file, all.toByteArray());

    checkStreams(file, codec, audio);
    checkVideoPackets(file, cuts);
    if (!audioSamples.isEmpty()) checkAudioPackets(file, audioSamples);
    TestMedia.run(List.of("ffmpeg", "-v", "error", "-xerror", "-err_detect", "crccheck+bitstream", "-i",
        file.toString(), "-f", "null", "-"));
    if (pcm != null) {
      byte[] decoded = TestMedia.run(List.of("ffmpeg", "-v", "error", "-xerror", "-i", file.toString(), "-map", "0:a",
          "-f", "s16le", "-"));
      assertArrayEquals(littleEndian(pcm), decoded, "FLAC decodes to exactly the G.711 expansion");
    }
  }

  /** Cuts at the first key frame at least 1 s after the segment's start; audio goes where its time falls. */
  private static List<Cut> cut(List<Unit> units, List<AudioSample> audio, int audioRate) {
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 1; i < units.size(); i++) {
      if (units.get(i).key() && units.get(i).dts() - units.get(starts.get(starts.size() - 1)).dts() >= SEGMENT_90K) {
        starts.add(i);
      }
    }
    List<Cut> cuts = new ArrayList<>();
    int a = 0;
    for (int s = 0; s < starts.size(); s++) {
      boolean last = s == starts.size() - 1;
      int end = last ? units.size() : starts.get(s + 1);
      long endDts = last ? units.get(units.size() - 1).dts() + 3600 : units.get(end).dts();
      List<AudioSample> mine = new ArrayList<>();
      while (a < audio.size() && (last || audio.get(a).pts() * 90_000 / audioRate < endDts)) mine.add(audio.get(a++));
      cuts.add(new Cut(units.subList(starts.get(s), end), endDts, mine));
    }
    return cuts;
  }

  private static void checkInit(byte[] init, VideoTrack.Codec codec, int audioRate) {
    List<TestBoxes.Box> top = TestBoxes.parse(init);
    assertEquals(List.of("ftyp", "moov"), top.stream().map(TestBoxes.Box::type).toList());
    TestBoxes.Box moov = top.get(1);
    int tracks = audioRate > 0 ? 2 : 1;
    assertEquals(tracks, moov.all("trak").size());
    assertEquals(tracks, moov.child("mvex").all("trex").size());
    String entry = codec == VideoTrack.Codec.H264 ? "avc1" : "hvc1";
    TestBoxes.Box stsd = moov.all("trak").get(0).child("mdia/minf/stbl/stsd");
    stsd.child(entry + "/" + (codec == VideoTrack.Codec.H264 ? "avcC" : "hvcC"));
    assertEquals(90_000, moov.all("trak").get(0).child("mdia/mdhd").u32(20), "video timescale");
    if (audioRate > 0) assertEquals(audioRate, moov.all("trak").get(1).child("mdia/mdhd").u32(20), "audio timescale");
  }

  /** Our parser: styp, moof, mdat; sequence number; tfdt = first DTS; trun counts; data offsets into the mdat. */
  private static void checkSegment(byte[] seg, int sequence, Cut cut) {
    List<TestBoxes.Box> top = TestBoxes.parse(seg);
    assertEquals(List.of("styp", "moof", "mdat"), top.stream().map(TestBoxes.Box::type).toList());
    TestBoxes.Box moof = top.get(1);
    TestBoxes.Box mdat = top.get(2);
    assertEquals(sequence, moof.child("mfhd").u32(12), "mfhd sequence_number");
    List<TestBoxes.Box> trafs = moof.all("traf");
    assertEquals(cut.audio().isEmpty() ? 1 : 2, trafs.size());
    TestBoxes.Box video = trafs.get(0);
    assertEquals(cut.units().get(0).dts(), TestBoxes.baseMediaDecodeTime(video.child("tfdt")));
    TestBoxes.Trun trun = TestBoxes.trun(video.child("trun"));
    assertEquals(cut.units().size(), trun.count());
    assertEquals(1, trun.version(), "signed composition offsets");
    int firstSample = moof.start() + trun.dataOffset();
    assertEquals(mdat.payload(), firstSample, "video data_offset points at the mdat payload's first byte");
    long total = sum(trun.sizes());
    for (int i = 0; i < trun.count(); i++) {
      Unit u = cut.units().get(i);
      assertEquals(u.pts() - u.dts(), trun.compositionOffsets()[i], "composition offset of sample " + i);
      assertEquals(u.key() ? 0x02000000 : 0x01010000, trun.sampleFlags()[i], "sample_flags of sample " + i);
    }
    assertEquals(cut.endDts() - cut.units().get(0).dts(), sum(trun.durations()), "durations add up to the segment");
    int firstNalLength = (int) TestBoxes.u32(seg, firstSample);
    assertTrue(firstNalLength > 0 && firstNalLength < trun.sizes()[0], "a 4-byte NAL length starts the sample");
    if (trafs.size() == 2) {
      TestBoxes.Trun audio = TestBoxes.trun(trafs.get(1).child("trun"));
      assertEquals(cut.audio().size(), audio.count());
      assertEquals(firstSample + total, moof.start() + audio.dataOffset(), "audio follows video in the mdat");
      assertEquals(cut.audio().get(0).pts(), TestBoxes.baseMediaDecodeTime(trafs.get(1).child("tfdt")));
      for (int i = 0; i < audio.count(); i++) {
        byte[] expected = cut.audio().get(i).data();
        int at = moof.start() + audio.dataOffset() + (int) sum(java.util.Arrays.copyOf(audio.sizes(), i));
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(seg, at, at + expected.length), "audio frame " + i);
      }
      total += sum(audio.sizes());
    }
    assertEquals(mdat.size() - 8, total, "the mdat holds exactly the samples");
  }

  private static void checkStreams(Path file, VideoTrack.Codec codec, String audio) throws Exception {
    List<String> streams = TestMedia.lines(TestMedia.run(List.of("ffprobe", "-v", "error", "-show_entries",
        "stream=codec_name,codec_tag_string,width,height,sample_rate", "-of", "csv=p=0", file.toString())));
    String expectedVideo = codec == VideoTrack.Codec.H264 ? "h264,avc1,320,240" : "hevc,hvc1,320,240";
    assertEquals(expectedVideo, streams.get(0));
    switch (audio) {
      case "aac" -> assertEquals("aac,mp4a,48000", streams.get(1));
      case "flac" -> assertEquals("flac,fLaC,8000", streams.get(1));
      default -> assertEquals(1, streams.size(), streams.toString());
    }
  }

  /** Every packet's PTS and DTS as the input had them; a key frame first in each segment; durations add up. */
  private static void checkVideoPackets(Path file, List<Cut> cuts) throws Exception {
    List<String> packets = TestMedia.lines(TestMedia.run(List.of("ffprobe", "-v", "error", "-select_streams", "v",
        "-show_entries", "packet=pts,dts,duration,flags", "-of", "csv=p=0", file.toString())));
    int p = 0;
    for (int s = 0; s < cuts.size(); s++) {
      long duration = 0;
      for (int i = 0; i < cuts.get(s).units().size(); i++, p++) {
        Unit u = cuts.get(s).units().get(i);
        String[] f = packets.get(p).split(",");
        assertEquals(u.pts() + "," + u.dts(), f[0] + "," + f[1], "packet " + p + " (segment " + s + ")");
        assertEquals(u.key(), f[3].startsWith("K"), "key flag of packet " + p);
        if (i == 0) assertTrue(f[3].startsWith("K"), "segment " + s + " starts with a key frame");
        duration += Long.parseLong(f[2]);
      }
      assertEquals(cuts.get(s).endDts() - cuts.get(s).units().get(0).dts(), duration, "duration of segment " + s);
    }
    assertEquals(p, packets.size());
  }

  /**
   * Every audio packet at its input time, so without gaps or overlaps across segments (ffmpeg 5.1's mov demuxer
   * reports no per-packet duration for audio fragments, so the times are what is compared).
   */
  private static void checkAudioPackets(Path file, List<AudioSample> audio) throws Exception {
    List<String> packets = TestMedia.lines(TestMedia.run(List.of("ffprobe", "-v", "error", "-select_streams", "a",
        "-show_entries", "packet=pts,dts", "-of", "csv=p=0", file.toString())));
    assertEquals(audio.size(), packets.size());
    for (int i = 0; i < audio.size(); i++) {
      long pts = audio.get(i).pts();
      assertEquals(pts + "," + pts, packets.get(i), "audio packet " + i);
      if (i > 0) assertEquals(audio.get(i - 1).pts() + audio.get(i - 1).duration(), pts, "audio is continuous");
    }
  }

  private static long sum(int[] values) {
    long s = 0;
    for (int v : values) s += v;
    return s;
  }

  private static byte[] littleEndian(short[] pcm) {
    ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : pcm) b.putShort(s);
    return b.array();
  }
}
