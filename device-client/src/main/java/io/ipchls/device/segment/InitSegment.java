package io.ipchls.device.segment;

/**
 * An fMP4 init segment (ftyp + moov): the codec configuration its media segments are decoded with. Stored once per
 * configuration, under a key named by {@code sha256} ({@code ObjectKeys.initKey}).
 *
 * @param bytes the init segment
 * @param sha256 lower-case hex SHA-256 of {@code bytes}
 */
public record InitSegment(byte[] bytes, String sha256) {
  public InitSegment {
    if (bytes == null || bytes.length == 0) throw new IllegalArgumentException("empty init segment");
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("bad init SHA-256");
  }

  /** An init segment named by its own hash. */
  public static InitSegment of(byte[] bytes) {
    return new InitSegment(bytes, Segment.sha256Hex(bytes));
  }
}
