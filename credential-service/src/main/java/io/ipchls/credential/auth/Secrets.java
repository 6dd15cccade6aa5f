package io.ipchls.credential.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets and SHA-256 digests. Nothing here ever logs its input. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String ALNUM = UPPER_ALNUM + "abcdefghijklmnopqrstuvwxyz";

  private Secrets() {}

  /** A camera secret: 32 random bytes, base64url without padding (43 characters). */
  public static String cameraSecret() {
    return base64Url(32);
  }

  public static String base64Url(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
  }

  public static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** {@code length} characters drawn uniformly from [A-Z0-9]. */
  public static String upperAlnum(int length) {
    return draw(UPPER_ALNUM, length);
  }

  /** {@code length} characters drawn uniformly from [A-Za-z0-9]. */
  public static String alnum(int length) {
    return draw(ALNUM, length);
  }

  private static String draw(String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    return sb.toString();
  }

  public static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  public static String sha256Hex(String s) {
    return HexFormat.of().formatHex(sha256(s));
  }

  /** Constant-time comparison of SHA-256({@code candidate}) with a stored hex digest. */
  public static boolean matchesSha256Hex(String candidate, String storedHex) {
    if (candidate == null || storedHex == null) return false;
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(storedHex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(sha256(candidate), expected);
  }
}
