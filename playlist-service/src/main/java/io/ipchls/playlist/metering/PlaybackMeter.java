package io.ipchls.playlist.metering;

import io.ipchls.playlist.db.Segment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Playback counters of this instance, per camera and UTC day, kept in memory and added to the database every
 * {@code flushSeconds} (additive upserts: any number of instances sum correctly, and which one served a viewer does
 * not matter):
 * <ul>
 *   <li>{@link #request}: a playback request answered (a playlist, a segment link resolved, a proxied segment, a
 *       {@code clip.mp4} answer, an export job accepted);</li>
 *   <li>{@link #handedOut}: presigned mode, a segment whose link was handed out for fetching: its bytes are its size
 *       from the index, summed in the database at the flush ({@code ingest.meter_handed_out});</li>
 *   <li>{@link #served}: bytes that went out through this service (proxy mode's segments, {@code clip.mp4}): exactly
 *       the bytes written; or an export job's MP4, counted once when the job is done.</li>
 * </ul>
 * Used on one event loop (the HTTP verticle's). At most {@value #MAX_HANDED_OUT} segments wait for a flush; more
 * flush at once.
 */
public final class PlaybackMeter {
  static final String ADD = "SELECT ingest.meter_playback($1::text[], $2::date[], $3::bigint[], $4::bigint[], "
      + "$5::bigint[])";
  static final String ADD_HANDED_OUT = "SELECT ingest.meter_handed_out($1::text[], $2::date[], $3::timestamptz[], "
      + "$4::text[])";
  static final int MAX_HANDED_OUT = 50_000;
  private static final Logger LOG = LoggerFactory.getLogger(PlaybackMeter.class);

  private record Key(String cameraId, LocalDate day) {}

  private static final class Counts {
    long requests;
    long segments;
    long bytes;
  }

  private record HandedOut(String cameraId, LocalDate day, Instant start, String key) {}

  private final Pool pool;
  private final Clock clock;
  private Map<Key, Counts> counts = new HashMap<>();
  private List<HandedOut> handedOut = new ArrayList<>();
  private Future<Void> flushing = Future.succeededFuture();

  public PlaybackMeter(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Flushes every {@code flushSeconds}; returns the timer id. */
  public long start(Vertx vertx, int flushSeconds) {
    return vertx.setPeriodic(flushSeconds * 1000L, t -> flush());
  }

  public void request(String cameraId) {
    counts(cameraId).requests++;
  }

  public void handedOut(Segment s) {
    handedOut.add(new HandedOut(s.cameraId(), today(), s.start(), s.objectKey()));
    if (handedOut.size() >= MAX_HANDED_OUT) flush();
  }

  /** One segment's bytes sent (proxy mode). */
  public void served(String cameraId, long bytes) {
    served(cameraId, /* segments= */ 1, bytes);
  }

  /** Bytes sent that carried {@code segments} recorded segments (a clip, an export), wholly or in part. */
  public void served(String cameraId, long segments, long bytes) {
    Counts c = counts(cameraId);
    c.segments += segments;
    c.bytes += bytes;
  }

  /** Adds what was counted since the last flush; what a failed flush held is kept for the next. */
  public Future<Void> flush() {
    flushing = flushing.transform(x -> flushNow());
    return flushing;
  }

  private Future<Void> flushNow() {
    Map<Key, Counts> c = counts;
    List<HandedOut> h = handedOut;
    if (c.isEmpty() && h.isEmpty()) return Future.succeededFuture();
    counts = new HashMap<>();
    handedOut = new ArrayList<>();
    // one transaction: a report never sees half a flush, and a failed one is kept whole for the next
    return pool.withTransaction(tx -> addCounts(tx, c).compose(x -> addHandedOut(tx, h))).onFailure(e -> {
      LOG.warn("playback metering: counts not added, kept for the next flush: {}", e.getMessage());
      keep(c);
      if (handedOut.size() + h.size() <= MAX_HANDED_OUT) handedOut.addAll(h);
    });
  }

  private void keep(Map<Key, Counts> c) {
    c.forEach((k, v) -> {
      Counts now = counts.computeIfAbsent(k, x -> new Counts());
      now.requests += v.requests;
      now.segments += v.segments;
      now.bytes += v.bytes;
    });
  }

  private static Future<Void> addCounts(SqlClient tx, Map<Key, Counts> c) {
    if (c.isEmpty()) return Future.succeededFuture();
    int n = c.size();
    String[] camera = new String[n];
    LocalDate[] day = new LocalDate[n];
    Long[] requests = new Long[n];
    Long[] segments = new Long[n];
    Long[] bytes = new Long[n];
    int i = 0;
    for (var e : c.entrySet()) {
      camera[i] = e.getKey().cameraId();
      day[i] = e.getKey().day();
      requests[i] = e.getValue().requests;
      segments[i] = e.getValue().segments;
      bytes[i] = e.getValue().bytes;
      i++;
    }
    return tx.preparedQuery(ADD).execute(Tuple.tuple().addArrayOfString(camera).addArrayOfLocalDate(day)
        .addArrayOfLong(requests).addArrayOfLong(segments).addArrayOfLong(bytes)).mapEmpty();
  }

  private static Future<Void> addHandedOut(SqlClient tx, List<HandedOut> h) {
    if (h.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery(ADD_HANDED_OUT).execute(Tuple.tuple()
        .addArrayOfString(h.stream().map(HandedOut::cameraId).toArray(String[]::new))
        .addArrayOfLocalDate(h.stream().map(HandedOut::day).toArray(LocalDate[]::new))
        .addArrayOfOffsetDateTime(h.stream().map(x -> x.start().atOffset(ZoneOffset.UTC))
            .toArray(OffsetDateTime[]::new))
        .addArrayOfString(h.stream().map(HandedOut::key).toArray(String[]::new))).mapEmpty();
  }

  private Counts counts(String cameraId) {
    return counts.computeIfAbsent(new Key(cameraId, today()), k -> new Counts());
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
