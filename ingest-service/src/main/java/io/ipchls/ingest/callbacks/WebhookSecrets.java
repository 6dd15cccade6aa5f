package io.ipchls.ingest.callbacks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signing secrets that are never stored: {@code whsec_} + base64url(HMAC-SHA256(masterKey,
 * "ipchls-webhook-secret/v1/" + webhookId + "/" + salt)). The salt is random, public and replaced on rotation; without
 * the master key (config only) the database holds nothing that signs. Nothing here logs a secret.
 */
public final class WebhookSecrets {
  private static final String CONTEXT = "ipchls-webhook-secret/v1/";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec masterKey;

  public WebhookSecrets(String masterKey) {
    this.masterKey = new SecretKeySpec(masterKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The webhook's current signing secret. */
  public String secret(String webhookId, String salt) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(masterKey);
      byte[] raw = mac.doFinal((CONTEXT + webhookId + "/" + salt).getBytes(StandardCharsets.UTF_8));
      return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A fresh salt (128 random bits, hex). */
  public static String newSalt() {
    return randomHex(16);
  }

  /** A fresh webhook id: {@code wh_} + 16 hex. */
  public static String newWebhookId() {
    return "wh_" + randomHex(8);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
