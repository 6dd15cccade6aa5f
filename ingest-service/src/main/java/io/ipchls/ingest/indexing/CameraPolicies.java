package io.ipchls.ingest.indexing;

import io.ipchls.kit.registry.CameraRegistryReader;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ingest must know about each camera to check its notifications: its storage prefix, from credential-service's
 * registry (through its one reader, {@link CameraRegistryReader}), its retention, from
 * {@code ingest.camera_settings} capped by its account's days, and whether a stop quota applies to it (its own in
 * {@code ingest.storage_quotas} or its account's in {@code ingest.account_usage}); asked at once. Cached for a while because every notification needs them. A
 * camera without a registry row, or a database without the registry (ingest deployed alone, tests), gets the default
 * prefix: its id; a camera without settings the default retention.
 */
public final class CameraPolicies {
  private static final Logger LOG = LoggerFactory.getLogger(CameraPolicies.class);
  /**
   * Each camera's own retention (null: the default), its account's days (V43 account_usage; null: none or no
   * account), and whether a storage quota of policy stop applies to it: its own (V40) or its account's (V43).
   */
  static final String SELECT_SETTINGS = """
      SELECT c.id AS camera_id, s.retention_days, a.quota_days AS account_days,
             EXISTS (SELECT 1 FROM ingest.storage_quotas q
                     WHERE q.scope = 'camera' AND q.subject_id = c.id AND q.policy = 'stop')
               OR coalesce(a.quota_policy = 'stop' AND a.quota_bytes IS NOT NULL, false) AS stop_quota
      FROM unnest($1::text[]) AS c(id) LEFT JOIN ingest.camera_settings s ON s.camera_id = c.id
      LEFT JOIN ingest.account_usage a ON a.account_id = ingest.camera_account_v1(c.id)""";

  /**
   * A camera's storage prefix (keys must lie under {@code prefix/}), how many days its segments are kept, and whether
   * it has a storage quota that refuses new segments when reached (checked from its counters by QuotaCheck).
   */
  public record Policy(String prefix, int retentionDays, boolean stopQuota) {
    public Policy(String prefix, int retentionDays) {
      this(prefix, retentionDays, /* stopQuota= */ false);
    }
  }

  private record Settings(Integer retentionDays, Integer accountDays, boolean stopQuota) {}

  private record Cached(Policy policy, long expiresAt) {}

  private final Pool pool;
  private final CameraRegistryReader registry;
  private final int defaultRetentionDays;
  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Cached> cache = new HashMap<>();
  private boolean warnedNoRegistry;

  public CameraPolicies(Pool pool, int defaultRetentionDays, long ttlMs, LongSupplier clock) {
    this.pool = pool;
    this.registry = new CameraRegistryReader(pool);
    this.defaultRetentionDays = defaultRetentionDays;
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  /** The policy of each given camera; fails only when the database cannot be asked. */
  public Future<Map<String, Policy>> policiesOf(Set<String> cameraIds) {
    long now = clock.getAsLong();
    Map<String, Policy> found = new HashMap<>();
    List<String> missing = cameraIds.stream().filter(id -> {
      Cached c = cache.get(id);
      if (c == null || c.expiresAt() < now) return true;
      found.put(id, c.policy());
      return false;
    }).toList();
    if (missing.isEmpty()) return Future.succeededFuture(found);
    return lookup(missing).map(fresh -> {
      for (String id : missing) {
        Policy policy = fresh.getOrDefault(id, new Policy(id, defaultRetentionDays));
        cache.put(id, new Cached(policy, now + ttlMs));
        found.put(id, policy);
      }
      if (cache.size() > 100_000) cache.values().removeIf(c -> c.expiresAt() < now);
      return found;
    });
  }

  private Future<Map<String, Policy>> lookup(List<String> ids) {
    Future<Map<String, String>> prefixes = registry.prefixes(ids).map(found -> found.orElseGet(() -> {
      if (!warnedNoRegistry) {
        warnedNoRegistry = true;
        LOG.warn("camera registry {} not in this database; camera ids serve as prefixes", CameraRegistryReader.VIEW);
      }
      return Map.of();
    }));
    Future<Map<String, Settings>> settings = settings(ids);
    return Future.all(prefixes, settings).map(x -> {
      Map<String, Policy> m = new HashMap<>();
      for (String id : ids) {
        String prefix = prefixes.result().get(id);
        Settings own = settings.result().getOrDefault(id, new Settings(null, null, false));
        int days = own.retentionDays() == null ? defaultRetentionDays : own.retentionDays();
        // the account's days cap the camera's own (retention_cutoff, V43)
        if (own.accountDays() != null) days = Math.min(days, own.accountDays());
        m.put(id, new Policy(prefix == null || prefix.isBlank() ? id : prefix, days, own.stopQuota()));
      }
      return m;
    });
  }

  private Future<Map<String, Settings>> settings(List<String> ids) {
    return pool.preparedQuery(SELECT_SETTINGS).execute(Tuple.tuple().addArrayOfString(ids.toArray(new String[0])))
        .map(rows -> {
          Map<String, Settings> m = new HashMap<>();
          for (Row r : rows) {
            m.put(r.getString("camera_id"), new Settings(r.getInteger("retention_days"), r.getInteger("account_days"),
                r.getBoolean("stop_quota")));
          }
          return m;
        });
  }
}
