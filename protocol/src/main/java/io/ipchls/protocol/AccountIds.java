package io.ipchls.protocol;

import java.util.regex.Pattern;

/**
 * The one rule for account ids (issue 19 item 2): the camera id grammar ({@link CameraIds}), so an account id is safe
 * in a path, a query parameter, a JWT claim and a log line just as a camera id is. Which names are reserved is
 * credential-service's rule ({@code ReservedIds#isReservedAccount}), checked where accounts are created.
 */
public final class AccountIds {
  /** Lower-case letters, digits, '_' and '-', 1..63 chars (bytes: ASCII only), starting with a letter or digit. */
  public static final Pattern PATTERN = CameraIds.PATTERN;

  private AccountIds() {}

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }

  /** Returns {@code id} or throws {@link IllegalArgumentException} naming the rule. */
  public static String require(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException(
          "account id must match " + PATTERN.pattern() + ", got: " + CameraIds.abbreviate(id));
    }
    return id;
  }
}
