package io.ipchls.credential;

import io.ipchls.credential.broker.BrokerAuthVerticle;
import io.ipchls.credential.http.AdminApiVerticle;
import io.ipchls.credential.issuer.CredentialIssuer;
import io.ipchls.credential.issuer.EmbeddedKeyIssuer;
import io.ipchls.credential.issuer.StsIssuer;
import io.ipchls.credential.mqtt.CredentialRequestVerticle;
import io.ipchls.credential.ops.CameraStatusVerticle;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * credential-service: camera registry, broker authentication and temporary storage credentials. {@link #deploy}
 * migrates schema {@value #SCHEMA}, then deploys, in order, the broker-auth consumer (the broker needs it before our
 * own MQTT link can log in), the MQTT credential link, the camera status follower (cameras online, camera-reported
 * counters) and the HTTP API. Holds no statics, so it can share a Vert.x
 * instance with other services.
 */
public final class CredentialService {
  public static final String SCHEMA = "credential";
  private static final Logger LOG = LoggerFactory.getLogger(CredentialService.class);

  private CredentialService() {}

  public static Future<Void> deploy(Vertx vertx, CredentialConfig config) {
    LOG.info("starting credential-service with {}", config);
    Metrics metrics = new Metrics();
    CredentialIssuer issuer = switch (config.issuer()) {
      case EMBEDDED -> new EmbeddedKeyIssuer(vertx, config.s3(), config.cameraEndpoint(),
          config.credentialLifetimeSeconds());
      case STS -> new StsIssuer(vertx, config);
    };
    var requests = new CredentialRequestVerticle(config, metrics.registry(), issuer);
    return Database.migrate(vertx, config.db(), SCHEMA)
        .compose(v -> vertx.deployVerticle(new BrokerAuthVerticle(config, metrics.registry())))
        .compose(id -> vertx.deployVerticle(requests))
        .compose(id -> vertx.deployVerticle(new CameraStatusVerticle(config.mqtt(), metrics.registry())))
        .compose(id -> vertx.deployVerticle(new AdminApiVerticle(config, metrics, issuer, requests::isConnected)))
        .onSuccess(id -> LOG.info("credential-service listening on {}:{}", config.http().host(), config.http().port()))
        .mapEmpty();
  }
}
