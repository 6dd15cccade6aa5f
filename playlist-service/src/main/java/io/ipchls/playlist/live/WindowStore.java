package io.ipchls.playlist.live;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ipchls.kit.cluster.Cluster;
import io.ipchls.kit.live.LiveSegment;
import io.ipchls.kit.live.LiveWindowProcessors.Append;
import io.ipchls.kit.live.LiveWindowProcessors.InitIfAbsent;
import io.ipchls.kit.live.LiveWindowState;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where live windows are kept: the Hazelcast map {@link ClusterNames#LIVE_WINDOWS} (changed only by entry processors,
 * so every playlist instance sees the same window), or this process's memory when Vert.x is not clustered.
 */
interface WindowStore {
  Future<LiveWindowState> get(String cameraId);

  /** Stores {@code loaded} unless a window exists; the window now stored. */
  Future<LiveWindowState> initIfAbsent(String cameraId, LiveWindowState loaded);

  /** The window after appending, or null when there is none. */
  Future<LiveWindowState> append(String cameraId, List<LiveSegment> segments, long nowMs);

  /** The same, completing on whatever thread the store answers on (for work that touches only thread-safe state). */
  CompletionStage<LiveWindowState> appendAnywhere(String cameraId, List<LiveSegment> segments, long nowMs);

  static WindowStore create(Vertx vertx, Context context) {
    return Cluster.hazelcast(vertx).<WindowStore>map(hz -> new Clustered(hz, context)).orElseGet(Local::new);
  }

  /** The cluster map; results come back on the verticle's context. */
  final class Clustered implements WindowStore {
    private final IMap<String, LiveWindowState> map;
    private final Context context;

    Clustered(HazelcastInstance hz, Context context) {
      this.map = hz.getMap(ClusterNames.LIVE_WINDOWS);
      this.context = context;
    }

    @Override
    public Future<LiveWindowState> get(String cameraId) {
      return Future.fromCompletionStage(map.getAsync(cameraId), context);
    }

    @Override
    public Future<LiveWindowState> initIfAbsent(String cameraId, LiveWindowState loaded) {
      return Future.fromCompletionStage(map.submitToKey(cameraId, new InitIfAbsent(loaded)), context);
    }

    @Override
    public Future<LiveWindowState> append(String cameraId, List<LiveSegment> segments, long nowMs) {
      return Future.fromCompletionStage(appendAnywhere(cameraId, segments, nowMs), context);
    }

    @Override
    public CompletionStage<LiveWindowState> appendAnywhere(String cameraId, List<LiveSegment> segments, long nowMs) {
      return map.submitToKey(cameraId, new Append(segments, nowMs));
    }
  }

  /** One process, no cluster (tests that run playlist-service on a plain Vert.x). */
  final class Local implements WindowStore {
    private final Map<String, LiveWindowState> map = new ConcurrentHashMap<>();

    @Override
    public Future<LiveWindowState> get(String cameraId) {
      return Future.succeededFuture(map.get(cameraId));
    }

    @Override
    public Future<LiveWindowState> initIfAbsent(String cameraId, LiveWindowState loaded) {
      return Future.succeededFuture(map.computeIfAbsent(cameraId, k -> loaded));
    }

    @Override
    public Future<LiveWindowState> append(String cameraId, List<LiveSegment> segments, long nowMs) {
      return Future.succeededFuture(map.computeIfPresent(cameraId, (k, w) -> w.append(segments, nowMs)));
    }

    @Override
    public CompletionStage<LiveWindowState> appendAnywhere(String cameraId, List<LiveSegment> segments, long nowMs) {
      return CompletableFuture.completedFuture(map.computeIfPresent(cameraId, (k, w) -> w.append(segments, nowMs)));
    }
  }
}
