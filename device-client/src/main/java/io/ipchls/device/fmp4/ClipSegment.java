package io.ipchls.device.fmp4;

import io.ipchls.device.h264.AnnexB;
import io.ipchls.device.ts.TsDemuxer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One recorded segment (MPEG-TS, or fMP4 with its init segment) as MP4 samples. From MPEG-TS: its video configuration (parameter sets moved into avcC/hvcC), its
 * audio configuration, and its samples in decode order, already in their MP4 form: H.264/H.265 access units as
 * 4-byte length-prefixed NAL units without parameter sets and delimiters (ISO/IEC 14496-15 §5.3.2, §8.3.2), AAC as
 * raw frames without their ADTS headers (ISO/IEC 14496-14 §3.1.2).
 */
public final class ClipSegment {
  /**
   * One sample: decode and presentation time on a 90 kHz clock (33 bits, for cutting and for lining tracks up),
   * its duration in the track's timescale (-1: until the next sample's decode time) and composition offset in the
   * track's timescale, sync (a key frame; every audio frame), the bytes.
   */
  public record Sample(long dts, long pts, int duration, int compositionOffset, boolean sync, byte[] data) {}

  /** A track's configuration as the clip's moov needs it: sample entry, timescale, picture size. */
  record Config(byte[] sampleEntry, int timescale, int width, int height) {}

  /** stream_type values, ISO/IEC 13818-1 §2.4.4.9 Table 2-34 (0x24: H.265, Amd.3). */
  static final int STREAM_H264 = 0x1B;
  static final int STREAM_H265 = 0x24;
  static final int STREAM_AAC_ADTS = 0x0F;
  /** AAC frames carry 1024 samples each (AAC-LC, ISO/IEC 14496-3 §4.5.1.1 GASpecificConfig frameLengthFlag 0). */
  static final int AAC_FRAME_SAMPLES = 1024;
  /** 33-bit PTS/DTS, ISO/IEC 13818-1 §2.4.3.7: differences are taken modulo 2^33. */
  static final long TIMESTAMP_MASK = (1L << 33) - 1;
  private static final int H264_IDR = 5;
  /** H.265 IRAP pictures: nal_unit_type BLA_W_LP (16) .. CRA_NUT (21), H.265 §7.4.2.2 Table 7-1. */
  private static final int H265_IRAP_FIRST = 16;
  private static final int H265_IRAP_LAST = 21;

  private final Config video;
  private final Config audio;
  private final List<Sample> videoSamples;
  private final List<Sample> audioSamples;

  ClipSegment(Config video, Config audio, List<Sample> videoSamples, List<Sample> audioSamples) {
    this.video = video;
    this.audio = audio;
    this.videoSamples = videoSamples;
    this.audioSamples = audioSamples;
  }

  /**
   * The samples of a whole MPEG-TS segment: the first H.264 or H.265 stream and the first AAC (ADTS) stream its PMT
   * names; other streams are left out.
   *
   * @throws IllegalArgumentException if the segment is not a transport stream, has no video, or its first key frame
   *     carries no usable parameter sets
   */
  public static ClipSegment fromTs(byte[] ts) {
    List<TsDemuxer.Packet> packets = TsDemuxer.demux(ts);
    int videoPid = -1;
    int audioPid = -1;
    VideoTrack.Codec codec = null;
    for (TsDemuxer.Packet p : packets) {
      if (videoPid < 0 && (p.streamType() == STREAM_H264 || p.streamType() == STREAM_H265)) {
        videoPid = p.pid();
        codec = p.streamType() == STREAM_H264 ? VideoTrack.Codec.H264 : VideoTrack.Codec.H265;
      }
      if (audioPid < 0 && p.streamType() == STREAM_AAC_ADTS) audioPid = p.pid();
    }
    if (videoPid < 0) throw new IllegalArgumentException("the segment has no H.264 or H.265 stream");
    VideoTrack video = null;
    AudioTrack audio = null;
    List<Sample> videoSamples = new ArrayList<>();
    List<Sample> audioSamples = new ArrayList<>();
    for (TsDemuxer.Packet p : packets) {
      if (p.pid() == videoPid) {
        if (p.pts() < 0) throw new IllegalArgumentException("a video PES without PTS");
        List<byte[]> nals = AnnexB.split(p.payload());
        boolean sync = isKeyFrame(codec, nals);
        if (video == null && sync) video = VideoTrack.fromAccessUnit(codec, nals);
        if (video == null) continue; // before the first key frame nothing can be decoded
        int offset = (int) ClipPlanner.since(p.dts(), p.pts());
        videoSamples.add(new Sample(p.dts(), p.pts(), -1, offset, sync, lengthPrefixed(video, nals)));
      } else if (p.pid() == audioPid && p.pts() >= 0) {
        audio = adtsFrames(p, audio, audioSamples);
      }
    }
    if (video == null) throw new IllegalArgumentException("the segment has no key frame");
    Config v = new Config(video.sampleEntry(), ClipPlanner.VIDEO_TIMESCALE, video.width(), video.height());
    Config a = audio == null ? null : new Config(audio.sampleEntry(2), audio.sampleRate(), 0, 0);
    return new ClipSegment(v, a, List.copyOf(videoSamples), List.copyOf(audioSamples));
  }

  /**
   * The samples of a fragmented MP4 media segment ({@code .m4s}) with its init segment: the sample entries are the
   * init segment's own, the samples the moof/trun tables' (already length-prefixed, ISO/IEC 14496-15).
   *
   * @throws IllegalArgumentException if either is not the fragmented MP4 the cameras write
   */
  public static ClipSegment fromFmp4(byte[] init, byte[] segment) {
    return Fmp4Source.read(init, segment);
  }

  Config video() {
    return video;
  }

  /** The audio track's configuration, null if the segment has no audio. */
  Config audio() {
    return audio;
  }

  public List<Sample> videoSamples() {
    return videoSamples;
  }

  public List<Sample> audioSamples() {
    return audioSamples;
  }

  /** H.264: an IDR slice (nal_unit_type 5, §7.4.1.2.3); H.265: an IRAP picture. */
  static boolean isKeyFrame(VideoTrack.Codec codec, List<byte[]> nals) {
    for (byte[] nal : nals) {
      if (nal.length == 0) continue;
      int t = VideoTrack.type(codec, nal);
      if (codec == VideoTrack.Codec.H264 ? t == H264_IDR : t >= H265_IRAP_FIRST && t <= H265_IRAP_LAST) return true;
    }
    return false;
  }

  /** ISO/IEC 14496-15 §5.3.2: each NAL unit preceded by its 4-byte length; parameter sets and AUDs left out. */
  private static byte[] lengthPrefixed(VideoTrack video, List<byte[]> nals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(AnnexB.size(nals));
    for (byte[] nal : nals) {
      if (nal.length == 0 || video.dropFromSample(nal)) continue;
      out.write(nal.length >>> 24);
      out.write(nal.length >>> 16);
      out.write(nal.length >>> 8);
      out.write(nal.length);
      out.writeBytes(nal);
    }
    return out.toByteArray();
  }

  /**
   * The ADTS frames of one PES (ISO/IEC 14496-3 §1.A.2: syncword, 13-bit aac_frame_length), each a sample whose PTS
   * advances 1024 samples from the PES's; returns the configuration (from the first frame).
   */
  private static AudioTrack adtsFrames(TsDemuxer.Packet p, AudioTrack audio, List<Sample> out) {
    byte[] b = p.payload();
    int pos = 0;
    int n = 0;
    while (pos + 7 <= b.length) {
      if ((b[pos] & 0xFF) != 0xFF || (b[pos + 1] & 0xF0) != 0xF0) {
        throw new IllegalArgumentException("ADTS syncword missing in the audio PES at byte " + pos);
      }
      int frameLength = ((b[pos + 3] & 0x03) << 11) | ((b[pos + 4] & 0xFF) << 3) | ((b[pos + 5] & 0xE0) >>> 5);
      if (frameLength < 7 || pos + frameLength > b.length) {
        throw new IllegalArgumentException("ADTS aac_frame_length " + frameLength + " overruns its PES");
      }
      byte[] frame = java.util.Arrays.copyOfRange(b, pos, pos + frameLength);
      if (audio == null) audio = AudioTrack.aacFromAdts(frame);
      long pts = (p.pts() + (long) n * AAC_FRAME_SAMPLES * 90_000 / audio.sampleRate()) & TIMESTAMP_MASK;
      out.add(new Sample(pts, pts, AAC_FRAME_SAMPLES, 0, true, AudioTrack.adtsPayload(frame)));
      pos += frameLength;
      n++;
    }
    return audio;
  }
}
