package io.ipchls.device.codec;

import io.ipchls.protocol.SegmentNotification;

/**
 * The segment format a camera writes. MPEG-TS is the default and what every HLS player and the oldest servers take;
 * fMP4 (CMAF) adds an init segment per codec configuration, referenced with {@code EXT-X-MAP}, and is the form
 * Safari needs for HEVC and the only one that carries G.711 (repacked as FLAC). See docs/CAMERA-SDK.md.
 */
public enum Container {
  /** MPEG-2 transport stream segments ({@code .ts}), ISO/IEC 13818-1. */
  TS(SegmentNotification.CONTAINER_TS),
  /** Fragmented MP4 media segments ({@code .m4s}) after an init segment, ISO/IEC 14496-12 / 23000-19. */
  FMP4(SegmentNotification.CONTAINER_FMP4);

  private final String wireName;

  Container(String wireName) {
    this.wireName = wireName;
  }

  /** The name in notifications, commands and record templates: {@code ts} or {@code fmp4}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The container of a wire name.
   *
   * @throws IllegalArgumentException for anything but {@code ts} and {@code fmp4}
   */
  public static Container fromWireName(String name) {
    for (Container c : values()) {
      if (c.wireName.equals(name)) return c;
    }
    throw new IllegalArgumentException("unknown container \"" + name + "\": use ts or fmp4");
  }
}
