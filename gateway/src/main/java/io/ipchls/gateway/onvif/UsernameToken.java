package io.ipchls.gateway.onvif;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * WS-Security UsernameToken with PasswordDigest (OASIS Web Services Security UsernameToken Profile 1.1, §3.1):
 * {@code Password_Digest = Base64(SHA-1(nonce + created + password))}, nonce as raw bytes, created and password as
 * UTF-8. The password itself never leaves the gateway. ONVIF Core Specification §5.12.2 requires devices to accept
 * it.
 */
public final class UsernameToken {
  static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
  static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
  static final String PASSWORD_DIGEST =
      "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
  static final String BASE64_BINARY =
      "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
  private static final SecureRandom RANDOM = new SecureRandom();

  private UsernameToken() {}

  /** The digest of the profile's §3.1. */
  public static String digest(byte[] nonce, String created, String password) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(nonce);
      sha1.update(created.getBytes(StandardCharsets.UTF_8));
      sha1.update(password.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(sha1.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }

  /**
   * A {@code wsse:Security} header for one request, created at {@code now} (the device's clock: the gateway's
   * corrected by the offset GetSystemDateAndTime gave, since devices refuse a Created far from their own time).
   */
  static String header(String username, String password, Instant now) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String created = now.truncatedTo(ChronoUnit.SECONDS).toString(); // xsd:dateTime in UTC, e.g. 2026-12-06T09:00:00Z
    return "<wsse:Security s:mustUnderstand=\"1\" xmlns:wsse=\"" + WSSE + "\" xmlns:wsu=\"" + WSU + "\">"
        + "<wsse:UsernameToken><wsse:Username>" + Soap.escape(username) + "</wsse:Username>"
        + "<wsse:Password Type=\"" + PASSWORD_DIGEST + "\">" + digest(nonce, created, password) + "</wsse:Password>"
        + "<wsse:Nonce EncodingType=\"" + BASE64_BINARY + "\">" + Base64.getEncoder().encodeToString(nonce)
        + "</wsse:Nonce><wsu:Created>" + created + "</wsu:Created></wsse:UsernameToken></wsse:Security>";
  }
}
