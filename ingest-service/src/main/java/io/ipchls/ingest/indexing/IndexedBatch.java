package io.ipchls.ingest.indexing;

import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch inserted ({@code ingest.index_segments}, and since V46 {@link DecidedBatch}): the new segments
 * (duplicates left out) with their restart marks (as {@code segments_v1.discontinuity} reads them; absent when
 * unmarked) and their live numbers (null for a backfill, see {@link LiveNumbering}) and the fMP4 init segment each
 * needs (null: MPEG-TS), and the segment length its camera announced it is configured for (null: it did not say), in
 * camera and number order.
 */
public record IndexedBatch(List<SegmentsIndexed.Entry> segments) {
  public static final IndexedBatch EMPTY = new IndexedBatch(List.of());

  /**
   * @param targets per camera, the segment length it announced it is configured for in this batch; each of its
   *     segments carries it to the live windows
   */
  static IndexedBatch from(Iterable<Row> rows, Map<String, Integer> targets) {
    List<SegmentsIndexed.Entry> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new SegmentsIndexed.Entry(r.getString("camera"),
          r.getOffsetDateTime("start_at").toInstant().toEpochMilli(), r.getInteger("duration_ms"),
          r.getString("object_key"), r.getBoolean("discontinuity") ? Boolean.TRUE : null, r.getLong("media_seq"),
          r.getLong("discontinuity_seq"), r.getString("init_key"), targets.get(r.getString("camera"))));
    }
    return new IndexedBatch(List.copyOf(out));
  }

  /**
   * The rows {@link DecidedBatch} decided and those {@code index_and_meter_segments} returned ({@code others}, null
   * when it was not called), in camera and number order as that function returns them.
   */
  static IndexedBatch merge(DecidedBatch decided, RowSet<Row> others, Map<String, Integer> targets) {
    List<SegmentsIndexed.Entry> out = new ArrayList<>(from(others == null ? List.of() : others, targets).segments());
    for (DecidedBatch.Numbered n : decided.rows()) {
      SegmentRow r = n.row();
      out.add(new SegmentsIndexed.Entry(r.cameraId(), r.startAt().toInstant().toEpochMilli(), r.durationMs(),
          r.objectKey(), n.mark() ? Boolean.TRUE : null, n.mediaSeq(), n.discontinuitySeq(), r.initKey(),
          targets.get(r.cameraId())));
    }
    // each camera's rows are all from one side and in order there: a stable sort by camera keeps them so
    out.sort((a, b) -> DecidedBatch.compareBytes(a.cameraId(), b.cameraId()));
    return new IndexedBatch(List.copyOf(out));
  }

  /** How many rows were new, per camera (cameras without new rows are absent). */
  public Map<String, Integer> newPerCamera() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (SegmentsIndexed.Entry e : segments) counts.merge(e.cameraId(), 1, Integer::sum);
    return counts;
  }
}
