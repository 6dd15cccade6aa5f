package io.ipchls.ingest.callbacks;

import io.ipchls.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The webhook registry and its delivery log under {@code /api/v1/webhooks}. The signing secret is in the answers to
 * create and rotate only; it is derived, never stored (see {@link WebhookSecrets}). The routes are in
 * IngestHttpVerticle's route table.
 */
public final class WebhookHandlers {
  private final WebhookSecrets secrets;
  private final WebhookRepository webhooks;
  private final WebhookTargets targets;

  WebhookHandlers(Pool pool, WebhookSecrets secrets, WebhookTargets targets) {
    this.secrets = secrets;
    this.webhooks = new WebhookRepository(pool);
    this.targets = targets;
  }

  public void create(RoutingContext ctx) {
    var req = WebhookRequests.Create.from(ctx);
    String id = WebhookSecrets.newWebhookId();
    String salt = WebhookSecrets.newSalt();
    Future<Void> allowed = targets.check(ctx.vertx(), java.net.URI.create(req.url()))
        .recover(e -> Future.failedFuture(ApiException.badRequest("target_not_allowed", e.getMessage())));
    reply(ctx, 201, allowed.compose(x -> webhooks.create(id, req.url(), req.description(), req.events(), salt))
        .map(w -> w.toJson().put("secret", secrets.secret(w.id(), w.salt()))));
  }

  public void list(RoutingContext ctx) {
    var page = WebhookRequests.Page.from(ctx);
    reply(ctx, 200, webhooks.page(page.after(), page.limit() + 1).map(found -> {
      boolean more = found.size() > page.limit();
      var shown = more ? found.subList(0, page.limit()) : found;
      return new JsonObject().put("webhooks", new JsonArray(shown.stream().map(Webhook::toJson).toList()))
          .put("next", more ? shown.get(shown.size() - 1).id() : null);
    }));
  }

  public void get(RoutingContext ctx) {
    String id = WebhookRequests.webhookId(ctx);
    reply(ctx, 200, webhooks.get(id).map(w -> w.orElseThrow(() -> unknown(id)).toJson()));
  }

  public void delete(RoutingContext ctx) {
    String id = WebhookRequests.webhookId(ctx);
    webhooks.delete(id).onSuccess(found -> {
      if (found) ctx.response().setStatusCode(204).end();
      else ctx.fail(unknown(id));
    }).onFailure(ctx::fail);
  }

  public void rotateSecret(RoutingContext ctx) {
    String id = WebhookRequests.webhookId(ctx);
    reply(ctx, 200, webhooks.rotate(id, WebhookSecrets.newSalt()).map(w -> w.orElseThrow(() -> unknown(id)))
        .map(w -> w.toJson().put("secret", secrets.secret(w.id(), w.salt()))));
  }

  public void deliveries(RoutingContext ctx) {
    var q = WebhookRequests.DeliveryQuery.from(ctx);
    reply(ctx, 200, requireWebhook(q.webhookId()).compose(x -> webhooks.deliveries(q, q.limit() + 1)).map(found -> {
      boolean more = found.size() > q.limit();
      var shown = more ? found.subList(0, q.limit()) : found;
      return new JsonObject().put("deliveries", new JsonArray(shown))
          .put("next", more ? shown.get(shown.size() - 1).getLong("id") : null);
    }));
  }

  public void delivery(RoutingContext ctx) {
    String id = WebhookRequests.webhookId(ctx);
    long deliveryId = WebhookRequests.deliveryId(ctx);
    reply(ctx, 200, requireWebhook(id).compose(x -> webhooks.delivery(id, deliveryId))
        .map(d -> d.orElseThrow(() -> unknownDelivery(deliveryId))));
  }

  public void retry(RoutingContext ctx) {
    String id = WebhookRequests.webhookId(ctx);
    long deliveryId = WebhookRequests.deliveryId(ctx);
    reply(ctx, 202, requireWebhook(id).compose(x -> webhooks.retry(id, deliveryId))
        .compose(scheduled -> webhooks.delivery(id, deliveryId).map(d -> {
          if (d.isEmpty()) throw unknownDelivery(deliveryId);
          if (!scheduled) {
            throw new ApiException(409, "already_pending", "delivery " + deliveryId + " is still being attempted");
          }
          return d.get();
        })));
  }

  private Future<Webhook> requireWebhook(String id) {
    return webhooks.get(id).map(w -> w.orElseThrow(() -> unknown(id)));
  }

  private static ApiException unknown(String id) {
    return new ApiException(404, "unknown_webhook", "no webhook " + id);
  }

  private static ApiException unknownDelivery(long id) {
    return new ApiException(404, "unknown_delivery", "no delivery " + id + " of this webhook");
  }

  private static void reply(RoutingContext ctx, int status, Future<JsonObject> body) {
    body.onSuccess(json -> ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(json.encode())).onFailure(ctx::fail);
  }
}
