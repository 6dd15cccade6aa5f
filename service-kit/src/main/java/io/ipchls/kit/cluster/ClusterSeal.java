package io.ipchls.kit.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what must cross the cluster or rest in a cluster map but must not be readable there: a camera's CONNECT
 * password on its way to credential-service, the secret half of a storage key the embedded S3 server looks up. The
 * Hazelcast open-source edition has no member authentication and no encryption, so whoever reaches a member port can
 * join and read every map and every event-bus message; sealing makes what such a member sees useless.
 *
 * <p>AES-256-GCM (NIST SP 800-38D) with a 96-bit random nonce per value; the key is HMAC-SHA256 of the cluster secret
 * over a fixed label, so the configured secret itself is never used as a cipher key. Each value is bound to its
 * purpose (the map and entry it belongs to, or the event-bus address) as additional authenticated data, so a sealed
 * value copied to another entry or address does not open. The text form is {@code s1.<base64url(nonce | ciphertext |
 * tag)>}.
 *
 * <p>The cluster secret comes from {@code cluster.secret} (see {@link ClusterConfig}). Without one, every process
 * makes its own random secret at start: sealed values then open only inside the process that sealed them, which is
 * exactly the single-process demo, and a cluster of several processes must share a configured secret.
 */
public final class ClusterSeal implements Shareable {
  private static final String PREFIX = "s1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] LABEL = "ipc-hls cluster seal v1".getBytes(StandardCharsets.US_ASCII);
  private static final String LOCAL_MAP = "ipchls.cluster.seal";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The secret of processes that configure none: made once per JVM, never written anywhere. */
  private static final byte[] PROCESS_SECRET = randomSecret();
  private static final ClusterSeal PROCESS = new ClusterSeal(PROCESS_SECRET);

  private final SecretKeySpec key;

  /** A seal keyed by {@code secret} (at least 32 bytes). */
  public ClusterSeal(byte[] secret) {
    if (secret == null || secret.length < ClusterConfig.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("a cluster secret needs at least " + ClusterConfig.MIN_SECRET_BYTES
          + " bytes");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      this.key = new SecretKeySpec(mac.doFinal(LABEL), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }

  /** The secret of this process when none is configured (a copy). */
  static byte[] processSecret() {
    return PROCESS_SECRET.clone();
  }

  /** The seal of processes without a configured cluster secret. */
  public static ClusterSeal processLocal() {
    return PROCESS;
  }

  /** Makes {@code seal} the one {@link #of(Vertx)} returns for {@code vertx}; done once, when the member starts. */
  public static void install(Vertx vertx, ClusterSeal seal) {
    vertx.sharedData().<String, ClusterSeal>getLocalMap(LOCAL_MAP).put("seal", seal);
  }

  /** The seal installed for {@code vertx}, or the process-local one (a Vert.x started without {@link Clustering}). */
  public static ClusterSeal of(Vertx vertx) {
    LocalMap<String, ClusterSeal> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    ClusterSeal seal = map.get("seal");
    return seal != null ? seal : PROCESS;
  }

  /** Seals {@code plaintext} for {@code purpose}. */
  public String seal(String purpose, String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce, purpose);
      byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JVM", e);
    }
  }

  /**
   * Opens a value sealed for {@code purpose}.
   *
   * @throws SealException when it is not a sealed value, was sealed with another secret or for another purpose, or
   *     was changed
   */
  public String open(String purpose, String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) throw new SealException("not a sealed value");
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new SealException("not a sealed value");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) throw new SealException("sealed value too short");
    try {
      Cipher c = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(raw, NONCE_BYTES), purpose);
      return new String(c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SealException("sealed with another cluster secret, for another purpose, or changed");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JVM", e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce, String purpose) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
    return c;
  }

  private static byte[] randomSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return b;
  }

  @Override
  public String toString() {
    return "ClusterSeal[AES-256-GCM]";
  }

  /** A value that cannot be opened with this seal. */
  public static final class SealException extends RuntimeException {
    public SealException(String message) {
      super(message);
    }
  }
}
