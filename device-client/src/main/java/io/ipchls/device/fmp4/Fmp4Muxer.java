package io.ipchls.device.fmp4;

import io.ipchls.device.codec.ByteRange;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes fragmented MP4 (ISO/IEC 14496-12) in the CMAF form HLS plays with {@code EXT-X-MAP}: one init segment per
 * codec configuration (ftyp + moov with an avc1/hvc1 video track on a 90 kHz timescale and an mp4a/fLaC audio track
 * on its sample rate) and media segments of one fragment each (styp, moof with one traf per track, mdat).
 *
 * <pre>{@code
 * Fmp4Muxer mux = Fmp4Muxer.builder()
 *     .video(VideoTrack.fromAccessUnit(VideoTrack.Codec.H264, firstKeyFrameNals))
 *     .audio(AudioTrack.aacFromAdts(firstAdtsFrame))
 *     .build();
 * byte[] init = mux.initSegment();
 * byte[] segment = mux.mediaSegment(videoSamples, nextSegmentFirstDts90k, audioSamples);
 * }</pre>
 *
 * Decode times go into each fragment's tfdt as given (90 kHz for video, samples for audio), so consecutive segments
 * are continuous when the caller's timestamps are. Parameter sets and access unit delimiters are dropped from the
 * samples; a key frame whose parameter sets differ from the init segment's is refused (see
 * {@link VideoTrack#matches(List)}). Not thread-safe.
 */
public final class Fmp4Muxer {
  private final VideoTrack video;
  private final AudioTrack audio;
  private final Fmp4Writer writer;
  private final byte[] init;

  private Fmp4Muxer(Builder b) {
    this.video = b.video;
    this.audio = b.audio;
    this.writer = new Fmp4Writer(b.video, b.audio, b.firstSequenceNumber);
    this.init = writer.initSegment();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The init segment (ftyp + moov); the same bytes for the same tracks, so it can be stored once by its hash. */
  public byte[] initSegment() {
    return init.clone();
  }

  /**
   * Lower-case hex SHA-256 of {@link #initSegment()}: what {@code ObjectKeys.initKey(prefix, sha256Hex)} names the
   * init segment's object by, so each codec configuration is uploaded once.
   */
  public String initSegmentSha256Hex() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(init));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * One media segment whose last video frame lasts as long as the frame before it (use
   * {@link #mediaSegment(List, long, List)} when the next segment's first DTS is known: then durations add up
   * exactly).
   */
  public byte[] mediaSegment(List<VideoSample> videoSamples, List<AudioSample> audioSamples) {
    return writer.mediaSegment(videoSamples, -1, audioSamples);
  }

  /**
   * One media segment.
   *
   * @param videoSamples access units in decoding order, the first a key frame (may be empty for audio only)
   * @param videoEndDts90k the DTS of the frame after the last one (the next segment's first), which gives the last
   *     frame's duration
   * @param audioSamples audio frames in order (may be empty)
   * @throws IllegalArgumentException if the segment does not start with a key frame, timestamps do not increase,
   *     parameter sets changed, or samples are given for a track the muxer was built without
   */
  public byte[] mediaSegment(List<VideoSample> videoSamples, long videoEndDts90k, List<AudioSample> audioSamples) {
    if (videoEndDts90k < 0) throw new IllegalArgumentException("videoEndDts90k must be >= 0");
    return writer.mediaSegment(videoSamples, videoEndDts90k, audioSamples);
  }

  /**
   * Where the key frame of the last media segment written lies in it, or null when it had no video: from its moof to
   * the end of the key frame's sample, which starts the mdat's payload. With the init segment ({@code EXT-X-MAP}) that
   * is what a player needs to show the picture, as an HLS I-frame playlist's {@code EXT-X-BYTERANGE} names it: the
   * moof (ISO/IEC 14496-12 §8.8.4) with its tfdt (§8.8.12) and trun (§8.8.8), whose data_offset counts from the moof's
   * first byte (default-base-is-moof, §8.8.7), the mdat's header (§8.1.1) and the sample. The styp before the moof is
   * left out (it only brands the segment, §8.16.2); the trun still lists the fragment's other samples, which lie past
   * the range: a player reads the first and stops.
   */
  public ByteRange lastKeyFrame() {
    return writer.lastKeyFrame();
  }

  /** The sequence_number the next media segment's mfhd carries. */
  public int nextSequenceNumber() {
    return writer.nextSequenceNumber();
  }

  /** RFC 6381 codecs string of all tracks, video first (e.g. {@code avc1.64001e,mp4a.40.2}), as HLS CODECS wants. */
  public String codecs() {
    List<String> codecs = new ArrayList<>(2);
    if (video != null) codecs.add(video.codecString());
    if (audio != null) codecs.add(audio.codecString());
    return String.join(",", codecs);
  }

  /** The video track, or null. */
  public VideoTrack video() {
    return video;
  }

  /** The audio track, or null. */
  public AudioTrack audio() {
    return audio;
  }

  /** Builds an {@link Fmp4Muxer}; at least one track is required. */
  public static final class Builder {
    private VideoTrack video;
    private AudioTrack audio;
    private int firstSequenceNumber = 1;

    private Builder() {}

    public Builder video(VideoTrack video) {
      this.video = video;
      return this;
    }

    public Builder audio(AudioTrack audio) {
      this.audio = audio;
      return this;
    }

    /**
     * The first media segment's sequence_number (default 1, §8.8.5); a muxer built for a new codec configuration
     * continues the previous one's {@link #nextSequenceNumber()}.
     */
    public Builder firstSequenceNumber(int sequenceNumber) {
      if (sequenceNumber < 1) throw new IllegalArgumentException("sequence number must be >= 1");
      this.firstSequenceNumber = sequenceNumber;
      return this;
    }

    public Fmp4Muxer build() {
      if (video == null && audio == null) throw new IllegalArgumentException("an fMP4 muxer needs a track");
      return new Fmp4Muxer(this);
    }
  }
}
