package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static io.ipchls.ingest.IngestTestSupport.withKey;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import java.util.function.Consumer;

/**
 * Makes PostgreSQL refuse segments whose key lies in a marker directory {@code <camera>/poison-<kind>/...}, with its
 * own errors: a numeric overflow (22003, {@code overflow}), an invalid UTF-8 byte sequence (22021, {@code encoding}),
 * a program limit (54000, {@code limit}) from a trigger, and a CHECK constraint (23514, {@code check}). Only keys
 * with a marker are affected, so other tests' cameras never notice.
 */
final class PoisonTrigger {
  private static final String INSTALL = """
      CREATE OR REPLACE FUNCTION ingest.test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.object_key LIKE '%/poison-overflow/%' THEN PERFORM (NEW.seq * 4294967296)::integer; END IF;
        IF NEW.object_key LIKE '%/poison-encoding/%' THEN PERFORM convert_from('\\x00ff'::bytea, 'UTF8'); END IF;
        IF NEW.object_key LIKE '%/poison-limit/%' THEN PERFORM array_fill(0, ARRAY[200000000]); END IF;
        RETURN NULL;
      END $$;
      DROP TRIGGER IF EXISTS test_poison ON ingest.segments;
      CREATE TRIGGER test_poison AFTER INSERT ON ingest.segments FOR EACH ROW EXECUTE FUNCTION ingest.test_poison();
      ALTER TABLE ingest.segments DROP CONSTRAINT IF EXISTS test_poison_check;
      ALTER TABLE ingest.segments ADD CONSTRAINT test_poison_check CHECK (object_key NOT LIKE '%/poison-check/%');
      """;
  private static final String REMOVE = """
      DROP TRIGGER IF EXISTS test_poison ON ingest.segments;
      DROP FUNCTION IF EXISTS ingest.test_poison();
      ALTER TABLE ingest.segments DROP CONSTRAINT IF EXISTS test_poison_check;
      """;

  private PoisonTrigger() {}

  static void install(IngestTestSupport ingest) {
    await(ingest.pool.query(INSTALL).execute());
  }

  static void remove(IngestTestSupport ingest) {
    await(ingest.pool.query(REMOVE).execute());
  }

  /** A segment of the camera in the marker directory of {@code kind}, its key passed to {@code upload} first. */
  static byte[] marked(String cameraId, String kind, Consumer<String> upload) {
    SegmentNotification n = markedNotification(cameraId, kind);
    upload.accept(n.key());
    return Json.encode(n);
  }

  /** A segment of the camera in the marker directory of {@code kind}. */
  static SegmentNotification markedNotification(String cameraId, String kind) {
    SegmentNotification n = segment(cameraId, 1_000);
    return withKey(n, cameraId + "/poison-" + kind + "/" + n.key().substring(cameraId.length() + 1));
  }
}
