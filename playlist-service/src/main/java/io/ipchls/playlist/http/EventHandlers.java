package io.ipchls.playlist.http;

import io.ipchls.kit.hls.HlsPlaylist;
import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.db.Event;
import io.ipchls.playlist.db.EventRepository;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.protocol.CameraEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camera events for viewers: {@code GET /api/v1/events} (search by camera, type and time, the viewer token authorized
 * for the camera as for its playlists), and the {@code EXT-X-DATERANGE} tags of a replay playlist.
 */
final class EventHandlers {
  static final int MAX_LIMIT = 1000;
  /** The longest range one search may span: a month of a camera's events, a page at a time. */
  static final Duration MAX_SEARCH_RANGE = Duration.ofDays(31);
  /**
   * The most events written into one replay playlist, the first ones in time: keeps a day's compact replay within its
   * 100 KB budget (docs/PERFORMANCE.md) however busy the camera; the events API has them all.
   */
  static final int MAX_PLAYLIST_EVENTS = 200;
  /** {@code CLASS} of an event's date range: reverse-DNS, as RFC 8216 §4.3.2.7 advises, ending with the type. */
  static final String DATERANGE_CLASS = "io.ipchls.event.";

  private static final Logger LOG = LoggerFactory.getLogger(EventHandlers.class);

  private final EventRepository events;
  private final SegmentRepository segments;
  private volatile boolean unreadableLogged;

  EventHandlers(EventRepository events, SegmentRepository segments) {
    this.events = events;
    this.segments = segments;
  }

  /**
   * {@code GET /api/v1/events?camera_id=&type=&start=&end=&limit=}: the camera's events overlapping [start, end), in
   * start order, at most {@code limit} (default 100); {@code more} says the range holds more (ask again from the last
   * one's start).
   */
  void search(RoutingContext ctx) {
    ApiHandlers.respond(ctx, () -> {
      var params = ctx.queryParams();
      String camera = QueryParams.cameraId(params);
      String type = params.get("type");
      if (type != null && !CameraEvent.TYPES.contains(type)) {
        throw ApiException.badRequest("invalid_type", "type must be one of "
            + CameraEvent.TYPES.stream().sorted().toList());
      }
      QueryParams.TimeRange range = QueryParams.range(params, MAX_SEARCH_RANGE);
      int limit = QueryParams.integer(params, "limit", /* def= */ 100, /* min= */ 1, MAX_LIMIT);
      ViewerAuth.scope(ctx).require(camera);
      return events.overlapping(camera, type, range.start(), range.end(), limit + 1)
          .compose(found -> found.isEmpty() ? knownOrNotFound(camera, found) : Future.succeededFuture(found))
          .map(found -> {
            JsonArray list = new JsonArray();
            found.stream().limit(limit).forEach(e -> list.add(e.toJson()));
            return new JsonObject().put("cameraId", camera).put("start", range.start().toEpochMilli())
                .put("end", range.end().toEpochMilli()).put("events", list).put("more", found.size() > limit);
          });
    });
  }

  private Future<List<Event>> knownOrNotFound(String camera, List<Event> none) {
    return segments.cameraKnown(camera).compose(known -> known ? Future.succeededFuture(none)
        : Future.failedFuture(new ApiException(404, "unknown_camera", "unknown camera: " + camera)));
  }

  /**
   * The camera's events in a replay range, at most {@link #MAX_PLAYLIST_EVENTS}. A database where this service
   * cannot read {@code ingest.events_v1} yet (ingest not upgraded, or 20-grants.sql not run again since) still gets
   * its replays, without date ranges: the events are extra, the video is not.
   */
  Future<List<Event>> forPlaylist(String camera, Instant start, Instant end) {
    return events.overlapping(camera, null, start, end, MAX_PLAYLIST_EVENTS).recover(e -> {
      if (!isUnreadable(e)) return Future.failedFuture(e);
      if (!unreadableLogged) LOG.warn("replays carry no events: cannot read ingest.events_v1 ({})", e.getMessage());
      unreadableLogged = true;
      return Future.succeededFuture(List.of());
    });
  }

  /** The view is missing (42P01, ingest older than V36) or not granted (42501, 20-grants.sql not run again). */
  private static boolean isUnreadable(Throwable e) {
    return e instanceof PgException pg && Set.of("42P01", "42501").contains(pg.getSqlState());
  }

  /**
   * Writes each event as {@code #EXT-X-DATERANGE:ID="<event id>",CLASS="io.ipchls.event.<type>",START-DATE=...,
   * END-DATE=...,X-IPCHLS-LABEL="..."}. The label is printable ASCII (CameraEvent's grammar) but may hold a double
   * quote, which a quoted-string cannot (RFC 8216 §4.2): it becomes an apostrophe.
   */
  static void addDateRanges(HlsPlaylist playlist, List<Event> list) {
    for (Event e : list) {
      Map<String, String> attributes = new LinkedHashMap<>();
      if (e.label() != null) attributes.put("X-IPCHLS-LABEL", e.label().replace('"', '\''));
      playlist.dateRange(e.id(), DATERANGE_CLASS + e.type(), e.start(), e.end(), attributes);
    }
  }
}
