package io.ipchls.bench.gateway;

import io.ipchls.launcher.LocalSystem;
import io.ipchls.launcher.StackConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cloud side of {@link GatewayStreams}, in a process of its own so that its CPU (S3, broker, ingest, PostgreSQL)
 * is not counted as the gateway's: the local system on free ports with TLS on (as the demo runs it), {@code cameras} cameras registered. Prints {@code MQTT host port caFile}, then {@code CAMERA id secret} per
 * camera, then {@code READY}; stops when its stdin closes.
 *
 * <p>{@code BenchCloud <dataDir> <cameras>}
 */
public final class BenchCloud {
  private BenchCloud() {}

  public static void main(String[] args) throws Exception {
    Path data = Files.createDirectories(Path.of(args[0]));
    int cameras = Integer.parseInt(args[1]);
    JsonObject json = StackConfig.defaults().put("dataDir", data.toString());
    json.put("http", new JsonObject().put("playlistPort", 0).put("credentialPort", 0).put("ingestPort", 0));
    json.getJsonObject("postgres").put("port", 0);
    json.getJsonObject("mqtt").put("port", 0);
    json.getJsonObject("s3").put("port", 0);
    json.getJsonObject("cluster").put("name", "ipc-hls-gwbench-" + ProcessHandle.current().pid()).put("port", 5981);
    try (LocalSystem sys = LocalSystem.start(StackConfig.from(json))) {
      // TLS as the demo runs it: MQTT over TLS, S3 over HTTPS, with the local CA
      System.out.println("MQTT " + sys.mqttHost() + " " + sys.mqttPort() + " " + sys.caFile());
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < cameras; i++) {
        String id = "gwbench-" + i;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sys.credentialUrl() + "/api/v1/cameras"))
            .header("Authorization", "Bearer " + sys.adminToken()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).encode())).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IllegalStateException("register " + id + ": " + r.body());
        System.out.println("CAMERA " + id + " " + new JsonObject(r.body()).getString("secret"));
      }
      System.out.println("READY");
      System.out.flush();
      System.in.read(); // until the parent closes our stdin (or dies)
    }
    System.exit(0);
  }
}
