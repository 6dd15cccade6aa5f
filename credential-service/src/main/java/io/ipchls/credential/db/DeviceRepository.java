package io.ipchls.credential.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The camera registry table {@code credential.devices}. */
public final class DeviceRepository {
  static final String COLUMNS = "id, secret_hash, prefix, enabled, created_at, last_seen_at";
  static final String INSERT = "INSERT INTO credential.devices (id, secret_hash, prefix) VALUES ($1, $2, $3) "
      + "ON CONFLICT (id) DO NOTHING RETURNING " + COLUMNS;
  static final String FIND = "SELECT " + COLUMNS + " FROM credential.devices WHERE id = $1";
  static final String PAGE = "SELECT " + COLUMNS + " FROM credential.devices WHERE ($1::text IS NULL OR id > $1) "
      + "ORDER BY id LIMIT $2";
  static final String SET_SECRET = "UPDATE credential.devices SET secret_hash = $2 WHERE id = $1 RETURNING id";
  static final String SET_ENABLED = "UPDATE credential.devices SET enabled = $2 WHERE id = $1 RETURNING " + COLUMNS;
  static final String DELETE = "DELETE FROM credential.devices WHERE id = $1 RETURNING id";
  static final String TOUCH = "UPDATE credential.devices SET last_seen_at = now() WHERE id = $1";

  private final Pool pool;

  public DeviceRepository(Pool pool) {
    this.pool = pool;
  }

  /** Empty when a camera with this id already exists. */
  public Future<Optional<Device>> insert(String id, String secretHash, String prefix) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(id, secretHash, prefix)).map(DeviceRepository::first);
  }

  public Future<Optional<Device>> find(String id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(DeviceRepository::first);
  }

  /** Cameras ordered by id, strictly after {@code after} (null: from the start). */
  public Future<List<Device>> page(String after, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(after, limit)).map(rows -> {
      List<Device> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(Device.from(r)));
      return out;
    });
  }

  /** False when there is no such camera. */
  public Future<Boolean> setSecretHash(String id, String secretHash) {
    return pool.preparedQuery(SET_SECRET).execute(Tuple.of(id, secretHash)).map(rows -> rows.rowCount() > 0);
  }

  public Future<Optional<Device>> setEnabled(String id, boolean enabled) {
    return pool.preparedQuery(SET_ENABLED).execute(Tuple.of(id, enabled)).map(DeviceRepository::first);
  }

  public Future<Boolean> delete(String id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  public Future<Void> touch(String id) {
    return pool.preparedQuery(TOUCH).execute(Tuple.of(id)).mapEmpty();
  }

  private static Optional<Device> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Device.from(it.next())) : Optional.empty();
  }
}
