package io.ipchls.gateway.record;

import io.ipchls.device.codec.AudioInput;
import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.gateway.rtp.AudioSpecificConfig;
import io.ipchls.gateway.sdp.MediaDescription;
import io.ipchls.gateway.sdp.SessionDescription;
import io.ipchls.protocol.SegmentNotification;
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
 * @param container the segment format: as configured, or for {@code auto} TS unless the audio is G.711, which
 *     MPEG-TS cannot carry and fMP4 can
 */
record MediaPlan(MediaDescription video, MediaDescription audio, AudioSpecificConfig aac, String note,
    Container container) {
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

  /** @param container {@code ts}, {@code fmp4} or {@code auto} (the camera config's) */
  static MediaPlan choose(SessionDescription sdp, boolean wantAudio, String container)
      throws UnsupportedMediaException {
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
    Container chosen = container.equals(SegmentNotification.CONTAINER_FMP4) ? Container.FMP4 : Container.TS;
    if (audio != null && isG711(audio.encoding())) {
      if (container.equals(SegmentNotification.CONTAINER_TS)) {
        note = "G.711 audio (" + audio.encoding() + ") cannot go into MPEG-TS (container ts in the config): recording"
            + " video only";
      } else {
        chosen = Container.FMP4;
      }
    } else if (audio != null) {
      note = sdkSupports(audio.encoding());
      if (note == null) {
        try {
          aac = AudioSpecificConfig.parseHex(audio.fmtp().getOrDefault("config", ""));
        } catch (IllegalArgumentException e) {
          note = "audio not recorded: " + e.getMessage();
        }
      }
    }
    if (note != null) audio = null;
    return new MediaPlan(video, audio, aac, note, chosen);
  }

  static boolean isG711(String encoding) {
    return encoding.equals(PCMA) || encoding.equals(PCMU);
  }

  /** What the camera's {@code putAudio} takes, or null without audio. */
  AudioInput audioInput() {
    if (audio == null) return null;
    return switch (audio.encoding()) {
      case PCMA -> AudioInput.g711Alaw();
      case PCMU -> AudioInput.g711Ulaw();
      default -> AudioInput.aacAdts();
    };
  }

  /** The SDK's codec of the video stream. */
  VideoCodec videoCodec() {
    return video.encoding().equals(H265) ? VideoCodec.H265 : VideoCodec.H264;
  }

  /**
   * What the gateway records through the camera SDK: H.264 and H.265 video, AAC audio, and G.711 audio (PCMA, PCMU)
   * in the fMP4 container (see {@link #choose}).
   *
   * @return null when supported, else the reason
   */
  static String sdkSupports(String encoding) {
    return switch (encoding) {
      case H264, H265, AAC, PCMA, PCMU -> null;
      default -> encoding + " is not supported";
    };
  }
}
