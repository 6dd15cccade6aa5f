package io.ipchls.credential.ops;

import io.ipchls.kit.ops.Rates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;

/**
 * credential-service's figures for its ops snapshot: credentials issued and refused (totals, by reason, and per
 * second over about the last minute) and broker logins accepted and refused. Read from the instance's Prometheus
 * registry, so they are the same numbers {@code /metrics} shows.
 */
public final class CredentialStats {
  private final MeterRegistry meters;
  private final Rates issuedRate = new Rates();
  private final Rates refusedRate = new Rates();

  public CredentialStats(MeterRegistry meters) {
    this.meters = meters;
  }

  public JsonObject get() {
    long now = System.currentTimeMillis();
    double issued = sum("credentials.issued");
    double refused = sum("credentials.refused");
    JsonObject byReason = new JsonObject();
    meters.find("credentials.refused").counters()
        .forEach(c -> byReason.put(c.getId().getTag("reason"), (long) c.count()));
    return new JsonObject()
        .put("credentialsIssued", (long) issued)
        .put("credentialsRefused", (long) refused)
        .put("refusedByReason", byReason)
        .put("issuedPerSecond", round(issuedRate.sample(now, issued)))
        .put("refusedPerSecond", round(refusedRate.sample(now, refused)))
        .put("brokerLoginsAccepted", (long) sum("broker.auth.accepted"))
        .put("brokerLoginsRefused", (long) sum("broker.auth.refused"))
        .put("cameraSegmentsUploaded", (long) sum("camera.segments.uploaded"))
        .put("cameraSegmentsDropped", (long) sum("camera.segments.dropped"));
  }

  private double sum(String name) {
    return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
