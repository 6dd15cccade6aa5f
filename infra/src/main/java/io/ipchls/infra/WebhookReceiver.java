package io.ipchls.infra;

import io.ipchls.protocol.WebhookSignature;
import io.ipchls.protocol.WebhookSignature.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A stand-in for a user's webhook endpoint (tests): a real HTTP server on 127.0.0.1 that checks every POST's
 * signature with the secret registered for its {@code X-IpcHls-Webhook-Id} ({@link WebhookSignature}, timestamps
 * within 300 s), records what it received, and answers 401 to a bad signature, else what the webhook's script says
 * for that call (default 204; {@link #NEVER} = never answer, a hung receiver).
 */
public final class WebhookReceiver implements AutoCloseable {
  /** A script's answer meaning "keep the request open and never answer". */
  public static final int NEVER = -1;

  /** One request as received. {@code verdict} is the signature check; {@code answered} the status sent (or NEVER). */
  public record Received(String webhookId, String eventId, String eventType, String deliveryId, long timestamp,
      String signature, String body, Verdict verdict, int answered) {}

  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, IntUnaryOperator> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  private WebhookReceiver() {}

  /** Starts listening on a free port of 127.0.0.1. */
  public static Future<WebhookReceiver> start(Vertx vertx) {
    WebhookReceiver r = new WebhookReceiver();
    return vertx.createHttpServer().requestHandler(r::handle).listen(0, "127.0.0.1").map(s -> {
      r.server = s;
      return r;
    });
  }

  /** The URL to register, e.g. {@code url("/hooks/a")}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** The secret the API gave for this webhook; requests for webhooks without one fail the check. */
  public WebhookReceiver secret(String webhookId, String secret) {
    secrets.put(webhookId, secret);
    return this;
  }

  /** Answers the webhook's n-th call (from 1) with {@code script(n)}: a status, or {@link #NEVER}. */
  public WebhookReceiver script(String webhookId, IntUnaryOperator script) {
    scripts.put(webhookId, script);
    return this;
  }

  /** Everything received so far, in arrival order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** What one webhook received. */
  public List<Received> received(String webhookId) {
    return received.stream().filter(r -> webhookId.equals(r.webhookId())).toList();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buffer -> {
      String webhookId = req.getHeader(WebhookSignature.WEBHOOK_ID_HEADER);
      String secret = webhookId == null ? null : secrets.get(webhookId);
      byte[] body = buffer.getBytes();
      Verdict verdict = secret == null ? Verdict.MISMATCH : WebhookSignature.verify(secret,
          req.getHeader(WebhookSignature.TIMESTAMP_HEADER), req.getHeader(WebhookSignature.SIGNATURE_HEADER), body,
          System.currentTimeMillis() / 1000, WebhookSignature.DEFAULT_TOLERANCE_SECONDS);
      int status;
      if (verdict != Verdict.VALID) {
        status = 401;
      } else {
        int n = calls.computeIfAbsent(webhookId, k -> new AtomicInteger()).incrementAndGet();
        status = scripts.getOrDefault(webhookId, k -> 204).applyAsInt(n);
      }
      long ts;
      try {
        ts = Long.parseLong(String.valueOf(req.getHeader(WebhookSignature.TIMESTAMP_HEADER)));
      } catch (NumberFormatException e) {
        ts = -1;
      }
      received.add(new Received(webhookId, req.getHeader(WebhookSignature.EVENT_ID_HEADER),
          req.getHeader(WebhookSignature.EVENT_TYPE_HEADER), req.getHeader(WebhookSignature.DELIVERY_ID_HEADER), ts,
          req.getHeader(WebhookSignature.SIGNATURE_HEADER), new String(body, StandardCharsets.UTF_8), verdict, status));
      if (status != NEVER) req.response().setStatusCode(status).end();
    });
  }

  @Override
  public void close() {
    if (server != null) server.close();
  }
}
