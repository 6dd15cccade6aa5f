package io.ipchls.ingest.callbacks;

import io.ipchls.ingest.callbacks.DeliveryRepository.Claimed;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.protocol.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook calls: claims due deliveries (see {@link DeliveryRepository#CLAIM}), POSTs each signed event, and
 * records the outcome: 2xx delivered; anything else is retried with exponential backoff and jitter until
 * {@code maxAttempts}, then failed. At most {@code maxConcurrent} calls in flight on this instance and
 * {@code maxPerWebhook} per webhook, each bounded by the connect and response timeouts, so a dead webhook holds a few
 * slots and no thread. TLS certificates and host names are verified; redirects are not followed; response bodies are
 * discarded unread. Also deletes finished deliveries after {@code retentionDays}.
 */
public final class WebhookDeliveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryVerticle.class);
  private static final long RETENTION_INTERVAL_MS = 3_600_000;
  private static final int EXPIRE_BATCH = 10_000;
  private static final int MAX_ERROR_CHARS = 500;
  private static final long DRAIN_MS = 5_000;

  private final IngestPools pools;
  private final CallbacksConfig config;
  private final WebhookSecrets secrets;
  private final CallbackMetrics metrics;
  private Pool pool;
  private DeliveryRepository deliveries;
  private WebClient client;
  private long pollTimer = -1;
  private long retentionTimer = -1;
  private int inFlight;
  private boolean claiming;
  private boolean moreDue;
  private boolean stopped;
  private Promise<Void> drained;

  public WebhookDeliveryVerticle(IngestPools pools, CallbacksConfig config, WebhookSecrets secrets,
      CallbackMetrics metrics) {
    this.pools = pools;
    this.config = config;
    this.secrets = secrets;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "webhook-delivery", config.dbPoolSize());
    deliveries = new DeliveryRepository(pool);
    var options = new WebClientOptions()
        .setUserAgent("ipc-hls-webhooks/1")
        .setFollowRedirects(false)
        .setConnectTimeout(config.connectTimeoutMillis())
        .setVerifyHost(true)
        .setTrustAll(false);
    client = WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(config.maxPerWebhook()));
    pollTimer = vertx.setPeriodic(config.pollMillis(), t -> poll());
    retentionTimer = vertx.setPeriodic(1, RETENTION_INTERVAL_MS, t -> expire(0));
    return Future.succeededFuture();
  }

  private void poll() {
    int free = config.maxConcurrent() - inFlight;
    if (claiming || stopped || free <= 0) return;
    claiming = true;
    long claimedAt = System.nanoTime(); // before the lease starts in the database: it ends no sooner than this + lease
    deliveries.claim(config.maxPerWebhook(), free, leaseSeconds()).onComplete(ar -> {
      claiming = false;
      if (ar.failed()) {
        LOG.warn("cannot claim webhook deliveries: {}", ar.cause().getMessage());
        return;
      }
      moreDue = ar.result().size() == free;
      if (leaseTooShortForAnAttempt(claimedAt)) {
        LOG.warn("{} webhook deliveries claimed too long ago ({} ms) to attempt within their lease; left to run out",
            ar.result().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - claimedAt));
        return;
      }
      ar.result().forEach(this::attempt);
    });
  }

  /**
   * An instance that stalled (GC, CPU starvation) between claiming and sending would send after its lease may have run
   * out and another instance taken the delivery: the same delivery twice. It sends only if a whole attempt (its hard
   * cap) still fits in the lease; otherwise the lease runs out and the delivery is claimed again.
   */
  private boolean leaseTooShortForAnAttempt(long claimedAtNanos) {
    long left = TimeUnit.SECONDS.toNanos(leaseSeconds()) - (System.nanoTime() - claimedAtNanos);
    return left < TimeUnit.MILLISECONDS.toNanos(config.connectTimeoutMillis() + config.responseTimeoutMillis());
  }

  /**
   * Twice an attempt's longest time (its two timeouts): long enough that a live attempt always records its outcome
   * first, short enough that a delivery whose instance died is taken up again soon.
   */
  private long leaseSeconds() {
    return (2L * (config.connectTimeoutMillis() + config.responseTimeoutMillis()) + 999) / 1000;
  }

  private void attempt(Claimed d) {
    inFlight++;
    OffsetDateTime at = OffsetDateTime.now();
    long started = System.nanoTime();
    byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
    long timestamp = System.currentTimeMillis() / 1000;
    String signature = WebhookSignature.sign(secrets.secret(d.webhookId(), d.salt()), timestamp, body);
    Future<HttpResponse<Void>> sent;
    try {
      URI url = URI.create(d.url());
      String host = WebhookTargets.hostOf(url);
      boolean tls = "https".equalsIgnoreCase(url.getScheme());
      int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
      String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
          + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
      // to the address the check resolved and passed, never to a second lookup; Host, SNI and the certificate's
      // name check still use the URL's host
      sent = config.targets().resolve(vertx, host)
          .timeout(config.connectTimeoutMillis(), TimeUnit.MILLISECONDS) // the lookup counts as connecting
          .compose(address -> send(d, body, timestamp, signature,
          client.request(HttpMethod.POST, SocketAddress.inetSocketAddress(port, address.getHostAddress()), port,
              host, path).ssl(tls)));
    } catch (RuntimeException e) { // a URL the client cannot use (validated at registration, but be safe)
      sent = Future.failedFuture(e);
    }
    sent.transform(ar -> record(d, ar.succeeded() ? ar.result().statusCode() : null,
            ar.succeeded() ? null : describe(ar.cause()), at, started))
        .onComplete(ar -> {
          if (ar.failed()) LOG.warn("cannot record delivery {}: {}", d.id(), ar.cause().getMessage());
          inFlight--;
          if (stopped && inFlight == 0 && drained != null) drained.tryComplete();
          if (moreDue) poll();
        });
  }

  private Future<HttpResponse<Void>> send(Claimed d, byte[] body, long timestamp, String signature,
      HttpRequest<Buffer> request) {
    return request
        .putHeader("content-type", "application/json")
        .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
        .putHeader(WebhookSignature.SIGNATURE_HEADER, signature)
        .putHeader(WebhookSignature.EVENT_ID_HEADER, Long.toString(d.eventId()))
        .putHeader(WebhookSignature.EVENT_TYPE_HEADER, d.eventType())
        .putHeader(WebhookSignature.WEBHOOK_ID_HEADER, d.webhookId())
        .putHeader(WebhookSignature.DELIVERY_ID_HEADER, Long.toString(d.id()))
        .connectTimeout(config.connectTimeoutMillis())
        .idleTimeout(config.responseTimeoutMillis())
        .as(BodyCodec.none())
        .sendBuffer(Buffer.buffer(body))
        .timeout(config.connectTimeoutMillis() + config.responseTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

  private Future<Void> record(Claimed d, Integer status, String error, OffsetDateTime at, long startedNanos) {
    int durationMs = (int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    return outcome(d, status, error, at, durationMs).map(recorded -> {
      if (!recorded) LOG.warn("webhook {} delivery {}: attempt {} outlived its lease; its outcome is not recorded",
          d.webhookId(), d.id(), d.attempt());
      return null;
    });
  }

  private Future<Boolean> outcome(Claimed d, Integer status, String error, OffsetDateTime at, int durationMs) {
    boolean ok = status != null && status >= 200 && status < 300;
    if (ok) {
      metrics.succeeded();
      return deliveries.outcome(d, "delivered", status, null, 0, at, durationMs);
    }
    String why = error != null ? error : "HTTP " + status;
    if (d.attempt() >= config.maxAttempts()) {
      metrics.failed();
      LOG.info("webhook {} delivery {} (event {}) failed after {} attempts: {}", d.webhookId(), d.id(), d.eventId(),
          d.attempt(), why);
      return deliveries.outcome(d, "failed", status, error, 0, at, durationMs);
    }
    metrics.retried();
    return deliveries.outcome(d, "pending", status, error, backoffSeconds(d.attempt()), at, durationMs);
  }

  /** Exponential from {@code backoffInitialMillis}, capped at {@code backoffMaxMillis}, with equal jitter. */
  double backoffSeconds(int attempt) {
    double full = Math.min(config.backoffMaxMillis(),
        config.backoffInitialMillis() * Math.pow(2, Math.min(attempt - 1, 40)));
    return (full / 2 + ThreadLocalRandom.current().nextDouble() * full / 2) / 1000.0;
  }

  private static String describe(Throwable e) {
    String s = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return s.length() > MAX_ERROR_CHARS ? s.substring(0, MAX_ERROR_CHARS) : s;
  }

  private void expire(int doneSoFar) {
    deliveries.expire(config.retentionDays(), EXPIRE_BATCH).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("cannot delete old webhook deliveries: {}", ar.cause().getMessage());
      } else if (ar.result() == EXPIRE_BATCH && !stopped) {
        expire(doneSoFar + ar.result());
      } else if (doneSoFar + ar.result() > 0) {
        LOG.info("deleted {} webhook deliveries older than {} days", doneSoFar + ar.result(), config.retentionDays());
      }
    });
  }

  /**
   * Lets the calls in flight finish and record their outcome for up to {@value #DRAIN_MS} ms, then closes; an outcome
   * not recorded by then is a lease that runs out, and the call is made again (at least once).
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    if (pollTimer >= 0) vertx.cancelTimer(pollTimer);
    if (retentionTimer >= 0) vertx.cancelTimer(retentionTimer);
    drained = Promise.promise();
    if (inFlight == 0) drained.tryComplete();
    long capTimer = vertx.setTimer(DRAIN_MS, t -> drained.tryComplete());
    return drained.future().eventually(() -> {
      vertx.cancelTimer(capTimer);
      if (client != null) client.close();
      return pool == null ? Future.succeededFuture() : pool.close();
    });
  }
}
