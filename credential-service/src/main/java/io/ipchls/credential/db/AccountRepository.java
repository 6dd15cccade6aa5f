package io.ipchls.credential.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The accounts table {@code credential.accounts} (V5); the token column is written here and read by nothing. */
public final class AccountRepository {
  static final String COLUMNS = "id, display_name, created_at, quota_bytes, quota_days, quota_policy, "
      + "admin_token_sha256 IS NOT NULL AS has_admin_token";
  static final String INSERT = "INSERT INTO credential.accounts (id, display_name, quota_bytes, quota_days, "
      + "quota_policy) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING " + COLUMNS;
  static final String FIND = "SELECT " + COLUMNS + " FROM credential.accounts WHERE id = $1";
  static final String PAGE = "SELECT " + COLUMNS + " FROM credential.accounts WHERE ($1::text IS NULL OR id > $1) "
      + "ORDER BY id LIMIT $2";
  /** Each field only when given ($2..$5 null: keep); $6 true clears the byte quota, $7 the day quota. */
  static final String UPDATE = "UPDATE credential.accounts SET display_name = COALESCE($2, display_name), "
      + "quota_bytes = CASE WHEN $6 THEN NULL ELSE COALESCE($3, quota_bytes) END, "
      + "quota_days = CASE WHEN $7 THEN NULL ELSE COALESCE($4, quota_days) END, "
      + "quota_policy = COALESCE($5, quota_policy) WHERE id = $1 RETURNING " + COLUMNS;
  static final String SET_TOKEN = "UPDATE credential.accounts SET admin_token_sha256 = $2 WHERE id = $1 RETURNING id";
  /** The foreign key of devices.account_id refuses this while a camera belongs to the account (23503). */
  static final String DELETE = "DELETE FROM credential.accounts WHERE id = $1 RETURNING id";
  static final String FOR_TOKEN = "SELECT id FROM credential.accounts WHERE admin_token_sha256 = $1";

  /** An account's fields as created or changed; null leaves a field as it is (or at its default). */
  public record Fields(String displayName, Long quotaBytes, Integer quotaDays, String quotaPolicy,
      boolean clearQuotaBytes, boolean clearQuotaDays) {}

  private final Pool pool;

  public AccountRepository(Pool pool) {
    this.pool = pool;
  }

  /** Empty when an account with this id already exists. */
  public Future<Optional<Account>> insert(String id, Fields f) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(id, f.displayName(), f.quotaBytes(), f.quotaDays(),
        f.quotaPolicy() == null ? "ring" : f.quotaPolicy())).map(AccountRepository::first);
  }

  public Future<Optional<Account>> find(String id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(AccountRepository::first);
  }

  /** Accounts ordered by id, strictly after {@code after} (null: from the start). */
  public Future<List<Account>> page(String after, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(after, limit)).map(rows -> {
      List<Account> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(Account.from(r)));
      return out;
    });
  }

  public Future<Optional<Account>> update(String id, Fields f) {
    return pool.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {id, f.displayName(), f.quotaBytes(),
        f.quotaDays(), f.quotaPolicy(), f.clearQuotaBytes(), f.clearQuotaDays()})).map(AccountRepository::first);
  }

  /** Replaces the account's admin token by one with this SHA-256; false when there is no such account. */
  public Future<Boolean> setAdminTokenHash(String id, String tokenSha256Hex) {
    return pool.preparedQuery(SET_TOKEN).execute(Tuple.of(id, tokenSha256Hex)).map(rows -> rows.rowCount() > 0);
  }

  /** False when there is no such account; fails with the foreign key's 23503 while cameras belong to it. */
  public Future<Boolean> delete(String id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** The account whose admin token has this SHA-256. */
  public Future<Optional<String>> forAdminTokenHash(String tokenSha256Hex) {
    return pool.preparedQuery(FOR_TOKEN).execute(Tuple.of(tokenSha256Hex)).map(rows -> rows.size() == 0
        ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString("id")));
  }

  private static Optional<Account> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Account.from(it.next())) : Optional.empty();
  }
}
