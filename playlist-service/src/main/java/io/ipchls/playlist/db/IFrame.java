package io.ipchls.playlist.db;

import io.vertx.sqlclient.Row;

/**
 * A segment's first key frame as an I-frame playlist lists it: {@code length} bytes at {@code offset} of the segment
 * (for MPEG-TS from the PAT and PMT to the end of the key frame's PES packet, for fMP4 from the moof to the end of the
 * key frame's sample; see docs/ARCHITECTURE.md), as the camera announced it (ingest checked it lies inside the segment).
 */
public record IFrame(Segment segment, long offset, long length) {
  static IFrame from(Row row) {
    return new IFrame(Segment.from(row), row.getLong("key_frame_offset"), row.getLong("key_frame_length"));
  }
}
