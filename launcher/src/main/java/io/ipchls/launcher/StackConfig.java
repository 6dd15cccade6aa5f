package io.ipchls.launcher;

import io.ipchls.kit.cluster.ClusterConfig;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The all-in-one launcher's configuration: the data directory, the three services' ports, and for each backing
 * server whether to start the embedded one ({@code embedded: true}, the default) or to use an external one, whose
 * settings then follow the services' own {@code db}/{@code mqtt}/{@code s3} sections. {@code credential} holds
 * credential-service's own settings ({@code issuer}, {@code sts}, {@code auth}, {@code rateLimit},
 * {@code credentialLifetimeSeconds}); the launcher sets its ports, servers and secrets itself.
 */
public record StackConfig(
    Path dataDir, String host, int playlistPort, int credentialPort, int ingestPort,
    JsonObject postgres, JsonObject mqtt, JsonObject s3, ClusterConfig cluster, JsonObject credential) {

  public static JsonObject defaults() {
    return new JsonObject()
        .put("dataDir", "data")
        .put("host", "127.0.0.1")
        .put("http", new JsonObject().put("playlistPort", 8080).put("credentialPort", 8081).put("ingestPort", 8082))
        .put("postgres", new JsonObject().put("embedded", true).put("port", 15432))
        .put("mqtt", new JsonObject().put("embedded", true).put("port", 1883))
        .put("s3", new JsonObject().put("embedded", true).put("port", 9000).put("bucket", "ipchls")
            .put("region", "us-east-1"))
        .put("cluster", new JsonObject().put("name", "ipc-hls").put("port", 5701))
        .put("credential", new JsonObject());
  }

  public static StackConfig from(JsonObject json) {
    Settings root = Settings.root(json);
    Settings http = root.section("http");
    return new StackConfig(
        Path.of(root.string("dataDir", "data")),
        root.string("host", "127.0.0.1"),
        http.integer("playlistPort", 8080, 0, 65535),
        http.integer("credentialPort", 8081, 0, 65535),
        http.integer("ingestPort", 8082, 0, 65535),
        json.getJsonObject("postgres", new JsonObject()),
        json.getJsonObject("mqtt", new JsonObject()),
        json.getJsonObject("s3", new JsonObject()),
        ClusterConfig.from(root.section("cluster")),
        json.getJsonObject("credential", new JsonObject()));
  }

  public boolean embedded(JsonObject section) {
    return Settings.root(section).bool("embedded", true);
  }
}
