package io.ipchls.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The services' admin APIs (credential-service's cameras, playlist-service's viewer tokens), as an operator's tool
 * would call them.
 */
final class AdminClient {
  private final HttpClient http;
  private final URI base;
  private final String token;

  AdminClient(URI base, String token) {
    this(base, token, null);
  }

  /** Over https, the service's certificate is verified against {@code caFile} (PEM) when given. */
  AdminClient(URI base, String token, Path caFile) {
    this.base = base;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (caFile != null && "https".equals(base.getScheme())) b.sslContext(TlsTrust.sslContext(caFile));
    this.http = b.build();
  }

  /** Registers the camera, or gives an existing one a new secret; returns the secret (shown only now). */
  String registerOrRotate(String cameraId) throws IOException, InterruptedException {
    HttpResponse<String> r = send("POST", "/api/v1/cameras", new JsonObject().put("id", cameraId));
    if (r.statusCode() == 409) r = send("POST", "/api/v1/cameras/" + cameraId + "/secret", new JsonObject());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("credential-service answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getString("secret");
  }

  /** POSTs a JSON body; the JSON answer, or an IOException naming the status and the service's message. */
  JsonObject post(String path, JsonObject body) throws IOException, InterruptedException {
    HttpResponse<String> r = send("POST", path, body);
    if (r.statusCode() / 100 != 2) throw new IOException(base + " answered " + r.statusCode() + ": " + r.body());
    return new JsonObject(r.body());
  }

  /** One admin API call; {@code body} null sends none. */
  HttpResponse<String> send(String method, String path, JsonObject body) throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
    if (body == null) {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      req.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }
}
