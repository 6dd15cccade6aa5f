package io.ipchls.kit.http;

import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Who made an admin call (issue 19 item 2): the operator (the service's admin token: everything) or an account's
 * admin (an account admin token: only that account's cameras, and only the calls made for it). {@link AdminAuth} puts
 * it into the routing context; handlers ask it before any I/O that the caller may not do.
 *
 * @param account null for the operator, else the account whose admin token was shown
 */
public record AdminCaller(String account) {
  public static final AdminCaller OPERATOR = new AdminCaller(null);
  static final String KEY = "ipchls.adminCaller";

  public boolean operator() {
    return account == null;
  }

  /** The caller {@link AdminAuth} put into the context. */
  public static AdminCaller of(RoutingContext ctx) {
    AdminCaller caller = ctx.get(KEY);
    if (caller == null) throw new IllegalStateException("AdminAuth did not run for " + ctx.request().path());
    return caller;
  }

  /** @throws ApiException 403 {@code operator_only} for an account admin */
  public static AdminCaller requireOperator(RoutingContext ctx) {
    AdminCaller caller = of(ctx);
    if (!caller.operator()) {
      throw new ApiException(403, "operator_only", "this call needs the operator's admin token, not an account's");
    }
    return caller;
  }

  /**
   * Whether this caller may act on a camera of {@code cameraAccount} (null: a camera without an account, or none at
   * all): the operator on every camera, an account admin only on its account's.
   */
  public boolean covers(String cameraAccount) {
    return operator() || Objects.equals(account, cameraAccount);
  }

  /**
   * @throws ApiException 403 {@code other_account} when an account admin acts on a camera that is not its account's
   *     (another account's, one without an account, or an unknown one: the answer does not tell which)
   */
  public void requireCamera(String cameraId, String cameraAccount) {
    if (!covers(cameraAccount)) {
      throw new ApiException(403, "other_account", "camera " + cameraId + " is not in account " + account);
    }
  }
}
