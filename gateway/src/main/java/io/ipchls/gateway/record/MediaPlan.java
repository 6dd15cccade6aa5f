package io.ipchls.gateway.record;

import io.ipchls.device.codec.VideoCodec;
import io.ipchls.gateway.rtp.AudioSpecificConfig;
import io.ipchls.gateway.sdp.MediaDescription;
import io.ipchls.gateway.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a camera's streams are recorded: the first video stream and, if wanted, the first audio stream, as far
 * as the camera SDK takes them. {@link #sdkSupports} is the one place that knows what the SDK accepts today.
 *
 * @param video the video stream
 * @param audio the audio stream, or null
 * @param aac the AAC configuration when the audio is AAC
 * @param note why a stream offered is not recorded, or null
 */
record MediaPlan(MediaDescription video, MediaDescription audio, AudioSpecificConfig aac, String note) {
  static final String H264 = "H264";
  static final String H265 = "H265";
  static final String AAC = "MPEG4-GENERIC";
  static final String PCMA = "PCMA";
  static final String PCMU = "PCMU";

  /** The streams to SETUP, video first. */
  List<MediaDescription> media() {
    List<MediaDescription> m = new ArrayList<>(2);
    m.add(video);
    if (audio != null) m.add(audio);
    return m;
  }

  static MediaPlan choose(SessionDescription sdp, boolean wantAudio) throws UnsupportedMediaException {
    MediaDescription video = sdp.media().stream().filter(m -> m.media().equals("video")
        && (m.encoding().equals(H264) || m.encoding().equals(H265))).findFirst().orElse(null);
    if (video == null) {
      throw new UnsupportedMediaException("the camera offers no H.264 or H.265 video: "
          + sdp.media().stream().map(m -> m.media() + " " + m.encoding()).toList());
    }
    String refused = sdkSupports(video.encoding());
    if (refused != null) throw new UnsupportedMediaException(refused);
    MediaDescription audio = !wantAudio ? null : sdp.media().stream().filter(m -> m.media().equals("audio")
        && List.of(AAC, PCMA, PCMU).contains(m.encoding())).findFirst().orElse(null);
    String note = null;
    AudioSpecificConfig aac = null;
    if (audio != null) {
      note = sdkSupports(audio.encoding());
      if (note == null) {
        try {
          aac = AudioSpecificConfig.parseHex(audio.fmtp().getOrDefault("config", ""));
        } catch (IllegalArgumentException e) {
          note = "audio not recorded: " + e.getMessage();
        }
      }
      if (note != null) audio = null;
    }
    return new MediaPlan(video, audio, aac, note);
  }

  /** The SDK's codec of the video stream. */
  VideoCodec videoCodec() {
    return video.encoding().equals(H265) ? VideoCodec.H265 : VideoCodec.H264;
  }

  /**
   * What the gateway records through the camera SDK today: H.264 and H.265 video (MPEG-TS segments), AAC audio.
   * G.711 has no carriage in MPEG-TS; it needs the SDK's fMP4 container, which the gateway does not use yet.
   *
   * @return null when supported, else the reason
   */
  static String sdkSupports(String encoding) {
    return switch (encoding) {
      case H264, H265, AAC -> null;
      case PCMA, PCMU -> "G.711 audio (" + encoding + ") needs the fMP4 container, not available yet: recording video"
          + " only";
      default -> encoding + " is not supported";
    };
  }
}
