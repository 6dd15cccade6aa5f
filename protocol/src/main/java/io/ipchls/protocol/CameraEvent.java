package io.ipchls.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code cameras/{id}/events} (and {@code POST /api/v1/cameras/{id}/events}): something the camera or an app saw at a
 * moment of the recording. {@code id} is chosen by the sender and is the idempotency key (a camera that publishes the
 * same event again, after a reconnect, adds nothing); {@code type} is one of {@link #TYPES}; {@code label} is a short
 * text (what a {@code custom} event is, or the person's name); {@code start} and {@code end} are UTC epoch ms
 * ({@code end} absent: an instant, e.g. a doorbell press); {@code data} is a small flat object of strings, numbers and
 * booleans for apps (a zone name, a confidence).
 *
 * <p>Every field has a grammar and a range ({@link #problems()}), as {@link SegmentNotification}'s, checked before any
 * I/O: text is printable ASCII of a bounded length (its UTF-8 byte length is its length; no control character
 * reaches the database, a log or a playlist), times lie in [{@link SegmentNotification#MIN_EPOCH_MS},
 * {@link SegmentNotification#MAX_EPOCH_MS}), an event lasts at most {@link #MAX_DURATION_MS}.
 */
public record CameraEvent(int v, String id, String type, String label, long start, Long end,
    Map<String, Object> data) {
  public static final int VERSION = 1;
  /** The event types; {@code custom} is for anything else, described by its label. */
  public static final Set<String> TYPES = Set.of("motion", "person", "vehicle", "doorbell", "sound", "custom");
  /** An event id: letters, digits and {@code . _ : -}, 1 to 64 characters, starting with a letter or digit. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  /** Longest label, in bytes (printable ASCII: one byte a character). */
  public static final int MAX_LABEL_BYTES = 64;
  /** Longest event: a day; anything longer is a state, not an event. */
  public static final long MAX_DURATION_MS = 24 * 3600 * 1000L;
  /** Most entries in {@code data}. */
  public static final int MAX_DATA_ENTRIES = 16;
  /** A {@code data} key: letters, digits and {@code . _ -}, 1 to 32 characters. */
  public static final Pattern DATA_KEY = Pattern.compile("[A-Za-z0-9._-]{1,32}");
  /** Longest string value in {@code data}, in bytes (printable ASCII). */
  public static final int MAX_DATA_STRING_BYTES = 128;

  /** Contract checks that need no server state; the empty list means valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (v != VERSION) p.add("unsupported schema version v=" + v);
    if (id == null || !ID.matcher(id).matches()) p.add("id must match " + ID.pattern());
    if (type == null || !TYPES.contains(type)) p.add("type must be one of " + sortedTypes());
    if (label != null && (label.isEmpty() || !isPrintableAscii(label) || label.length() > MAX_LABEL_BYTES)) {
      p.add("label must be 1 to " + MAX_LABEL_BYTES + " bytes of printable ASCII");
    }
    if (!isSaneTime(start)) p.add("start must be epoch ms in " + saneRange());
    if (end != null) {
      if (!isSaneTime(end)) p.add("end must be epoch ms in " + saneRange());
      else if (end < start) p.add("end must not be before start");
      else if (end - start > MAX_DURATION_MS) p.add("end may be at most " + MAX_DURATION_MS + " ms after start");
    }
    if (data != null) dataProblem(data).ifPresent(p::add);
    return p;
  }

  /** A short stable code for what is wrong (the first problem's field), for metrics and rejection reasons. */
  public String problemCode() {
    if (v != VERSION) return "unsupported_version";
    if (id == null || !ID.matcher(id).matches()) return "bad_id";
    if (type == null || !TYPES.contains(type)) return "bad_type";
    if (label != null && (label.isEmpty() || !isPrintableAscii(label) || label.length() > MAX_LABEL_BYTES)) {
      return "bad_label";
    }
    if (!isSaneTime(start)) return "bad_start";
    if (end != null && (!isSaneTime(end) || end < start || end - start > MAX_DURATION_MS)) return "bad_end";
    return "bad_data";
  }

  private static java.util.Optional<String> dataProblem(Map<String, Object> data) {
    if (data.size() > MAX_DATA_ENTRIES) {
      return java.util.Optional.of("data may hold at most " + MAX_DATA_ENTRIES + " entries");
    }
    for (Map.Entry<String, Object> e : data.entrySet()) {
      if (!DATA_KEY.matcher(e.getKey()).matches()) {
        return java.util.Optional.of("data keys must match " + DATA_KEY.pattern());
      }
      Object value = e.getValue();
      boolean ok = value instanceof Boolean
          || value instanceof Integer || value instanceof Long
          || value instanceof Double d && Double.isFinite(d)
          || value instanceof String s && isPrintableAscii(s) && s.length() <= MAX_DATA_STRING_BYTES;
      if (!ok) {
        return java.util.Optional.of("data." + e.getKey() + " must be a boolean, a number (within 64 bits) or a "
            + "string of at most " + MAX_DATA_STRING_BYTES + " bytes of printable ASCII");
      }
    }
    return java.util.Optional.empty();
  }

  private static boolean isSaneTime(long epochMs) {
    return epochMs >= SegmentNotification.MIN_EPOCH_MS && epochMs < SegmentNotification.MAX_EPOCH_MS;
  }

  private static String saneRange() {
    return "[" + SegmentNotification.MIN_EPOCH_MS + ", " + SegmentNotification.MAX_EPOCH_MS + ")";
  }

  private static String sortedTypes() {
    return TYPES.stream().sorted().toList().toString();
  }

  /** Printable ASCII (0x20-0x7e) only. */
  static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
  }
}
