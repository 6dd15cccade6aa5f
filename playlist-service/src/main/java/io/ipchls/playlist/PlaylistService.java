package io.ipchls.playlist;

import io.ipchls.playlist.events.SegmentsIndexedVerticle;
import io.ipchls.playlist.http.PlaylistHttpVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Deploys playlist-service's verticles on a (clustered) Vert.x; safe to run beside the other services. */
public final class PlaylistService {
  private PlaylistService() {}

  /**
   * playlist-service owns no tables yet: it reads {@code ingest.segments}, which ingest-service migrates. Until that
   * schema exists playlist requests fail with 500 and {@code /health} stays up (it only checks the connection).
   */
  public static Future<Void> deploy(Vertx vertx, PlaylistConfig config) {
    return vertx.deployVerticle(new SegmentsIndexedVerticle(Clock.systemUTC()))
        .compose(id -> vertx.deployVerticle(new PlaylistHttpVerticle(config)))
        .mapEmpty();
  }
}
