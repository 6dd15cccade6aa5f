package io.ipchls.credential.auth;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets (digests of them: {@link io.ipchls.kit.crypto.Sha256}). Nothing here ever logs its output. */
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
}
