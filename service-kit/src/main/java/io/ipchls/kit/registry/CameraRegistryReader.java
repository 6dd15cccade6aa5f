package io.ipchls.kit.registry;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one reader of credential-service's camera registry for other services, through the versioned read view
 * {@value #VIEW} that credential-service owns and migrates (only non-secret columns: id, prefix, enabled,
 * created_at, account_id since credential V5), and the account function {@code credential.account_for_admin_token}
 * (V5). No other class outside credential-service names the registry; ingest (storage prefixes, which cameras
 * exist) and playlist-service (camera list, unknown-camera checks, account-scoped tokens) ask here.
 */
public final class CameraRegistryReader {
  /** The read contract; a change that is not additive makes a {@code cameras_v2} beside it. */
  public static final String VIEW = "credential.cameras_v1";
  /** The accounts' read contract (credential V5). */
  public static final String ACCOUNTS_VIEW = "credential.accounts_v1";
  /**
   * undefined_table, invalid_schema_name, undefined_column, undefined_function: the registry (or its accounts, V5) is
   * not (yet) in this database.
   */
  public static final Set<String> NO_REGISTRY = Set.of("42P01", "3F000", "42703", "42883");

  static final String PREFIXES = "SELECT id, prefix FROM credential.cameras_v1 WHERE id = ANY($1::text[])";
  static final String REGISTERED = "SELECT EXISTS (SELECT 1 FROM credential.cameras_v1 WHERE id = $1) AS registered";
  /** Registered cameras after a cursor ($1 null = all cameras, else only those ids). */
  static final String PAGE = """
      SELECT id, enabled, created_at FROM credential.cameras_v1
      WHERE ($1::text[] IS NULL OR id = ANY($1::text[])) AND id > $2
      ORDER BY id
      LIMIT $3""";
  /** The ids of an account's cameras (index devices_account). */
  static final String ACCOUNT_CAMERAS = "SELECT id FROM credential.cameras_v1 WHERE account_id = $1";
  /** The account of a camera: one row (account_id NULL for none), none for an unknown camera. */
  static final String ACCOUNT_OF = "SELECT account_id FROM credential.cameras_v1 WHERE id = $1";
  static final String ACCOUNT_EXISTS = "SELECT EXISTS (SELECT 1 FROM credential.accounts_v1 WHERE id = $1) AS found";
  static final String ACCOUNT_FOR_TOKEN = "SELECT credential.account_for_admin_token($1) AS account_id";

  /** A registered camera as other services may see it. */
  public record RegisteredCamera(String id, boolean enabled, Instant createdAt) {
    static RegisteredCamera from(Row r) {
      return new RegisteredCamera(r.getString("id"), r.getBoolean("enabled"),
          r.getOffsetDateTime("created_at").toInstant());
    }
  }

  private final Pool pool;

  public CameraRegistryReader(Pool pool) {
    this.pool = pool;
  }

  /** Whether a failure says the registry is not in this database (a service deployed alone), not an outage. */
  public static boolean isNoRegistry(Throwable e) {
    return e instanceof PgException pg && NO_REGISTRY.contains(pg.getSqlState());
  }

  /**
   * The storage prefix of each registered camera among {@code ids} (a missing id is not registered); empty when the
   * registry is not in this database ({@link #isNoRegistry}). Fails on any other database error.
   */
  public Future<Optional<Map<String, String>>> prefixes(Collection<String> ids) {
    return pool.preparedQuery(PREFIXES).execute(Tuple.tuple().addArrayOfString(ids.toArray(new String[0])))
        .map(rows -> {
          Map<String, String> m = new HashMap<>();
          for (Row r : rows) m.put(r.getString("id"), r.getString("prefix"));
          return Optional.of(m);
        })
        .recover(e -> isNoRegistry(e) ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e));
  }

  /** Whether the camera is registered. */
  public Future<Boolean> isRegistered(String cameraId) {
    return pool.preparedQuery(REGISTERED).execute(Tuple.of(cameraId))
        .map(rows -> rows.iterator().next().getBoolean("registered"));
  }

  /**
   * The ids of the cameras that belong to {@code accountId} now (empty for an unknown account, and when the registry
   * is not in this database).
   */
  public Future<Set<String>> accountCameras(String accountId) {
    return pool.preparedQuery(ACCOUNT_CAMERAS).execute(Tuple.of(accountId)).map(rows -> {
      Set<String> ids = new HashSet<>();
      rows.forEach(r -> ids.add(r.getString("id")));
      return Set.copyOf(ids);
    }).recover(e -> isNoRegistry(e) ? Future.succeededFuture(Set.of()) : Future.failedFuture(e));
  }

  /** Whether the account exists (false when the registry is not in this database). */
  public Future<Boolean> accountExists(String accountId) {
    return pool.preparedQuery(ACCOUNT_EXISTS).execute(Tuple.of(accountId))
        .map(rows -> rows.iterator().next().getBoolean("found"))
        .recover(e -> isNoRegistry(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /** The account a registered camera belongs to; empty for a camera without one or an unknown camera. */
  public Future<Optional<String>> accountOf(String cameraId) {
    return pool.preparedQuery(ACCOUNT_OF).execute(Tuple.of(cameraId)).map(rows -> rows.size() == 0
        ? Optional.<String>empty() : Optional.ofNullable(rows.iterator().next().getString("account_id")));
  }

  /**
   * The account whose admin token has this SHA-256 (lower-case hex); empty for none, and when the registry is not in
   * this database (then no account token is valid).
   */
  public Future<Optional<String>> accountForAdminToken(String tokenSha256Hex) {
    return pool.preparedQuery(ACCOUNT_FOR_TOKEN).execute(Tuple.of(tokenSha256Hex))
        .map(rows -> Optional.ofNullable(rows.iterator().next().getString("account_id")))
        .recover(e -> isNoRegistry(e) ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e));
  }

  /**
   * Registered cameras with ids after {@code afterId}, in id order.
   *
   * @param only the ids to list, or null for all
   */
  public Future<List<RegisteredCamera>> page(List<String> only, String afterId, int limit) {
    Tuple args = Tuple.of(only == null ? null : only.toArray(String[]::new), afterId, limit);
    return pool.preparedQuery(PAGE).execute(args).map(rows -> {
      List<RegisteredCamera> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(RegisteredCamera.from(r)));
      return out;
    });
  }
}
