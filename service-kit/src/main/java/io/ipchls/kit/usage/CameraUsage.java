package io.ipchls.kit.usage;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;

/**
 * One camera's usage over a period (a month, a day): what it stores now ({@code storedBytes}, {@code storedObjects})
 * and what happened in the period: PUTs and their bytes, deletes and their bytes, byte-hours stored, playback
 * requests (playlists and segments asked for), segments handed out and bytes served.
 */
public record CameraUsage(String cameraId, long storedBytes, long storedObjects, long puts, long bytesIn,
    long deletes, long bytesDeleted, double byteHours, long playbackRequests, long segmentsServed, long bytesServed) {
  /** The CSV columns, in order (a month report adds the costs after them). */
  public static final List<String> CSV_COLUMNS = List.of("camera_id", "stored_bytes", "stored_objects", "puts",
      "bytes_in", "deletes", "bytes_deleted", "byte_hours", "playback_requests", "segments_served", "bytes_served");

  public static CameraUsage from(Row r) {
    return new CameraUsage(r.getString("camera_id"), r.getLong("stored_bytes"), r.getLong("stored_objects"),
        r.getLong("puts"), r.getLong("bytes_in"), r.getLong("deletes"), r.getLong("bytes_deleted"),
        r.getDouble("byte_hours"), r.getLong("playback_requests"), r.getLong("segments_served"),
        r.getLong("bytes_served"));
  }

  /** Sums cameras (a fleet's total); the id is {@code total}. */
  public static CameraUsage total(List<CameraUsage> all) {
    CameraUsage t = new CameraUsage("total", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    for (CameraUsage u : all) t = t.plus(u);
    return t;
  }

  private CameraUsage plus(CameraUsage o) {
    return new CameraUsage(cameraId, storedBytes + o.storedBytes, storedObjects + o.storedObjects, puts + o.puts,
        bytesIn + o.bytesIn, deletes + o.deletes, bytesDeleted + o.bytesDeleted, byteHours + o.byteHours,
        playbackRequests + o.playbackRequests, segmentsServed + o.segmentsServed, bytesServed + o.bytesServed);
  }

  /** The month's costs of this usage at {@code prices}, read at {@code now}. */
  public CostEstimate cost(UsagePrices prices, YearMonth month, Instant now) {
    return CostEstimate.of(prices, month, now, byteHours, puts, bytesServed, storedBytes);
  }

  public JsonObject toJson() {
    return new JsonObject().put("cameraId", cameraId).put("storedBytes", storedBytes)
        .put("storedObjects", storedObjects).put("puts", puts).put("bytesIn", bytesIn).put("deletes", deletes)
        .put("bytesDeleted", bytesDeleted).put("byteHours", Math.round(byteHours * 1000) / 1000.0)
        .put("playbackRequests", playbackRequests).put("segmentsServed", segmentsServed)
        .put("bytesServed", bytesServed);
  }

  /** The {@link #CSV_COLUMNS} of this usage, {@code first} in place of the camera id (a day, for a camera's days). */
  public String csvLine(String first) {
    return String.join(",", first, Long.toString(storedBytes), Long.toString(storedObjects), Long.toString(puts),
        Long.toString(bytesIn), Long.toString(deletes), Long.toString(bytesDeleted),
        String.format(Locale.ROOT, "%.3f", byteHours), Long.toString(playbackRequests),
        Long.toString(segmentsServed), Long.toString(bytesServed));
  }
}
