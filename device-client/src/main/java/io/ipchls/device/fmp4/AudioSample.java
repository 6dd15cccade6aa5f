package io.ipchls.device.fmp4;

/**
 * One audio frame for {@link Fmp4Muxer}: a raw AAC frame (ADTS header removed, see
 * {@link AudioTrack#adtsPayload(byte[])}) or one FLAC frame, its presentation time and its duration, both counted in
 * samples at the track's sample rate (an AAC frame lasts 1024).
 */
public record AudioSample(byte[] data, long pts, int duration) {
  public AudioSample {
    if (data == null || data.length == 0) throw new IllegalArgumentException("empty audio frame");
    if (duration <= 0) throw new IllegalArgumentException("audio frame duration must be > 0");
  }
}
