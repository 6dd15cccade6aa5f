package io.ipchls.ingest.shared;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Server-chosen ids: a type prefix and 64 random bits in hex ({@code tpl_}, {@code task_}, {@code evt_}). */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String next(String prefix) {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }
}
