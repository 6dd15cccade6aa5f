package io.ipchls.credential.http;

import io.ipchls.credential.auth.Secrets;
import io.ipchls.credential.db.Account;
import io.ipchls.credential.db.AuditRepository;
import io.ipchls.credential.db.CameraStore;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.http.AdminAuth;
import io.ipchls.kit.http.AdminCaller;
import io.ipchls.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;

/**
 * The account API (issue 19 item 2): accounts and their quotas, and each account's admin token. Operator-only but for
 * reading one's own account. Audit rows name the account in {@code reason} ({@code camera_id} is for cameras).
 */
final class AccountHandlers {
  static final String ACCOUNTS = "/api/v1/accounts";
  /** PostgreSQL foreign_key_violation: an account still named by a camera, or a camera naming no account. */
  static final String FOREIGN_KEY_VIOLATION = "23503";

  private final CameraStore store;

  AccountHandlers(CameraStore store) {
    this.store = store;
  }

  Future<JsonObject> create(RoutingContext ctx) {
    AdminCaller.requireOperator(ctx);
    var req = AccountRequests.Create.from(ctx);
    return store.accounts().insert(req.id(), req.fields())
        .map(found -> found.orElseThrow(() -> new ApiException(409, "conflict",
            "account " + req.id() + " already exists")))
        .compose(a -> audit("account.create", a.id()).map(a))
        .map(a -> {
          ctx.response().setStatusCode(201).putHeader("Location", ACCOUNTS + "/" + a.id());
          return a.toJson();
        });
  }

  Future<JsonObject> list(RoutingContext ctx) {
    AdminCaller.requireOperator(ctx);
    var req = AdminRequests.Page.page(ctx, "an account id");
    return store.accounts().page(req.after(), req.limit() + 1).map(found -> {
      boolean more = found.size() > req.limit();
      var page = more ? found.subList(0, req.limit()) : found;
      JsonArray accounts = new JsonArray();
      page.forEach(a -> accounts.add(a.toJson()));
      return new JsonObject().put("accounts", accounts).put("next", more ? page.get(page.size() - 1).id() : null);
    });
  }

  /** The operator reads any account, an account admin its own. */
  Future<JsonObject> get(RoutingContext ctx) {
    String id = AccountRequests.pathId(ctx);
    AdminCaller caller = AdminCaller.of(ctx);
    if (!caller.operator() && !caller.account().equals(id)) {
      throw new ApiException(403, "other_account", "an account admin reads only its own account");
    }
    return store.accounts().find(id).map(found -> found.orElseThrow(() -> notFound(id)).toJson());
  }

  Future<JsonObject> update(RoutingContext ctx) {
    AdminCaller.requireOperator(ctx);
    var req = AccountRequests.Update.from(ctx);
    return store.accounts().update(req.id(), req.fields())
        .map(found -> found.orElseThrow(() -> notFound(req.id())))
        .compose(a -> audit("account.update", a.id()).map(a))
        .map(Account::toJson);
  }

  /** 409 {@code account_in_use} while cameras belong to it: the foreign key decides, so no camera can slip in. */
  Future<Void> delete(RoutingContext ctx) {
    AdminCaller.requireOperator(ctx);
    String id = AccountRequests.pathId(ctx);
    return store.accounts().delete(id)
        .recover(e -> Future.failedFuture(isForeignKey(e) ? new ApiException(409, "account_in_use",
            "cameras still belong to account " + id + ": move them to another account or out of it first") : e))
        .compose(deleted -> deleted ? audit("account.delete", id) : Future.failedFuture(notFound(id)))
        .map(v -> {
          ctx.response().setStatusCode(204);
          return null;
        });
  }

  /** A new account admin token, shown only in this answer; the one before stops working at once. */
  Future<JsonObject> mintAdminToken(RoutingContext ctx) {
    AdminCaller.requireOperator(ctx);
    String id = AccountRequests.pathId(ctx);
    String token = AdminAuth.ACCOUNT_TOKEN_PREFIX + Secrets.base64Url(32);
    return store.accounts().setAdminTokenHash(id, Sha256.hex(token))
        .compose(found -> found ? audit("account.admin-token", id) : Future.failedFuture(notFound(id)))
        .map(v -> new JsonObject().put("account", id).put("token", token));
  }

  static boolean isForeignKey(Throwable e) {
    return e instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState());
  }

  static ApiException unknownAccount(String id) {
    return new ApiException(404, "unknown_account", "no account " + id);
  }

  private Future<Void> audit(String action, String account) {
    return store.audit().record(null, action, AuditRepository.OK, "account " + account);
  }

  private static ApiException notFound(String id) {
    return unknownAccount(id);
  }
}
