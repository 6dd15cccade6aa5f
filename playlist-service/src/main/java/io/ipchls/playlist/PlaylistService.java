package io.ipchls.playlist;

import io.ipchls.playlist.http.PlaylistHttpVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Deploys playlist-service's verticle on a (clustered) Vert.x; safe to run beside the other services. */
public final class PlaylistService {
  private PlaylistService() {}

  /**
   * playlist-service owns no tables: it reads ingest-service's read views {@code ingest.segments_v1},
   * {@code ingest.live_sequence_v1} and {@code ingest.recordings_v1} and credential-service's
   * {@code credential.cameras_v1}. Until those views exist its
   * requests fail with 500 and {@code /health} stays up (it only checks the connection).
   */
  public static Future<Void> deploy(Vertx vertx, PlaylistConfig config) {
    return vertx.deployVerticle(new PlaylistHttpVerticle(config)).mapEmpty();
  }
}
