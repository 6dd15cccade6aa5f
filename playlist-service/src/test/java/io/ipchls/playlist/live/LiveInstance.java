package io.ipchls.playlist.live;

import static io.ipchls.playlist.TestStack.await;

import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.http.PlaylistHttpVerticle;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;

/** One playlist-service instance on its own Vert.x (plain or clustered), as a viewer reaches it over HTTP. */
final class LiveInstance {
  final Vertx vertx;
  private final WebClient client;
  private final int port;
  private final String token;

  private LiveInstance(Vertx vertx, int port) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.port = port;
    this.token = TestStack.token(vertx, "*");
  }

  static LiveInstance start(Vertx vertx, PlaylistConfig cfg) {
    PlaylistHttpVerticle verticle = new PlaylistHttpVerticle(cfg);
    await(vertx.deployVerticle(verticle));
    return new LiveInstance(vertx, verticle.port());
  }

  /** The camera's live playlist text (status 200 asserted). */
  String live(String camera) {
    HttpResponse<Buffer> r = await(client.get(port, "127.0.0.1", "/playlist.m3u8?camera_id=" + camera)
        .bearerTokenAuthentication(token).send());
    if (r.statusCode() != 200) throw new AssertionError("live playlist: " + r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsString();
  }

  /** A replay playlist's text for [start, end) in epoch ms, in the seed's form (lines that name the object keys). */
  String replay(String camera, long startMs, long endMs) {
    HttpResponse<Buffer> r = await(client.get(port, "127.0.0.1", "/replay.m3u8?camera_id=" + camera + "&start="
        + java.time.Instant.ofEpochMilli(startMs) + "&end=" + java.time.Instant.ofEpochMilli(endMs) + "&links=full")
        .bearerTokenAuthentication(token).send());
    if (r.statusCode() != 200) throw new AssertionError("replay playlist: " + r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsString();
  }

  /** Stops the instance: its Vert.x closes, and with it every window it kept in memory. */
  void stop() {
    await(vertx.close());
  }
}
