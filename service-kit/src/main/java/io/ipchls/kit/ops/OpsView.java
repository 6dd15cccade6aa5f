package io.ipchls.kit.ops;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.ipchls.kit.cluster.Cluster;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.http.BearerTokenAuth;
import io.ipchls.kit.http.Routes;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.OpsSnapshot;
import io.ipchls.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as any instance sees it, read through the cluster: Hazelcast's member list joined with the ops
 * snapshots every instance publishes ({@link OpsReporter}) and the cameras-online map. Served by every service at
 * {@code GET /ops/v1/status} and {@code GET /ops/v1/members} (admin bearer token), so asking any one is enough.
 */
public final class OpsView {
  private static final Logger LOG = LoggerFactory.getLogger(OpsView.class);
  public static final String STATUS = "/ops/v1/status";
  public static final String MEMBERS = "/ops/v1/members";

  private final Vertx vertx;

  public OpsView(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Adds the ops routes behind the admin token (lower-case hex SHA-256). */
  public void mount(Router router, String adminTokenSha256) {
    BearerTokenAuth auth = new BearerTokenAuth(adminTokenSha256, "admin");
    router.get(STATUS).handler(auth).handler(ctx -> reply(ctx, status()));
    router.get(MEMBERS).handler(auth).handler(ctx -> reply(ctx, status().map(s -> new JsonObject()
        .put("cluster", s.getJsonObject("cluster")))));
  }

  /** Adds the ops routes without a token: only for an admin listener ({@code http.adminPort}). */
  public void mountOnAdminListener(Router router) {
    router.get(STATUS).handler(ctx -> reply(ctx, status()));
    router.get(MEMBERS).handler(ctx -> reply(ctx, status().map(s -> new JsonObject()
        .put("cluster", s.getJsonObject("cluster")))));
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> body) {
    body.onSuccess(b -> Routes.end(ctx.response().putHeader("content-type", "application/json"), b.encodePrettily()))
        .onFailure(ctx::fail);
  }

  /** The whole view: {@code {cluster: {name, size, members}, instances: [...], cameras: {online}, summary}}. */
  public Future<JsonObject> status() {
    Future<List<OpsSnapshot>> instances = this.<Object>map(ClusterNames.OPS_INSTANCES)
        .compose(AsyncMap::entries)
        .map(OpsView::sorted);
    Future<Integer> online = this.<Object>map(ClusterNames.CAMERAS_ONLINE).compose(AsyncMap::size);
    return Future.all(instances, online).map(x -> build(instances.result(), online.result()));
  }

  private JsonObject build(List<OpsSnapshot> instances, int camerasOnline) {
    JsonObject cluster = members(instances);
    List<String> present = cluster.getJsonArray("members").stream()
        .map(m -> ((JsonObject) m).getString("id")).toList();
    JsonArray list = new JsonArray();
    int healthy = 0;
    for (OpsSnapshot i : instances) {
      boolean member = present.contains(i.member());
      if (i.healthy() && member) healthy++;
      list.add(ClusterMessages.toJson(i).put("memberPresent", member));
    }
    return new JsonObject()
        .put("cluster", cluster)
        .put("instances", list)
        .put("cameras", new JsonObject().put("online", camerasOnline))
        .put("summary", new JsonObject().put("members", cluster.getJsonArray("members").size())
            .put("instances", instances.size()).put("healthy", healthy)
            .put("status", healthy == instances.size() && !instances.isEmpty() ? "UP" : "DEGRADED"));
  }

  private JsonObject members(List<OpsSnapshot> instances) {
    Optional<HazelcastInstance> hz = Cluster.hazelcast(vertx);
    JsonArray members = new JsonArray();
    String name = "local";
    if (hz.isPresent()) {
      name = hz.get().getConfig().getClusterName();
      for (Member m : hz.get().getCluster().getMembers()) {
        members.add(member(m.getUuid().toString(), m.getAddress().getHost() + ":" + m.getAddress().getPort(),
            m.getVersion().toString(), m.localMember(), instances));
      }
    } else {
      members.add(member("local", "in-process", "-", true, instances));
    }
    return new JsonObject().put("name", name).put("size", members.size()).put("members", members);
  }

  private static JsonObject member(String id, String address, String hzVersion, boolean local,
      List<OpsSnapshot> instances) {
    JsonArray services = new JsonArray();
    instances.stream().filter(i -> id.equals(i.member())).forEach(i -> services.add(i.service()));
    return new JsonObject().put("id", id).put("address", address).put("hazelcastVersion", hzVersion)
        .put("local", local).put("services", services);
  }

  /** The snapshots by service and instance; one that cannot be read is logged and left out, never fails the view. */
  private static List<OpsSnapshot> sorted(Map<String, Object> entries) {
    List<OpsSnapshot> list = new ArrayList<>(entries.size());
    entries.forEach((instance, value) -> {
      try {
        list.add(ClusterMessages.fromJson(value, OpsSnapshot.class));
      } catch (ProtocolException e) {
        LOG.warn("ops snapshot of {} left out: {}", instance, e.getMessage());
      }
    });
    list.sort(Comparator.comparing((OpsSnapshot s) -> Objects.requireNonNullElse(s.service(), ""))
        .thenComparing(s -> Objects.requireNonNullElse(s.instance(), "")));
    return list;
  }

  private <V> Future<AsyncMap<String, V>> map(String name) {
    return vertx.sharedData().getAsyncMap(name);
  }
}
