package io.ipchls.kit.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.function.Supplier;

/**
 * Writes an HLS media playlist (RFC 8216) for MPEG-TS or fragmented MP4 segments listed in time order.
 * Discontinuities, their program date-times and the fMP4 segments' {@code EXT-X-MAP} tags are derived from segment
 * start times, the camera's restart marks and each segment's init segment, so callers only add what the index holds.
 */
public final class HlsPlaylist {
  /**
   * RFC 8216 §7: floating-point EXTINF needs protocol version 3; the smallest version every client reads, so a
   * playlist of MPEG-TS segments alone declares it.
   */
  static final int VERSION = 3;
  /**
   * RFC 8216 §7: "The EXT-X-MAP tag in a Media Playlist that does not contain EXT-X-I-FRAMES-ONLY REQUIRES a
   * compatibility version number of 6 or greater": the least version a playlist with fMP4 segments may declare.
   */
  static final int VERSION_WITH_MAP = 6;
  /** RFC 8216 §7: EXT-X-BYTERANGE and EXT-X-I-FRAMES-ONLY need version 4 or greater. */
  static final int VERSION_I_FRAMES = 4;
  /** RFC 8216 §7: "The EXT-X-MAP tag in a Media Playlist that contains EXT-X-I-FRAMES-ONLY REQUIRES ... 5 or greater". */
  static final int VERSION_I_FRAMES_WITH_MAP = 5;
  /** A segment that starts further than this from the previous one's end follows a gap or a camera restart. */
  public static final long CONTINUITY_TOLERANCE_MS = 1000;
  /**
   * RFC 8216 §4.3.3.1: "The EXTINF duration of each Media Segment in the Playlist file, when rounded to the nearest
   * integer, MUST be less than or equal to the target duration": the longest EXTINF a live playlist's fixed target
   * {@code T} allows is {@code T} s + this (T.499 rounds to T; T.5 rounds up).
   */
  static final long ROUNDS_DOWN_MS = 499;
  /** Target duration of a playlist without segments; a typical segment is about 3 s. */
  static final int EMPTY_TARGET_DURATION_S = 4;
  private static final DateTimeFormatter PROGRAM_DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  /**
   * {@code listedMs}: its EXTINF, {@code durationMs} clipped to a live playlist's target; {@code init} identifies the
   * fMP4 init segment (null for MPEG-TS) and {@code mapUri} makes its link, asked for only where a map is written.
   */
  private record Entry(String uri, Instant start, long durationMs, long listedMs, boolean restart, String init,
      Supplier<String> mapUri, long byteOffset, long byteLength) {}

  /**
   * RFC 8216 §4.3.2.7: an {@code EXT-X-DATERANGE} (an interval of wall-clock time with attributes): {@code end} null
   * for an instant; {@code clientAttributes} are {@code X-} names with quoted-string values, in the order given.
   */
  private record DateRange(String id, String classValue, Instant start, Instant end,
      Map<String, String> clientAttributes) {}

  /** RFC 8216 §4.2: an AttributeName is [A-Z0-9-]; §4.3.2.7: client-defined ones start with "X-". */
  private static final Pattern CLIENT_ATTRIBUTE = Pattern.compile("X-[A-Z0-9-]+");

  private final boolean vod;
  private final boolean iFramesOnly;
  private final long mediaSequence;
  private final long discontinuitySequence;
  /** A live playlist's fixed target duration in seconds; 0: derived from the segments (VOD). */
  private final int fixedTargetSeconds;
  private final List<Entry> entries = new ArrayList<>();
  private final List<DateRange> dateRanges = new ArrayList<>();

  private HlsPlaylist(boolean vod, long mediaSequence, long discontinuitySequence, int fixedTargetSeconds) {
    this(vod, /* iFramesOnly= */ false, mediaSequence, discontinuitySequence, fixedTargetSeconds);
  }

  private HlsPlaylist(boolean vod, boolean iFramesOnly, long mediaSequence, long discontinuitySequence,
      int fixedTargetSeconds) {
    if (mediaSequence < 0) throw new IllegalArgumentException("media sequence must be >= 0");
    if (discontinuitySequence < 0) throw new IllegalArgumentException("discontinuity sequence must be >= 0");
    this.vod = vod;
    this.iFramesOnly = iFramesOnly;
    this.mediaSequence = mediaSequence;
    this.discontinuitySequence = discontinuitySequence;
    this.fixedTargetSeconds = fixedTargetSeconds;
  }

  /**
   * A sliding-window live playlist (RFC 8216 §6.2.2): its first segment has the given media sequence number and
   * discontinuity sequence number (the count of discontinuities before it, which the window no longer shows). Its
   * target duration is fixed, because §6.2.1 allows a live playlist to change only by appending, removing from the
   * front and moving the sequence tags: a target taken from the segments on show would move when a long one leaves.
   * A segment longer than the target is listed with its EXTINF clipped to the longest that rounds to the target
   * ({@link #ROUNDS_DOWN_MS}; §4.3.3.1: rounded EXTINF ≤ target is a MUST, an accurate EXTINF only a SHOULD; players
   * take the real length from the media timestamps).
   */
  public static HlsPlaylist live(long mediaSequence, long discontinuitySequence, int targetDurationSeconds) {
    if (targetDurationSeconds < 1) throw new IllegalArgumentException("target duration must be >= 1 s");
    return new HlsPlaylist(/* vod= */ false, mediaSequence, discontinuitySequence, targetDurationSeconds);
  }

  /** A complete, unchanging playlist (PLAYLIST-TYPE VOD, ENDLIST). */
  public static HlsPlaylist vod() {
    return new HlsPlaylist(/* vod= */ true, /* mediaSequence= */ 0, /* discontinuitySequence= */ 0,
        /* fixedTargetSeconds= */ 0);
  }

  /**
   * A complete I-frame playlist (RFC 8216 §4.3.3.6 {@code EXT-X-I-FRAMES-ONLY}, PLAYLIST-TYPE VOD, ENDLIST): each entry
   * is one I-frame, given with {@link #iFrame} as a byte range of its segment (§4.3.2.2 {@code EXT-X-BYTERANGE}); its
   * EXTINF is the time until the next I-frame (§4.3.3.6), here the segment's duration, as each segment has one. The
   * rules for discontinuities, program date-times and {@code EXT-X-MAP} are the media playlist's.
   */
  public static HlsPlaylist iFrames() {
    return new HlsPlaylist(/* vod= */ true, /* iFramesOnly= */ true, /* mediaSequence= */ 0,
        /* discontinuitySequence= */ 0, /* fixedTargetSeconds= */ 0);
  }

  /**
   * Appends an I-frame of an I-frame playlist: {@code length} bytes at {@code offset} of the segment at {@code uri},
   * shown for {@code durationMs} (until the next I-frame). For MPEG-TS the range must begin with the PAT and PMT (the
   * Media Initialization Section, §3.2; §4.3.3.6: an I-frame's resource "MUST begin with either a Media Initialization
   * Section or be accompanied by an EXT-X-MAP tag"); for fMP4, {@code init} and {@code mapUri} give its EXT-X-MAP.
   */
  public HlsPlaylist iFrame(String uri, Instant start, long durationMs, boolean restart, String init,
      Supplier<String> mapUri, long offset, long length) {
    if (!iFramesOnly) throw new IllegalStateException("an I-frame goes into an I-frame playlist (iFrames())");
    if (offset < 0 || length <= 0) throw new IllegalArgumentException("byte range needs offset >= 0, length > 0");
    add(uri, start, durationMs, restart, init, mapUri, offset, length);
    return this;
  }

  /** Appends a segment that the camera did not mark as a restart; segments must be added in start-time order. */
  public HlsPlaylist segment(String uri, Instant start, long durationMs) {
    return segment(uri, start, durationMs, /* restart= */ false);
  }

  /**
   * Appends a segment; segments must be added in start-time order.
   *
   * @param restart the camera marked it as not continuing the previous segment (its timestamps restarted or its clock
   *     stepped): a discontinuity precedes it however small the gap
   */
  public HlsPlaylist segment(String uri, Instant start, long durationMs, boolean restart) {
    return segment(uri, start, durationMs, restart, /* init= */ null, /* mapUri= */ null);
  }

  /**
   * Appends a segment; segments must be added in start-time order.
   *
   * @param restart the camera marked it as not continuing the previous segment: a discontinuity precedes it
   * @param init identifies the fMP4 initialization segment the segment needs (its object key), null for MPEG-TS; a
   *     segment whose init differs from the previous one's follows a discontinuity (the decoder must be reset,
   *     RFC 8216 §4.3.2.3: a change of encoding parameters) and an {@code EXT-X-MAP} naming the new one (§4.3.2.5)
   * @param mapUri the init segment's URI; called only where a map tag is written
   */
  public HlsPlaylist segment(String uri, Instant start, long durationMs, boolean restart, String init,
      Supplier<String> mapUri) {
    if (iFramesOnly) throw new IllegalStateException("an I-frame playlist lists byte ranges: use iFrame(...)");
    add(uri, start, durationMs, restart, init, mapUri, /* offset= */ -1, /* length= */ -1);
    return this;
  }

  private void add(String uri, Instant start, long durationMs, boolean restart, String init, Supplier<String> mapUri,
      long offset, long length) {
    requireLine(uri, "segment URI");
    if (durationMs <= 0) throw new IllegalArgumentException("segment duration must be > 0 ms");
    if (init != null && mapUri == null) throw new IllegalArgumentException("an fMP4 segment needs its map URI");
    long listedMs = fixedTargetSeconds > 0 ? Math.min(durationMs, fixedTargetSeconds * 1000L + ROUNDS_DOWN_MS)
        : durationMs;
    entries.add(new Entry(uri, start, durationMs, listedMs, restart, init, mapUri, offset, length));
  }

  /**
   * Adds an {@code EXT-X-DATERANGE} (RFC 8216 §4.3.2.7): {@code ID}, {@code CLASS}, {@code START-DATE}, and
   * {@code END-DATE} unless {@code end} is null (an instant), then the client attributes. It is written before the
   * segment that plays its start (the first one ending after it; the first or the last segment when it lies outside
   * them). The playlist has the {@code EXT-X-PROGRAM-DATE-TIME} that §4.3.2.7 requires with any date range: every run
   * of segments starts with one. Values are quoted-strings (§4.2), which may hold no double quote, CR or LF.
   */
  public HlsPlaylist dateRange(String id, String classValue, Instant start, Instant end,
      Map<String, String> clientAttributes) {
    quotable(id, "date range ID");
    quotable(classValue, "date range CLASS");
    Objects.requireNonNull(start, "start");
    // §4.3.2.7: "END-DATE ... MUST be equal to or later than the value of the START-DATE attribute"
    if (end != null && end.isBefore(start)) throw new IllegalArgumentException("date range ends before it starts");
    clientAttributes.forEach((name, value) -> {
      if (!CLIENT_ATTRIBUTE.matcher(name).matches()) {
        throw new IllegalArgumentException("client attribute names are X- and [A-Z0-9-]: " + name);
      }
      quotable(value, name);
    });
    dateRanges.add(new DateRange(id, classValue, start, end, clientAttributes));
    return this;
  }

  private static void quotable(String value, String what) {
    requireLine(value, what);
    if (value.indexOf('"') >= 0) throw new IllegalArgumentException(what + " must not contain a double quote");
  }

  private static void requireLine(String uri, String what) {
    if (uri == null || uri.isBlank() || uri.indexOf('\n') >= 0 || uri.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(what + " must be one non-empty line");
    }
  }

  /**
   * RFC 8216 §4.3.3.1: every EXTINF rounded to an integer must be ≤ the target duration; ceil(max) satisfies that,
   * and a live playlist's fixed target does by clipping to {@link #ROUNDS_DOWN_MS} above it.
   */
  int targetDurationSeconds() {
    if (fixedTargetSeconds > 0) return fixedTargetSeconds;
    long maxMs = entries.stream().mapToLong(Entry::durationMs).max().orElse(0);
    return maxMs == 0 ? EMPTY_TARGET_DURATION_S : (int) Math.max(1, (maxMs + 999) / 1000);
  }

  public String render() {
    StringBuilder out = new StringBuilder(128 + entries.size() * 320);
    line(out, "#EXTM3U");
    line(out, "#EXT-X-VERSION:" + version());
    line(out, "#EXT-X-TARGETDURATION:" + targetDurationSeconds());
    line(out, "#EXT-X-MEDIA-SEQUENCE:" + mediaSequence);
    if (!vod) line(out, "#EXT-X-DISCONTINUITY-SEQUENCE:" + discontinuitySequence);
    if (vod) line(out, "#EXT-X-PLAYLIST-TYPE:VOD");
    if (iFramesOnly) line(out, "#EXT-X-I-FRAMES-ONLY");
    Entry previous = null;
    List<DateRange> ranges = new ArrayList<>(dateRanges);
    ranges.sort(Comparator.comparing(DateRange::start));
    int nextRange = 0;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      boolean newRun = previous == null || !continues(previous, e);
      if (newRun && previous != null) line(out, "#EXT-X-DISCONTINUITY");
      if (e.init() != null && (previous == null || !e.init().equals(previous.init()))) map(out, e.mapUri().get());
      if (newRun) line(out, "#EXT-X-PROGRAM-DATE-TIME:" + PROGRAM_DATE_TIME.format(e.start()));
      Instant entryEnd = e.start().plusMillis(e.durationMs());
      boolean last = i == entries.size() - 1;
      while (nextRange < ranges.size() && (last || ranges.get(nextRange).start().isBefore(entryEnd))) {
        dateRange(out, ranges.get(nextRange++));
      }
      line(out, "#EXTINF:" + seconds(e.listedMs()) + ",");
      // RFC 8216 §4.3.2.2: <n>[@<o>], the offset always given: each range lies in another resource
      if (e.byteLength() > 0) line(out, "#EXT-X-BYTERANGE:" + e.byteLength() + "@" + e.byteOffset());
      line(out, e.uri());
      previous = e;
    }
    if (vod) line(out, "#EXT-X-ENDLIST");
    return out.toString();
  }

  /** RFC 8216 §4.3.2.7: {@code #EXT-X-DATERANGE:<attribute-list>}, dates as in EXT-X-PROGRAM-DATE-TIME. */
  private static void dateRange(StringBuilder out, DateRange r) {
    out.append("#EXT-X-DATERANGE:ID=\"").append(r.id()).append("\",CLASS=\"").append(r.classValue())
        .append("\",START-DATE=\"").append(PROGRAM_DATE_TIME.format(r.start())).append('"');
    if (r.end() != null) out.append(",END-DATE=\"").append(PROGRAM_DATE_TIME.format(r.end())).append('"');
    r.clientAttributes().forEach((name, value) -> out.append(',').append(name).append("=\"").append(value).append('"'));
    out.append('\n');
  }

  /** RFC 8216 §7: the least version whose features the playlist uses. */
  int version() {
    boolean map = entries.stream().anyMatch(e -> e.init() != null);
    if (iFramesOnly) return map ? VERSION_I_FRAMES_WITH_MAP : VERSION_I_FRAMES;
    return map ? VERSION_WITH_MAP : VERSION;
  }

  /** RFC 8216 §4.3.2.5: {@code #EXT-X-MAP:URI="<quoted-string>"}, which may hold no double quote, CR or LF. */
  private static void map(StringBuilder out, String uri) {
    requireLine(uri, "map URI");
    if (uri.indexOf('"') >= 0) throw new IllegalArgumentException("map URI must not contain a double quote");
    line(out, "#EXT-X-MAP:URI=\"" + uri + "\"");
  }

  private static boolean continues(Entry previous, Entry next) {
    return !next.restart() && Objects.equals(previous.init(), next.init())
        && continues(previous.start(), previous.durationMs(), next.start());
  }

  /** Whether a segment starting at {@code next} plays on from the previous one without a discontinuity. */
  public static boolean continues(Instant previousStart, long previousDurationMs, Instant next) {
    long expected = previousStart.toEpochMilli() + previousDurationMs;
    return Math.abs(next.toEpochMilli() - expected) <= CONTINUITY_TOLERANCE_MS;
  }

  /** Milliseconds as decimal seconds with exactly three decimals, independent of the default locale. */
  static String seconds(long ms) {
    long frac = ms % 1000;
    return (ms / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }

  private static void line(StringBuilder out, String text) {
    out.append(text).append('\n');
  }
}
