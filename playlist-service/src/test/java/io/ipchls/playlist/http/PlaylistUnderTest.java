package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;

import io.ipchls.kit.db.Database;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;

/**
 * The playlist API as most HTTP tests see it: one verticle with a 24 h look-back on the shared stack, a pool on the
 * segment index to insert into, and a viewer allowed to see every camera.
 */
final class PlaylistUnderTest {
  private final Pool pool;
  private final WebClient client;
  private final int port;
  private final String token;

  private PlaylistUnderTest(Pool pool, WebClient client, int port, String token) {
    this.pool = pool;
    this.client = client;
    this.port = port;
    this.token = token;
  }

  /** Migrates ingest's tables (the index the service reads) and deploys the verticle on {@code vertx}. */
  static PlaylistUnderTest start(Vertx vertx, TestStack env) {
    env.migrateIngest(vertx);
    Pool pool = Database.pool(vertx, env.db());
    var verticle = new PlaylistHttpVerticle(env.config(24));
    await(vertx.deployVerticle(verticle));
    return new PlaylistUnderTest(pool, WebClient.create(vertx), verticle.port(), TestStack.token(vertx, "*"));
  }

  /** The segment index, for tests to register cameras and insert segments. */
  Pool pool() {
    return pool;
  }

  /** GET {@code uri} (a path or an absolute URL the service handed out) as the all-cameras viewer. */
  HttpResponse<Buffer> get(String uri) {
    return await(client.get(port, "127.0.0.1", uri).bearerTokenAuthentication(token).send());
  }

  /** GET {@code /metrics} with the admin token. */
  String metrics() {
    return await(client.get(port, "127.0.0.1", "/metrics").bearerTokenAuthentication(TestStack.ADMIN_TOKEN).send())
        .bodyAsString();
  }

  /**
   * Three contiguous 3 s segments of {@code camera} ending about now: the first is indexed and its live window opened
   * by a playlist request; the other two are left for the test to announce.
   */
  List<Seg> openLiveWindow(String camera) {
    List<Seg> all = contiguous(camera, Instant.now().minusSeconds(20), 3000, 3000, 3000);
    TestStack.insert(pool, all.subList(0, 1));
    get("/playlist.m3u8?camera_id=" + camera);
    return all;
  }
}
