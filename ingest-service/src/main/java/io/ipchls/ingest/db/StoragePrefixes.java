package io.ipchls.ingest.db;

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
 * Each camera's storage prefix from credential-service's device registry ({@code credential.devices}), cached for a
 * while because every notification needs it. A camera without a registry row, or a database without the registry
 * (ingest deployed alone, tests), gets the default prefix: its id.
 */
public final class StoragePrefixes {
  private static final Logger LOG = LoggerFactory.getLogger(StoragePrefixes.class);
  static final String SELECT_PREFIXES = "SELECT id, prefix FROM credential.devices WHERE id = ANY($1::text[])";
  /** undefined_table, invalid_schema_name, undefined_column: the registry is not (yet) there. */
  private static final Set<String> NO_REGISTRY = Set.of("42P01", "3F000", "42703");

  private record Cached(String prefix, long expiresAt) {}

  private final Pool pool;
  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Cached> cache = new HashMap<>();
  private boolean warnedNoRegistry;

  public StoragePrefixes(Pool pool, long ttlMs, LongSupplier clock) {
    this.pool = pool;
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  /** The prefix of each given camera; fails only when the database cannot be asked. */
  public Future<Map<String, String>> prefixesOf(Set<String> cameraIds) {
    long now = clock.getAsLong();
    Map<String, String> found = new HashMap<>();
    List<String> missing = cameraIds.stream().filter(id -> {
      Cached c = cache.get(id);
      if (c == null || c.expiresAt() < now) return true;
      found.put(id, c.prefix());
      return false;
    }).toList();
    if (missing.isEmpty()) return Future.succeededFuture(found);
    return lookup(missing).map(fresh -> {
      for (String id : missing) {
        String prefix = fresh.getOrDefault(id, id);
        cache.put(id, new Cached(prefix, now + ttlMs));
        found.put(id, prefix);
      }
      if (cache.size() > 100_000) cache.values().removeIf(c -> c.expiresAt() < now);
      return found;
    });
  }

  private Future<Map<String, String>> lookup(List<String> ids) {
    return pool.preparedQuery(SELECT_PREFIXES).execute(Tuple.tuple().addArrayOfString(ids.toArray(new String[0])))
        .map(rows -> {
          Map<String, String> m = new HashMap<>();
          for (Row r : rows) {
            String prefix = r.getString("prefix");
            if (prefix != null && !prefix.isBlank()) m.put(r.getString("id"), prefix);
          }
          return m;
        })
        .recover(e -> {
          if (e instanceof PgException pg && NO_REGISTRY.contains(pg.getSqlState())) {
            if (!warnedNoRegistry) {
              warnedNoRegistry = true;
              LOG.warn("device registry credential.devices not readable ({}); camera ids serve as prefixes",
                  pg.getMessage());
            }
            return Future.succeededFuture(Map.of());
          }
          return Future.failedFuture(e);
        });
  }
}
