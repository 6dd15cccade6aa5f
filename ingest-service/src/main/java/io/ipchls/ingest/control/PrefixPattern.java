package io.ipchls.ingest.control;

import io.ipchls.protocol.ObjectKeys;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A template's storage prefix pattern: {@code {prefix}} (the camera's prefix from the device registry) followed by
 * zero or more path segments made of {@code [A-Za-z0-9._-]} and the placeholders {@code {camera}}, {@code {task}},
 * {@code {template}}, e.g. {@code {prefix}/tasks/{task}}. Starting with {@code {prefix}} is what keeps every resolved
 * prefix inside the camera's own, the only place its storage key may write; a segment may not start with '.', so
 * {@code .} and {@code ..} cannot occur.
 */
public final class PrefixPattern {
  public static final String DEFAULT = "{prefix}";
  static final int MAX_CHARS = 200;
  private static final String PLACEHOLDER = "\\{(?:camera|task|template)\\}";
  private static final Pattern SEGMENT =
      Pattern.compile("(?:[A-Za-z0-9_-]|" + PLACEHOLDER + ")(?:[A-Za-z0-9._-]|" + PLACEHOLDER + "){0,63}");

  private PrefixPattern() {}

  /** Why the pattern is not acceptable, or empty when it is. */
  public static Optional<String> problem(String pattern) {
    if (pattern == null || pattern.length() > MAX_CHARS) return Optional.of("must be 1.." + MAX_CHARS + " chars");
    if (!pattern.equals(DEFAULT) && !pattern.startsWith(DEFAULT + "/")) {
      return Optional.of("must start with {prefix} (the camera's own storage prefix)");
    }
    if (pattern.equals(DEFAULT)) return Optional.empty();
    for (String segment : pattern.substring(DEFAULT.length() + 1).split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return Optional.of("path segments after {prefix} are 1..64 of [A-Za-z0-9._-] or {camera}, {task}, "
            + "{template}, not starting with '.'");
      }
    }
    return Optional.empty();
  }

  /** The pattern for one camera of one task; always the camera's prefix or a clean key prefix under it. */
  public static String resolve(String pattern, String cameraPrefix, String cameraId, String taskId,
      String templateId) {
    String resolved = pattern.replace("{camera}", cameraId).replace("{task}", taskId)
        .replace("{template}", templateId).replace(DEFAULT, cameraPrefix);
    if (!resolved.equals(cameraPrefix) && !ObjectKeys.isUnder(resolved, cameraPrefix)) {
      throw new IllegalStateException("prefix pattern escaped the camera's prefix: " + resolved); // problem() excludes it
    }
    return resolved;
  }
}
