package io.ipchls.credential.auth;

import io.ipchls.kit.crypto.Sha256;

/**
 * How camera secrets are stored ({@code credential.devices.secret_scheme}). {@link #SHA256}, for every secret made
 * since issue 15: the secret is 256 random bits made here ({@link Secrets#cameraSecret}), so its SHA-256 cannot be
 * reversed or guessed (2^256 tries), and a check costs microseconds instead of bcrypt's 12 ms per core, which bound a
 * reconnect storm to about 160 logins/s. {@link #BCRYPT}, for secrets stored before: still checked (on {@link Bcrypt}'s
 * workers) and replaced by their SHA-256 at the camera's next successful login. See docs/SECURITY.md "Camera secrets".
 */
public final class SecretHashes {
  public static final String SHA256 = "sha256";
  public static final String BCRYPT = "bcrypt";

  private SecretHashes() {}

  /** What {@code secret_hash} holds for {@link #SHA256}: 64 lower-case hex digits. */
  public static String sha256(String secret) {
    return Sha256.hex(secret);
  }

  /** Constant-time comparison of the secret's SHA-256 with a stored {@link #SHA256} hash. */
  public static boolean matchesSha256(String secret, String storedHex) {
    return Sha256.matchesHex(secret, storedHex);
  }
}
