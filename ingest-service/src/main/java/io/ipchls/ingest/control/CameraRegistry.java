package io.ipchls.ingest.control;

import io.ipchls.ingest.indexing.CameraPolicies;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which cameras exist and their storage prefixes, from credential-service's registry ({@code credential.devices}).
 * Without a readable registry (ingest deployed alone) every camera id is accepted with itself as prefix, as
 * {@code CameraPolicies} does for notifications.
 */
final class CameraRegistry {
  static final String SELECT = "SELECT id, prefix FROM credential.devices WHERE id = ANY($1::text[])";

  private final Pool pool;

  CameraRegistry(Pool pool) {
    this.pool = pool;
  }

  /** The registered cameras among {@code ids} with their prefixes (a missing id is not registered). */
  Future<Map<String, String>> prefixes(List<String> ids) {
    return pool.preparedQuery(SELECT).execute(Tuple.of(ids.toArray(new String[0])))
        .map(rows -> {
          Map<String, String> m = new HashMap<>();
          for (Row r : rows) m.put(r.getString("id"), r.getString("prefix"));
          return m;
        })
        .recover(e -> {
          if (!(e instanceof PgException pg) || !CameraPolicies.NO_REGISTRY.contains(pg.getSqlState())) return Future.failedFuture(e);
          Map<String, String> all = new HashMap<>();
          ids.forEach(id -> all.put(id, id));
          return Future.succeededFuture(all);
        });
  }
}
