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
import io.vertx.sqlclient.RowSet;
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
 * <p>An account's stop quota (V43) is checked here too, for the cameras that belong to the account now: the account's
 * stored bytes as the last quota round summed them ({@code account_usage}, one primary-key lookup) plus what this
 * batch admits for the account's cameras. Both quotas apply; the first one a segment would pass refuses it. The
 * account's event names the account and the camera refused first.
 */
public final class QuotaCheck {
  static final String STOP_QUOTAS = "SELECT camera_id, max_bytes, stored_bytes, raised FROM ingest.stop_quotas($1)";
  static final String ACCOUNT_STOP_QUOTAS =
      "SELECT camera_id, account_id, max_bytes, stored_bytes, raised FROM ingest.account_stop_quotas($1)";
  /** As {@link #MARK} for accounts: $1 the accounts over, $2 those under again, $3 each one's event. */
  static final String MARK_ACCOUNTS = """
      WITH raised AS (
        UPDATE ingest.account_usage SET exceeded_at = now()
        WHERE account_id = ANY ($1::text[]) AND exceeded_at IS NULL
        RETURNING account_id
      ), cleared AS (
        UPDATE ingest.account_usage SET exceeded_at = NULL
        WHERE account_id = ANY ($2::text[]) AND exceeded_at IS NOT NULL
      )
      INSERT INTO ingest.recording_events (type, camera_id, occurred_at, payload)
      SELECT 'quota.exceeded', e.payload::jsonb ->> 'cameraId', now(), e.payload::jsonb
      FROM raised r JOIN unnest($1::text[], $3::text[]) AS e(a, payload) ON e.a = r.account_id""";
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

  private record AccountQuota(String accountId, long maxBytes, boolean raised) {}

  /** An account over its quota: what it stored and the camera refused first. */
  private record AccountOver(long storedBytes, String firstCamera) {}

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
    Tuple cameras = Tuple.of(limited.toArray(new String[0]));
    Future<RowSet<Row>> own = pool.preparedQuery(STOP_QUOTAS).execute(cameras);
    Future<RowSet<Row>> ofAccounts = pool.preparedQuery(ACCOUNT_STOP_QUOTAS).execute(cameras);
    return Future.all(own, ofAccounts).compose(x -> {
      Map<String, Quota> quotas = new HashMap<>();
      for (Row r : own.result()) {
        quotas.put(r.getString("camera_id"),
            new Quota(r.getLong("max_bytes"), r.getLong("stored_bytes"), r.getBoolean("raised")));
      }
      Map<String, AccountQuota> accountOf = new HashMap<>();
      Map<String, Long> accountStored = new HashMap<>();
      for (Row r : ofAccounts.result()) {
        String account = r.getString("account_id");
        accountOf.put(r.getString("camera_id"),
            new AccountQuota(account, r.getLong("max_bytes"), r.getBoolean("raised")));
        accountStored.put(account, r.getLong("stored_bytes"));
      }
      Map<String, Long> stored = new HashMap<>();
      quotas.forEach((camera, q) -> stored.put(camera, q.storedBytes()));
      List<Pending> accepted = new ArrayList<>(candidates.size());
      List<Refused> refused = new ArrayList<>();
      Map<String, Long> over = new LinkedHashMap<>();
      Map<String, AccountOver> accountsOver = new LinkedHashMap<>();
      for (Pending p : candidates) {
        String camera = p.cameraId();
        long bytes = p.notification().bytes();
        Quota q = quotas.get(camera);
        AccountQuota a = accountOf.get(camera);
        if (q != null && stored.get(camera) + bytes > q.maxBytes()) {
          over.put(camera, stored.get(camera));
          refused.add(refusal(p, "the camera's storage quota of " + q.maxBytes() + " bytes is reached ("
              + stored.get(camera) + " stored; policy stop)"));
        } else if (a != null && accountStored.get(a.accountId()) + bytes > a.maxBytes()) {
          long held = accountStored.get(a.accountId());
          accountsOver.putIfAbsent(a.accountId(), new AccountOver(held, camera));
          refused.add(refusal(p, "the storage quota of account " + a.accountId() + " of " + a.maxBytes()
              + " bytes is reached (" + held + " stored by its cameras; policy stop)"));
        } else {
          if (q != null) stored.put(camera, stored.get(camera) + bytes);
          if (a != null) accountStored.merge(a.accountId(), bytes, Long::sum);
          accepted.add(p);
        }
      }
      List<String> under = quotas.entrySet().stream()
          .filter(e -> e.getValue().raised() && !over.containsKey(e.getKey())).map(Map.Entry::getKey).toList();
      List<String> accountsUnder = accountOf.values().stream()
          .filter(a -> a.raised() && !accountsOver.containsKey(a.accountId())).map(AccountQuota::accountId)
          .distinct().toList();
      return mark(over, under).compose(y -> markAccounts(accountsOver, accountsUnder))
          .map(new BatchCheck.Outcome(accepted, refused));
    });
  }

  private static Refused refusal(Pending p, String why) {
    return new Refused(p, new Rejection(p.cameraId(), p.notification().key(), RecordingEvent.REASON_QUOTA_EXCEEDED,
        why));
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

  private Future<Void> markAccounts(Map<String, AccountOver> over, List<String> under) {
    if (over.isEmpty() && under.isEmpty()) return Future.succeededFuture();
    long now = System.currentTimeMillis();
    String[] accounts = over.keySet().toArray(new String[0]);
    String[] events = over.entrySet().stream()
        .map(e -> Json.encode(RecordingEvent.accountQuotaExceeded(Ids.next("evt_"), e.getValue().firstCamera(),
            e.getKey(), now, e.getValue().storedBytes())))
        .toArray(String[]::new);
    return pool.preparedQuery(MARK_ACCOUNTS).execute(Tuple.tuple().addArrayOfString(accounts)
        .addArrayOfString(under.toArray(new String[0])).addArrayOfString(events)).mapEmpty();
  }
}
