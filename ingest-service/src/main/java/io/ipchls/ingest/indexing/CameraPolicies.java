package io.ipchls.ingest.indexing;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
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
 * device registry ({@code credential.devices}), and its retention, from {@code ingest.camera_settings}. Cached for a
 * while because every notification needs them. A camera without a registry row, or a database without the registry
 * (ingest deployed alone, tests), gets the default prefix: its id; a camera without settings the default retention.
 */
public final class CameraPolicies {
  private static final Logger LOG = LoggerFactory.getLogger(CameraPolicies.class);
  static final String SELECT_WITH_REGISTRY = """
      SELECT i.id, d.prefix, s.retention_days
      FROM unnest($1::text[]) AS i(id)
      LEFT JOIN credential.devices d ON d.id = i.id
      LEFT JOIN ingest.camera_settings s ON s.camera_id = i.id""";
  static final String SELECT_WITHOUT_REGISTRY = """
      SELECT i.id, NULL::text AS prefix, s.retention_days
      FROM unnest($1::text[]) AS i(id)
      LEFT JOIN ingest.camera_settings s ON s.camera_id = i.id""";
  /** undefined_table, invalid_schema_name, undefined_column: the registry is not (yet) there. */
  public static final Set<String> NO_REGISTRY = Set.of("42P01", "3F000", "42703");

  /** A camera's storage prefix (keys must lie under {@code prefix/}) and how many days its segments are kept. */
  public record Policy(String prefix, int retentionDays) {}

  private record Cached(Policy policy, long expiresAt) {}

  private final Pool pool;
  private final int defaultRetentionDays;
  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Cached> cache = new HashMap<>();
  private boolean warnedNoRegistry;

  public CameraPolicies(Pool pool, int defaultRetentionDays, long ttlMs, LongSupplier clock) {
    this.pool = pool;
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
    Tuple args = Tuple.tuple().addArrayOfString(ids.toArray(new String[0]));
    return pool.preparedQuery(SELECT_WITH_REGISTRY).execute(args)
        .recover(e -> {
          if (e instanceof PgException pg && NO_REGISTRY.contains(pg.getSqlState())) {
            if (!warnedNoRegistry) {
              warnedNoRegistry = true;
              LOG.warn("device registry credential.devices not readable ({}); camera ids serve as prefixes",
                  pg.getMessage());
            }
            return pool.preparedQuery(SELECT_WITHOUT_REGISTRY).execute(args);
          }
          return Future.failedFuture(e);
        })
        .map(rows -> {
          Map<String, Policy> m = new HashMap<>();
          for (Row r : rows) {
            String id = r.getString("id");
            String prefix = r.getString("prefix");
            Integer days = r.getInteger("retention_days");
            m.put(id, new Policy(prefix == null || prefix.isBlank() ? id : prefix,
                days == null ? defaultRetentionDays : days));
          }
          return m;
        });
  }
}
