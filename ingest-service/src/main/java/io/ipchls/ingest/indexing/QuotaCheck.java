package io.ipchls.ingest.indexing;

import io.ipchls.ingest.indexing.BatchCheck.Refused;
import io.ipchls.ingest.indexing.CameraPolicies.Policy;
import io.ipchls.ingest.indexing.NotificationCheck.Rejection;
import io.ipchls.ingest.indexing.SegmentBatcher.Pending;
import io.ipchls.ingest.shared.Ids;
import io.ipchls.protocol.RecordingEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.Json;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The storage quota of policy {@code stop} (V40__storage_quotas.sql), the one place it is checked: a camera's new
 * segments are refused ({@value RecordingEvent#REASON_QUOTA_EXCEEDED}) once they would take its stored bytes over its
 * quota, from its totals row (one primary-key lookup per camera, only for cameras that have such a quota: the camera
 * policies say which). Nothing is deleted. The first refusal after the camera was under its quota raises one
 * {@value RecordingEvent#QUOTA_EXCEEDED} event (outbox: MQTT {@code events/recordings} and webhooks); a camera back
 * under its quota is armed again. A batch with such a camera is checked once this instance's previous batches of
 * that camera are committed (or given up), so the totals row it reads includes them: its concurrent batches cannot
 * each fill the quota, and cameras without a stop quota never wait. Batches of one camera on several instances at once can
 * still pass it by what the others admitted meanwhile, and the next check refuses. Used on the indexing verticle's
 * event loop only.
 *
 * <p>An account's quota is checked here too once cameras belong to accounts: {@code stop_quotas} answers one row per
 * camera with the tightest quota that applies to it.
 */
public final class QuotaCheck {
  static final String STOP_QUOTAS = "SELECT camera_id, max_bytes, stored_bytes, raised FROM ingest.stop_quotas($1)";
  /** Marks the refused cameras over (raising their event once) and the admitted ones under again. */
  static final String MARK = """
      WITH raised AS (
        UPDATE ingest.storage_quotas SET exceeded_at = now()
        WHERE scope = 'camera' AND subject_id = ANY ($1::text[]) AND exceeded_at IS NULL
        RETURNING subject_id
      ), cleared AS (
        UPDATE ingest.storage_quotas SET exceeded_at = NULL
        WHERE scope = 'camera' AND subject_id = ANY ($2::text[]) AND exceeded_at IS NOT NULL
      )
      INSERT INTO ingest.recording_events (type, camera_id, occurred_at, payload)
      SELECT 'quota.exceeded', r.subject_id, now(), e.payload::jsonb
      FROM raised r JOIN unnest($1::text[], $3::text[]) AS e(c, payload) ON e.c = r.subject_id""";

  private record Quota(long maxBytes, long storedBytes, boolean raised) {}

  private final Pool pool;
  /** Per camera with a stop quota: done when this instance's last batch of it is committed or given up. */
  private final Map<String, Future<Void>> lastBatch = new HashMap<>();
  /** The batches checked and not settled yet, by their accepted list. */
  private final Map<List<Pending>, Promise<Void>> unsettled = new IdentityHashMap<>();

  public QuotaCheck(Pool pool) {
    this.pool = pool;
  }

  /** {@code candidates} split into those within their camera's stop quota and those refused for it. */
  Future<BatchCheck.Outcome> apply(List<Pending> candidates, Map<String, Policy> policyOf) {
    Set<String> limited = new LinkedHashSet<>();
    for (Pending p : candidates) if (policyOf.get(p.cameraId()).stopQuota()) limited.add(p.cameraId());
    if (limited.isEmpty()) return Future.succeededFuture(new BatchCheck.Outcome(candidates, List.of()));
    // this batch goes after the previous batches of its cameras (their bytes are in the totals row when it reads it)
    List<Future<Void>> before = limited.stream().filter(lastBatch::containsKey).map(lastBatch::get).toList();
    Promise<Void> done = Promise.promise();
    limited.forEach(c -> lastBatch.put(c, done.future()));
    done.future().onComplete(x -> limited.forEach(c -> lastBatch.remove(c, done.future())));
    return Future.join(before).transform(x -> check(candidates, limited)).andThen(checked -> {
      if (checked.failed()) done.tryComplete(); // the batch is checked again, as a new one
      else unsettled.put(checked.result().accepted(), done);
    });
  }

  private Future<BatchCheck.Outcome> check(List<Pending> candidates, Set<String> limited) {
    return pool.preparedQuery(STOP_QUOTAS).execute(Tuple.of(limited.toArray(new String[0]))).compose(rows -> {
      Map<String, Quota> quotas = new HashMap<>();
      for (Row r : rows) {
        quotas.put(r.getString("camera_id"),
            new Quota(r.getLong("max_bytes"), r.getLong("stored_bytes"), r.getBoolean("raised")));
      }
      Map<String, Long> stored = new HashMap<>();
      quotas.forEach((camera, q) -> stored.put(camera, q.storedBytes()));
      List<Pending> accepted = new ArrayList<>(candidates.size());
      List<Refused> refused = new ArrayList<>();
      Map<String, Long> over = new LinkedHashMap<>();
      for (Pending p : candidates) {
        Quota q = quotas.get(p.cameraId());
        long after = q == null ? 0 : stored.get(p.cameraId()) + p.notification().bytes();
        if (q == null || after <= q.maxBytes()) {
          if (q != null) stored.put(p.cameraId(), after);
          accepted.add(p);
        } else {
          over.put(p.cameraId(), stored.get(p.cameraId()));
          refused.add(new Refused(p, new Rejection(p.cameraId(), p.notification().key(),
              RecordingEvent.REASON_QUOTA_EXCEEDED, "the camera's storage quota of " + q.maxBytes()
                  + " bytes is reached (" + stored.get(p.cameraId()) + " stored; policy stop)")));
        }
      }
      List<String> under = quotas.entrySet().stream()
          .filter(e -> e.getValue().raised() && !over.containsKey(e.getKey())).map(Map.Entry::getKey).toList();
      return mark(over, under).map(new BatchCheck.Outcome(accepted, refused));
    });
  }

  /** The batch of {@code accepted} was committed or given up: the next batch of its cameras may be checked. */
  void settled(List<Pending> accepted) {
    Promise<Void> done = unsettled.remove(accepted);
    if (done != null) done.tryComplete();
  }

  private Future<Void> mark(Map<String, Long> over, List<String> under) {
    if (over.isEmpty() && under.isEmpty()) return Future.succeededFuture();
    long now = System.currentTimeMillis();
    String[] cameras = over.keySet().toArray(new String[0]);
    String[] events = over.entrySet().stream()
        .map(e -> Json.encode(RecordingEvent.quotaExceeded(Ids.next("evt_"), e.getKey(), now, e.getValue())))
        .toArray(String[]::new);
    return pool.preparedQuery(MARK).execute(Tuple.tuple().addArrayOfString(cameras)
        .addArrayOfString(under.toArray(new String[0])).addArrayOfString(events)).mapEmpty();
  }
}
