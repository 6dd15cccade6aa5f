package io.ipchls.kit.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of secrets that are random tokens (admin tokens, service passwords, hook secrets), which configs keep as
 * lower-case hex instead of the token; comparisons are of digests, in constant time. Nothing here logs its input.
 */
public final class Sha256 {
  private Sha256() {}

  public static byte[] of(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  /** Lower-case hex SHA-256, as configs keep it. */
  public static String hex(String s) {
    return HexFormat.of().formatHex(of(s));
  }

  /** Constant-time comparison of SHA-256({@code candidate}) with a stored hex digest; false for a malformed one. */
  public static boolean matchesHex(String candidate, String storedHex) {
    if (candidate == null || storedHex == null) return false;
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(storedHex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(of(candidate), expected);
  }
}
