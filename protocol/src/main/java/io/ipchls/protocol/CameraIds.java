package io.ipchls.protocol;

import java.util.regex.Pattern;

/** The one rule for camera ids, used by every topic, key and API that carries one. */
public final class CameraIds {
  /** Lower-case letters, digits, '_' and '-', 1..63 chars, starting with a letter or digit. */
  public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private CameraIds() {}

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }

  /** Returns {@code id} or throws {@link IllegalArgumentException} naming the rule. */
  public static String require(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException(
          "camera id must match " + PATTERN.pattern() + ", got: " + abbreviate(id));
    }
    return id;
  }

  static String abbreviate(String s) {
    if (s == null) return "null";
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
