package io.ipchls.credential.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The camera registry table {@code credential.devices}. */
public final class DeviceRepository {
  static final String COLUMNS =
      "id, secret_hash, secret_scheme, secret_version, prefix, enabled, created_at, last_seen_at, account_id";
  static final String INSERT = "INSERT INTO credential.devices (id, secret_hash, secret_scheme, prefix, account_id) "
      + "VALUES ($1, $2, 'sha256', $3, $4) ON CONFLICT (id) DO NOTHING RETURNING " + COLUMNS;
  static final String FIND = "SELECT " + COLUMNS + " FROM credential.devices WHERE id = $1";
  /** A page of cameras by id; $3 not null: only that account's. */
  static final String PAGE = "SELECT " + COLUMNS + " FROM credential.devices WHERE ($1::text IS NULL OR id > $1) "
      + "AND ($3::text IS NULL OR account_id = $3) ORDER BY id LIMIT $2";
  /** Moves a camera into account $2 (null: out of any); the foreign key refuses an unknown account (23503). */
  static final String SET_ACCOUNT = "UPDATE credential.devices SET account_id = $2 WHERE id = $1 RETURNING " + COLUMNS;
  static final String SET_SECRET = "UPDATE credential.devices SET secret_hash = $2, secret_scheme = 'sha256', "
      + "secret_version = secret_version + 1 WHERE id = $1 RETURNING id";
  /** Only if the secret was not rotated meanwhile: the old hash must still be there. */
  static final String REHASH = "UPDATE credential.devices SET secret_hash = $3, secret_scheme = 'sha256' "
      + "WHERE id = $1 AND secret_scheme = 'bcrypt' AND secret_hash = $2";
  static final String SET_ENABLED = "UPDATE credential.devices SET enabled = $2 WHERE id = $1 RETURNING " + COLUMNS;
  static final String DELETE = "DELETE FROM credential.devices WHERE id = $1 RETURNING id";
  /**
   * Takes a token from the camera's shared credential-request bucket ($2 burst, one more per $3 seconds) if it has
   * one, and reads the camera: one round trip, as the plain read before.
   */
  static final String TAKE_REQUEST_TOKEN = "WITH taken AS ("
      + "INSERT INTO credential.request_buckets AS b (camera_id, tokens, updated_at) VALUES ($1, $2::int - 1, now()) "
      + "ON CONFLICT (camera_id) DO UPDATE SET tokens = LEAST($2::int, b.tokens "
      + "+ extract(epoch FROM now() - b.updated_at)::float8 / $3::int) - 1, updated_at = now() "
      + "WHERE LEAST($2::int, b.tokens + extract(epoch FROM now() - b.updated_at)::float8 / $3::int) >= 1 "
      + "RETURNING 1) "
      + "SELECT EXISTS (SELECT 1 FROM taken) AS granted, d.id, d.secret_hash, d.secret_scheme, d.secret_version, "
      + "d.prefix, d.enabled, d.created_at, d.last_seen_at, d.account_id "
      + "FROM (SELECT $1::text AS id) q LEFT JOIN credential.devices d ON d.id = q.id";
  /**
   * {@link #TAKE_REQUEST_TOKEN} for many cameras in one round trip, the answers in the order asked. The ids must be
   * distinct (one statement cannot update a bucket twice), and are inserted in id order, so two statements that met
   * on the same buckets would lock them in the same order.
   */
  static final String TAKE_REQUEST_TOKENS = "WITH q AS (SELECT id, n FROM unnest($1::text[]) WITH ORDINALITY "
      + "AS u(id, n)), taken AS ("
      + "INSERT INTO credential.request_buckets AS b (camera_id, tokens, updated_at) "
      + "SELECT id, $2::int - 1, now() FROM q ORDER BY id "
      + "ON CONFLICT (camera_id) DO UPDATE SET tokens = LEAST($2::int, b.tokens "
      + "+ extract(epoch FROM now() - b.updated_at)::float8 / $3::int) - 1, updated_at = now() "
      + "WHERE LEAST($2::int, b.tokens + extract(epoch FROM now() - b.updated_at)::float8 / $3::int) >= 1 "
      + "RETURNING camera_id) "
      + "SELECT q.n, t.camera_id IS NOT NULL AS granted, d.id, d.secret_hash, d.secret_scheme, d.secret_version, "
      + "d.prefix, d.enabled, d.created_at, d.last_seen_at, d.account_id "
      + "FROM q LEFT JOIN taken t ON t.camera_id = q.id LEFT JOIN credential.devices d ON d.id = q.id ORDER BY q.n";
  static final String FIND_ALL = "SELECT " + COLUMNS + " FROM credential.devices WHERE id = ANY($1::text[])";
  static final String PURGE_FULL_BUCKETS = "DELETE FROM credential.request_buckets "
      + "WHERE updated_at < now() - $1::int * interval '1 second'";
  static final String TOUCH_ALL = "UPDATE credential.devices SET last_seen_at = now() WHERE id = ANY($1::text[])";
  /**
   * For each login (camera id, its failure key, its source address's failure key): the camera's row (nulls when there
   * is none) and the failures of both keys in their current windows, in the order asked; one round trip decides
   * whether each login may be checked at all.
   */
  static final String FIND_FOR_LOGINS = "SELECT q.n, d.id, d.secret_hash, d.secret_scheme, d.secret_version, d.prefix, "
      + "d.enabled, d.created_at, d.last_seen_at, d.account_id, "
      + "COALESCE(fi.failures, 0) AS id_failures, COALESCE(fa.failures, 0) AS address_failures "
      + "FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS q(id, id_key, address_key, n) "
      + "LEFT JOIN credential.devices d ON d.id = q.id "
      + "LEFT JOIN credential.login_failures fi ON fi.key = q.id_key "
      + "AND fi.window_start > now() - $4::int * interval '1 second' "
      + "LEFT JOIN credential.login_failures fa ON fa.key = q.address_key "
      + "AND fa.window_start > now() - $4::int * interval '1 second' "
      + "ORDER BY q.n";

  private final Pool pool;

  public DeviceRepository(Pool pool) {
    this.pool = pool;
  }

  /** Empty when a camera with this id already exists; {@code accountId} null for a camera without an account. */
  public Future<Optional<Device>> insert(String id, String secretHash, String prefix, String accountId) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(id, secretHash, prefix, accountId))
        .map(DeviceRepository::first);
  }

  /** Sets the camera's account (null: none); empty when there is no such camera. */
  public Future<Optional<Device>> setAccount(String id, String accountId) {
    return pool.preparedQuery(SET_ACCOUNT).execute(Tuple.of(id, accountId)).map(DeviceRepository::first);
  }

  public Future<Optional<Device>> find(String id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(DeviceRepository::first);
  }

  /** Cameras ordered by id, strictly after {@code after} (null: from the start); {@code account} null: all. */
  public Future<List<Device>> page(String after, int limit, String account) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(after, limit, account)).map(rows -> {
      List<Device> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(Device.from(r)));
      return out;
    });
  }

  /** A credential request's view: whether the camera's shared bucket had a token, and the camera. */
  public record RequestLookup(boolean granted, Optional<Device> device) {}

  /** Takes a token from {@code id}'s shared request bucket if there is one, and reads the camera. */
  public Future<RequestLookup> takeRequestToken(String id, int burst, int refillSeconds) {
    return pool.preparedQuery(TAKE_REQUEST_TOKEN).execute(Tuple.of(id, burst, refillSeconds)).map(rows -> {
      Row row = rows.iterator().next();
      Optional<Device> device = row.getString("id") == null ? Optional.empty() : Optional.of(Device.from(row));
      return new RequestLookup(row.getBoolean("granted"), device);
    });
  }

  /** {@link #takeRequestToken} for many distinct ids in one statement; the answers in the order of {@code ids}. */
  public Future<List<RequestLookup>> takeRequestTokens(List<String> ids, int burst, int refillSeconds) {
    return pool.preparedQuery(TAKE_REQUEST_TOKENS).execute(Tuple.of(ids.toArray(String[]::new), burst,
        refillSeconds)).map(rows -> {
          List<RequestLookup> out = new ArrayList<>(ids.size());
          for (Row row : rows) {
            Optional<Device> device = row.getString("id") == null ? Optional.empty() : Optional.of(Device.from(row));
            out.add(new RequestLookup(row.getBoolean("granted"), device));
          }
          return out;
        });
  }

  /** The cameras among {@code ids} that exist, by id. */
  public Future<Map<String, Device>> findAll(List<String> ids) {
    return pool.preparedQuery(FIND_ALL).execute(Tuple.of(ids.toArray(String[]::new))).map(rows -> {
      Map<String, Device> out = new HashMap<>(rows.size() * 2);
      rows.forEach(r -> {
        Device d = Device.from(r);
        out.put(d.id(), d);
      });
      return out;
    });
  }

  /** Deletes request buckets untouched for {@code seconds} (full again); the number deleted. */
  public Future<Integer> purgeFullBuckets(int seconds) {
    return pool.preparedQuery(PURGE_FULL_BUCKETS).execute(Tuple.of(seconds)).map(rows -> rows.rowCount());
  }

  /** What a login needs to know before it checks a secret. */
  public record LoginLookup(Optional<Device> device, int idFailures, int addressFailures) {}

  /** {@link #FIND_FOR_LOGINS}: the answers in the order of {@code ids}. */
  public Future<List<LoginLookup>> findForLogins(List<String> ids, List<String> idKeys, List<String> addressKeys,
      int windowSeconds) {
    return pool.preparedQuery(FIND_FOR_LOGINS).execute(Tuple.of(ids.toArray(String[]::new),
        idKeys.toArray(String[]::new), addressKeys.toArray(String[]::new), windowSeconds)).map(rows -> {
          List<LoginLookup> out = new ArrayList<>(ids.size());
          for (Row row : rows) {
            Optional<Device> device = row.getString("id") == null ? Optional.empty() : Optional.of(Device.from(row));
            out.add(new LoginLookup(device, row.getInteger("id_failures"), row.getInteger("address_failures")));
          }
          return out;
        });
  }

  /** Sets {@code last_seen_at} of many cameras in one statement. */
  public Future<Void> touchAll(List<String> ids) {
    return pool.preparedQuery(TOUCH_ALL).execute(Tuple.of(ids.toArray(String[]::new))).mapEmpty();
  }

  /** Replaces a camera's bcrypt hash by the SHA-256 of the same secret, unless it was rotated meanwhile. */
  public Future<Boolean> rehash(String id, String oldBcryptHash, String sha256Hex) {
    return pool.preparedQuery(REHASH).execute(Tuple.of(id, oldBcryptHash, sha256Hex))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Stores a new secret's SHA-256 (a rotation: the secret version grows). False when there is no such camera. */
  public Future<Boolean> setSecretHash(String id, String secretHash) {
    return pool.preparedQuery(SET_SECRET).execute(Tuple.of(id, secretHash)).map(rows -> rows.rowCount() > 0);
  }

  public Future<Optional<Device>> setEnabled(String id, boolean enabled) {
    return pool.preparedQuery(SET_ENABLED).execute(Tuple.of(id, enabled)).map(DeviceRepository::first);
  }

  public Future<Boolean> delete(String id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  private static Optional<Device> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Device.from(it.next())) : Optional.empty();
  }
}
