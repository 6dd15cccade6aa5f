package io.ipchls.protocol;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How ingest-service signs a webhook delivery, and how a receiver written in Java checks one.
 *
 * <p>The POST carries {@value #TIMESTAMP_HEADER} (Unix seconds, decimal) and {@value #SIGNATURE_HEADER}
 * {@code sha256=<hex of HMAC-SHA256(key = UTF-8 bytes of the webhook's secret, data = timestamp + "." + body bytes)>}.
 * A receiver recomputes it over the raw body (before any JSON parsing), compares in constant time, and refuses a
 * timestamp further than its tolerance from its own clock (replays of an old, validly signed request).
 */
public final class WebhookSignature {
  public static final String TIMESTAMP_HEADER = "X-IpcHls-Timestamp";
  public static final String SIGNATURE_HEADER = "X-IpcHls-Signature";
  public static final String EVENT_ID_HEADER = "X-IpcHls-Event-Id";
  public static final String EVENT_TYPE_HEADER = "X-IpcHls-Event-Type";
  public static final String WEBHOOK_ID_HEADER = "X-IpcHls-Webhook-Id";
  public static final String DELIVERY_ID_HEADER = "X-IpcHls-Delivery-Id";
  /** What a receiver should tolerate between the timestamp and its clock, unless it knows better. */
  public static final long DEFAULT_TOLERANCE_SECONDS = 300;
  private static final String SCHEME = "sha256=";

  private WebhookSignature() {}

  /** The {@value #SIGNATURE_HEADER} value for this body sent at {@code timestampSeconds}. */
  public static String sign(String secret, long timestampSeconds, byte[] body) {
    return SCHEME + HexFormat.of().formatHex(hmac(secret, timestampSeconds, body));
  }

  /** The outcome of checking a received request. */
  public enum Verdict { VALID, MISSING, MALFORMED, STALE, MISMATCH }

  /**
   * Checks a request: both headers present and well formed, the timestamp within {@code toleranceSeconds} of
   * {@code nowSeconds}, and the signature equal (constant time) to the one recomputed over {@code body}.
   */
  public static Verdict verify(String secret, String timestampHeader, String signatureHeader, byte[] body,
      long nowSeconds, long toleranceSeconds) {
    if (timestampHeader == null || signatureHeader == null) return Verdict.MISSING;
    long ts;
    try {
      ts = Long.parseLong(timestampHeader.trim());
    } catch (NumberFormatException e) {
      return Verdict.MALFORMED;
    }
    if (!signatureHeader.startsWith(SCHEME)) return Verdict.MALFORMED;
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signatureHeader.substring(SCHEME.length()).trim());
    } catch (IllegalArgumentException e) {
      return Verdict.MALFORMED;
    }
    if (Math.abs(nowSeconds - ts) > toleranceSeconds) return Verdict.STALE;
    return MessageDigest.isEqual(given, hmac(secret, ts, body)) ? Verdict.VALID : Verdict.MISMATCH;
  }

  private static byte[] hmac(String secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
