package io.ipchls.device.flac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.fmp4.AudioSample;
import io.ipchls.device.fmp4.AudioTrack;
import io.ipchls.device.fmp4.Fmp4Muxer;
import io.ipchls.infra.TestTools;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** G.711 expansion and FLAC frames checked against ffmpeg's own G.711 decoder and its CRC-checking FLAC decoder. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class G711FlacFfmpegTest {
  @TempDir Path dir;

  @BeforeAll
  static void requireFfmpeg() {
    TestTools.require("ffmpeg");
  }

  @Test
  void decode_everyALawCode_equalsFfmpeg() throws Exception {
    byte[] codes = allCodes();
    assertArrayEquals(ffmpeg(codes, "alaw"), littleEndian(G711.decode(G711.Law.A_LAW, codes)));
  }

  @Test
  void decode_everyMuLawCode_equalsFfmpeg() throws Exception {
    byte[] codes = allCodes();
    assertArrayEquals(ffmpeg(codes, "mulaw"), littleEndian(G711.decode(G711.Law.MU_LAW, codes)));
  }

  /** A native .flac stream (marker, STREAMINFO, our frames) decodes, CRCs checked, to exactly the input PCM. */
  @Test
  void flacFile_ourFrames_ffmpegDecodesBitExactWithCrcCheck() throws Exception {
    short[] pcm = signal(8000 * 3 + 123); // a short last frame too
    FlacEncoder encoder = new FlacEncoder(8000, FlacEncoder.DEFAULT_BLOCK_SIZE);
    ByteArrayOutputStream flac = new ByteArrayOutputStream();
    flac.writeBytes("fLaC".getBytes(StandardCharsets.US_ASCII));
    flac.write(0x80); // last metadata block, type 0 STREAMINFO (RFC 9639 §8.1)
    flac.writeBytes(new byte[] {0, 0, 34});
    flac.writeBytes(encoder.streamInfo());
    List<FlacEncoder.Frame> frames = new ArrayList<>(encoder.push(pcm));
    frames.add(encoder.finish());
    frames.forEach(f -> flac.writeBytes(f.data()));
    Path file = dir.resolve("g711.flac");
    Files.write(file, flac.toByteArray());
    byte[] decoded = run(List.of("ffmpeg", "-v", "error", "-xerror", "-err_detect", "crccheck+bitstream", "-i",
        file.toString(), "-f", "s16le", "-"), null);
    assertArrayEquals(littleEndian(pcm), decoded);
    assertTrue(flac.size() < pcm.length * 2, "FLAC is smaller than the PCM: " + flac.size());
  }

  /** An audio-only fMP4 (init + two media segments) of µ-law as FLAC decodes to exactly the G.711 expansion. */
  @Test
  void fmp4AudioOnly_muLawAsFlac_ffmpegDecodesBitExact() throws Exception {
    short[] pcm = signal(8000 * 2 + 500);
    FlacEncoder encoder = new FlacEncoder(8000, FlacEncoder.DEFAULT_BLOCK_SIZE);
    List<FlacEncoder.Frame> frames = new ArrayList<>(encoder.push(pcm));
    frames.add(encoder.finish());
    List<AudioSample> samples = frames.stream().map(f -> new AudioSample(f.data(), f.firstSample(), f.samples()))
        .toList();
    Fmp4Muxer mux = Fmp4Muxer.builder().audio(AudioTrack.flac(encoder.streamInfo())).build();
    assertEquals("fLaC", mux.codecs());
    ByteArrayOutputStream mp4 = new ByteArrayOutputStream();
    mp4.writeBytes(mux.initSegment());
    mp4.writeBytes(mux.mediaSegment(List.of(), samples.subList(0, 8)));
    mp4.writeBytes(mux.mediaSegment(List.of(), samples.subList(8, samples.size())));
    Path file = dir.resolve("g711-flac.mp4");
    Files.write(file, mp4.toByteArray());
    byte[] decoded = run(List.of("ffmpeg", "-v", "error", "-xerror", "-err_detect", "crccheck+bitstream", "-i",
        file.toString(), "-f", "s16le", "-"), null);
    assertArrayEquals(littleEndian(pcm), decoded);
  }

  /** µ-law with silence, a tone and noise: CONSTANT, FIXED and (for noise) large Rice parameters all occur. */
  private static short[] signal(int n) {
    java.util.Random random = new java.util.Random(7);
    byte[] g711 = new byte[n];
    for (int i = 0; i < n; i++) {
      double v = i < 4000 ? 0 : 0.4 * Math.sin(2 * Math.PI * 440 * i / 8000.0) + 0.3 * (random.nextDouble() - 0.5);
      g711[i] = muLawOf(v);
    }
    return G711.decode(G711.Law.MU_LAW, g711);
  }

  /** A µ-law code for {@code v} (−1..1): sign bit 1 for positive, the other 7 bits the inverted magnitude. */
  private static byte muLawOf(double v) {
    int magnitude = (int) Math.min(127, Math.abs(v) * 127);
    return (byte) ((v < 0 ? 0x00 : 0x80) | (0x7F - magnitude));
  }

  private byte[] ffmpeg(byte[] g711, String format) throws Exception {
    return run(List.of("ffmpeg", "-v", "error", "-f", format, "-ar", "8000", "-ac", "1", "-i", "-", "-f", "s16le",
        "-"), g711);
  }

  private static byte[] allCodes() {
    byte[] codes = new byte[256];
    for (int i = 0; i < 256; i++) codes[i] = (byte) i;
    return codes;
  }

  static byte[] littleEndian(short[] pcm) {
    ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : pcm) b.putShort(s);
    return b.array();
  }

  private static byte[] run(List<String> cmd, byte[] stdin) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Thread writer = new Thread(() -> {
      try (var in = p.getOutputStream()) {
        if (stdin != null) in.write(stdin);
      } catch (java.io.IOException ignored) {
        // ffmpeg exited early; its exit code reports why
      }
    });
    writer.start();
    byte[] out = p.getInputStream().readAllBytes();
    writer.join();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError(cmd + " failed");
    return out;
  }
}
