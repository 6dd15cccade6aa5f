package io.ipchls.device.segment;

import io.ipchls.device.codec.AudioCodec;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.device.flac.FlacEncoder;
import io.ipchls.device.flac.G711;
import io.ipchls.device.fmp4.AudioSample;
import io.ipchls.device.fmp4.AudioTrack;
import io.ipchls.device.fmp4.Fmp4Muxer;
import io.ipchls.device.fmp4.VideoSample;
import io.ipchls.device.fmp4.VideoTrack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * fMP4 media segments with {@link Fmp4Muxer}, one fragment per segment. The samples of the open segment are kept
 * until it ends, because a fragment's moof (sample sizes, durations) precedes its mdat. The muxer, and with it the
 * init segment, is replaced only when the configuration changes: a key frame whose parameter sets differ from the
 * open segment's starts a new segment ({@link #needsNewSegment}), whose init segment then differs.
 *
 * <p>Audio tracks count time in samples at their rate (ISO/IEC 14496-12 §8.4.2.3 timescale): AAC frames (ADTS header
 * stripped, ISO/IEC 14496-14 §3.1.2 mp4a carries raw access units) last 1024 samples each; a frame whose clock time
 * lies within half a frame of where the previous one ended is put exactly there, so encoder jitter does not turn into
 * gaps. G.711 is decoded to 16-bit PCM and encoded to lossless FLAC frames of {@link FlacEncoder#DEFAULT_BLOCK_SIZE}
 * samples, timed by counting samples from the first G.711 byte's time (browsers decode FLAC in MP4, not G.711).
 * An AAC track is declared once its first frame told its configuration; segments cut before that have no audio
 * track (their init segment differs).
 */
final class Fmp4SegmentWriter implements SegmentWriter {
  /** Samples per AAC-LC frame, ISO/IEC 14496-3 §4.5.1.1 (frameLengthFlag 0). */
  private static final int AAC_FRAME_SAMPLES = 1024;

  private final VideoTrack.Codec codec;
  private final AudioCodec audioCodec;
  private final FlacEncoder flac;
  private final List<VideoSample> videoSamples = new ArrayList<>();
  private final List<AudioSample> audioSamples = new ArrayList<>();
  private AudioTrack audioTrack;
  private VideoTrack segmentTrack;
  private Fmp4Muxer muxer;
  private long nextAudioPts = Long.MIN_VALUE;
  private long g711Origin = Long.MIN_VALUE;

  /** @param audioCodec the audio input's codec, or null without audio */
  Fmp4SegmentWriter(VideoCodec codec, AudioCodec audioCodec) {
    this.codec = codec == VideoCodec.H265 ? VideoTrack.Codec.H265 : VideoTrack.Codec.H264;
    this.audioCodec = audioCodec;
    if (audioCodec != null && audioCodec.isG711()) {
      flac = new FlacEncoder(AudioCodec.G711_SAMPLE_RATE, FlacEncoder.DEFAULT_BLOCK_SIZE);
      audioTrack = AudioTrack.flac(flac.streamInfo());
    } else {
      flac = null;
    }
  }

  @Override
  public void begin() {
    videoSamples.clear();
    audioSamples.clear();
    segmentTrack = null;
  }

  @Override
  public boolean needsNewSegment(List<byte[]> keyFrameNals) {
    return segmentTrack != null && !segmentTrack.matches(keyFrameNals);
  }

  @Override
  public void video(List<byte[]> nals, long pts90k, long dts90k, boolean key) {
    if (segmentTrack == null) segmentTrack = VideoTrack.fromAccessUnit(codec, nals);
    videoSamples.add(new VideoSample(nals, dts90k, pts90k, key));
  }

  @Override
  public void audio(byte[] data, long pts90k) {
    if (flac != null) {
      g711(data, pts90k);
    } else {
      aac(data, pts90k);
    }
  }

  @Override
  public Written end(long endDts90k) {
    Fmp4Muxer candidate = Fmp4Muxer.builder().video(segmentTrack).audio(audioTrack)
        .firstSequenceNumber(muxer == null ? 1 : muxer.nextSequenceNumber()).build();
    if (muxer == null || !muxer.initSegmentSha256Hex().equals(candidate.initSegmentSha256Hex())) muxer = candidate;
    byte[] bytes = muxer.mediaSegment(List.copyOf(videoSamples), endDts90k, List.copyOf(audioSamples));
    videoSamples.clear();
    audioSamples.clear();
    byte[] init = muxer.initSegment();
    return new Written(bytes, muxer.codecs(), new InitSegment(init, muxer.initSegmentSha256Hex()), muxer.lastKeyFrame());
  }

  /** Each ADTS frame becomes one raw AAC sample. */
  private void aac(byte[] adts, long pts90k) {
    int pos = 0;
    int index = 0;
    while (pos < adts.length) {
      int length = ((adts[pos + 3] & 0x03) << 11) | ((adts[pos + 4] & 0xFF) << 3) | ((adts[pos + 5] & 0xE0) >>> 5);
      byte[] frame = Arrays.copyOfRange(adts, pos, pos + length);
      if (audioTrack == null) audioTrack = AudioTrack.aacFromAdts(frame);
      long pts = samples(pts90k, audioTrack.sampleRate()) + (long) index * AAC_FRAME_SAMPLES;
      if (nextAudioPts != Long.MIN_VALUE && Math.abs(pts - nextAudioPts) <= AAC_FRAME_SAMPLES / 2) pts = nextAudioPts;
      audioSamples.add(new AudioSample(AudioTrack.adtsPayload(frame), pts, AAC_FRAME_SAMPLES));
      nextAudioPts = pts + AAC_FRAME_SAMPLES;
      pos += length;
      index++;
    }
  }

  /** G.711 → PCM (ITU-T G.711) → FLAC frames (RFC 9639), timed by their first sample's index. */
  private void g711(byte[] g711, long pts90k) {
    if (g711Origin == Long.MIN_VALUE) g711Origin = samples(pts90k, AudioCodec.G711_SAMPLE_RATE);
    G711.Law law = audioCodec == AudioCodec.G711_ALAW ? G711.Law.A_LAW : G711.Law.MU_LAW;
    for (FlacEncoder.Frame f : flac.push(G711.decode(law, g711))) {
      audioSamples.add(new AudioSample(f.data(), g711Origin + f.firstSample(), f.samples()));
    }
  }

  private static long samples(long pts90k, int rate) {
    return Math.round(pts90k * (double) rate / 90_000);
  }
}
