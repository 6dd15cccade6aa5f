package io.ipchls.device.fmp4;

import io.ipchls.device.codec.ByteRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The stateful middle layer: the tracks' ids, the moof sequence_number (ISO/IEC 14496-12 §8.8.5: increases by one per
 * fragment) and the last video frame duration; turns samples into track runs and lays out one media segment as
 * styp, moof (one traf per track) and one mdat holding video then audio samples.
 */
final class Fmp4Writer {
  /** Used for the last frame of a segment when no later DTS is known and no earlier frame gave a duration: 25 fps. */
  static final int DEFAULT_FRAME_DURATION_90K = 3600;
  static final int VIDEO_TIMESCALE = 90_000;

  private final VideoTrack video;
  private final AudioTrack audio;
  private final int videoId;
  private final int audioId;
  private int sequenceNumber;
  private int lastFrameDuration = DEFAULT_FRAME_DURATION_90K;
  private ByteRange lastKeyFrame;

  Fmp4Writer(VideoTrack video, AudioTrack audio, int firstSequenceNumber) {
    this.video = video;
    this.audio = audio;
    this.videoId = video != null ? 1 : 0;
    this.audioId = audio != null ? videoId + 1 : 0;
    this.sequenceNumber = firstSequenceNumber;
  }

  byte[] initSegment() {
    List<Boxes.Track> tracks = new ArrayList<>(2);
    if (video != null) {
      tracks.add(new Boxes.Track(videoId, false, VIDEO_TIMESCALE, video.width(), video.height(), video.sampleEntry()));
    }
    if (audio != null) {
      tracks.add(new Boxes.Track(audioId, true, audio.sampleRate(), 0, 0, audio.sampleEntry(audioId)));
    }
    byte[] ftyp = Boxes.ftyp(/* cmaf= */ tracks.size() == 1);
    byte[] moov = Boxes.moov(tracks);
    byte[] init = new byte[ftyp.length + moov.length];
    System.arraycopy(ftyp, 0, init, 0, ftyp.length);
    System.arraycopy(moov, 0, init, ftyp.length, moov.length);
    return init;
  }

  /** The key frame of the last media segment written, or null when it had no video; see Fmp4Muxer. */
  ByteRange lastKeyFrame() {
    return lastKeyFrame;
  }

  int nextSequenceNumber() {
    return sequenceNumber;
  }

  /**
   * One media segment. {@code videoEndDts} is the DTS that follows the last video sample (the next segment's first),
   * or negative when unknown: then the last frame lasts as long as the one before it.
   */
  byte[] mediaSegment(List<VideoSample> videoSamples, long videoEndDts, List<AudioSample> audioSamples) {
    List<Boxes.Run> runs = new ArrayList<>(2);
    List<byte[][]> payloads = new ArrayList<>(2);
    if (!videoSamples.isEmpty()) {
      if (video == null) throw new IllegalArgumentException("video samples for a muxer built without video");
      List<byte[]> nals = new ArrayList<>(videoSamples.size() * 2);
      runs.add(videoRun(videoSamples, videoEndDts, nals));
      payloads.add(nals.toArray(new byte[0][]));
    }
    if (!audioSamples.isEmpty()) {
      if (audio == null) throw new IllegalArgumentException("audio samples for a muxer built without audio");
      runs.add(audioRun(audioSamples));
      payloads.add(audioSamples.stream().map(AudioSample::data).toArray(byte[][]::new));
    }
    if (runs.isEmpty()) throw new IllegalArgumentException("a media segment needs at least one sample");
    return layout(runs, payloads);
  }

  /** styp, moof, mdat; each run's data_offset points at its first sample inside the mdat payload. */
  private byte[] layout(List<Boxes.Run> runs, List<byte[][]> payloads) {
    byte[] styp = Boxes.styp();
    int[] offsets = new int[runs.size()];
    int moofSize = Boxes.moof(sequenceNumber, runs, offsets).length;
    long payloadSize = 0;
    for (int i = 0; i < runs.size(); i++) {
      offsets[i] = (int) (moofSize + 8 + payloadSize);
      for (int size : runs.get(i).sizes()) payloadSize += size;
    }
    byte[] moof = Boxes.moof(sequenceNumber, runs, offsets);
    byte[] mdat = Boxes.mdatHeader(payloadSize);
    boolean videoFirst = video != null && runs.get(0).trackId() == videoId;
    // the moof, the mdat's header and the first video sample (the key frame: the mdat holds video first)
    lastKeyFrame = videoFirst
        ? new ByteRange(styp.length, (long) moof.length + mdat.length + runs.get(0).sizes()[0]) : null;
    long total = styp.length + moof.length + mdat.length + payloadSize;
    if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("media segment over 2 GiB");
    byte[] out = new byte[(int) total];
    int pos = put(out, 0, styp);
    pos = put(out, pos, moof);
    pos = put(out, pos, mdat);
    boolean lengthPrefixed = videoFirst;
    for (int i = 0; i < payloads.size(); i++) {
      boolean nalUnits = lengthPrefixed && i == 0;
      for (byte[] data : payloads.get(i)) {
        if (nalUnits) {
          BoxBuffer.putInt(out, pos, data.length); // NALUnitLength of lengthSizeMinusOne + 1 = 4 bytes
          pos += SampleEntries.NAL_LENGTH_SIZE;
        }
        pos = put(out, pos, data);
      }
    }
    sequenceNumber++;
    return out;
  }

  private Boxes.Run videoRun(List<VideoSample> samples, long endDts, List<byte[]> nalsOut) {
    int n = samples.size();
    int[] durations = new int[n];
    int[] sizes = new int[n];
    int[] flags = new int[n];
    int[] offsets = new int[n];
    if (!samples.get(0).key()) {
      // A CMAF fragment starts with a stream access point (ISO/IEC 23000-19), and an HLS segment is only decodable
      // on its own (and EXT-X-INDEPENDENT-SEGMENTS true) when it starts with a key frame.
      throw new IllegalArgumentException("a media segment must start with a key frame");
    }
    for (int i = 0; i < n; i++) {
      VideoSample s = samples.get(i);
      if (s.dts90k() < 0) throw new IllegalArgumentException("negative DTS " + s.dts90k());
      if (!video.matches(s.nals())) {
        throw new IllegalArgumentException("parameter sets changed at sample " + i + ": build a new muxer (and init "
            + "segment) with VideoTrack.fromAccessUnit");
      }
      long next = i + 1 < n ? samples.get(i + 1).dts90k() : endDts;
      long duration = next >= 0 ? next - s.dts90k() : i > 0 ? durations[i - 1] : lastFrameDuration;
      if (duration <= 0 || duration > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("DTS must increase: sample " + i + " at " + s.dts90k() + ", next " + next);
      }
      durations[i] = (int) duration;
      long offset = s.pts90k() - s.dts90k();
      if (offset != (int) offset) throw new IllegalArgumentException("PTS - DTS out of range at sample " + i);
      offsets[i] = (int) offset;
      flags[i] = s.key() ? Boxes.SAMPLE_FLAGS_SYNC : Boxes.SAMPLE_FLAGS_NON_SYNC;
      sizes[i] = keepPictureData(s, i, nalsOut);
    }
    lastFrameDuration = durations[n - 1];
    return new Boxes.Run(videoId, samples.get(0).dts90k(), durations, sizes, flags, offsets);
  }

  /** Adds the sample's NAL units that stay in it to {@code nalsOut}; returns the sample's size in the mdat. */
  private int keepPictureData(VideoSample s, int index, List<byte[]> nalsOut) {
    int size = 0;
    for (byte[] nal : s.nals()) {
      if (video.dropFromSample(nal)) continue;
      nalsOut.add(nal);
      size += SampleEntries.NAL_LENGTH_SIZE + nal.length;
    }
    if (size == 0) throw new IllegalArgumentException("access unit " + index + " has no picture data");
    return size;
  }

  private Boxes.Run audioRun(List<AudioSample> samples) {
    int n = samples.size();
    int[] durations = new int[n];
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) {
      AudioSample s = samples.get(i);
      if (s.pts() < 0) throw new IllegalArgumentException("negative audio timestamp " + s.pts());
      // The gap to the next frame, so that a jump in the timestamps keeps every later frame at its own time.
      long duration = i + 1 < n ? samples.get(i + 1).pts() - s.pts() : s.duration();
      if (duration <= 0 || duration > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("audio timestamps must increase: frame " + i + " at " + s.pts());
      }
      durations[i] = (int) duration;
      sizes[i] = s.data().length;
    }
    return new Boxes.Run(audioId, samples.get(0).pts(), durations, sizes, null, null);
  }

  private static int put(byte[] out, int pos, byte[] data) {
    System.arraycopy(data, 0, out, pos, data.length);
    return pos + data.length;
  }
}
