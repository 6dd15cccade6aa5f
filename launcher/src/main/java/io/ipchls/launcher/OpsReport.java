package io.ipchls.launcher;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The ops API's JSON as text for a terminal ({@code ipc-hls ops status|members}). */
final class OpsReport {
  private OpsReport() {}

  static String status(JsonObject s) {
    JsonObject summary = s.getJsonObject("summary");
    JsonObject cluster = s.getJsonObject("cluster");
    StringBuilder b = new StringBuilder();
    b.append(String.format("cluster %s: %s — %d member(s), %d service instance(s), %d healthy%n",
        cluster.getString("name"), summary.getString("status"), summary.getInteger("members"),
        summary.getInteger("instances"), summary.getInteger("healthy")));
    b.append(String.format("cameras online: %d%n%n", s.getJsonObject("cameras").getInteger("online")));
    b.append(members(cluster)).append('\n');
    b.append(String.format("%-20s %-29s %-9s %-6s %-9s %-15s %s%n", "SERVICE", "INSTANCE", "MEMBER", "HEALTH",
        "UPTIME", "VERSION", "ENDPOINT"));
    for (Object o : s.getJsonArray("instances")) {
      JsonObject i = (JsonObject) o;
      JsonObject health = i.getJsonObject("health", new JsonObject());
      String state = i.getBoolean("memberPresent", false) ? health.getString("status", "?") : "GONE";
      b.append(String.format("%-20s %-29s %-9s %-6s %-9s %-15s %s:%d%n", i.getString("service"),
          i.getString("instance"), shortId(i.getString("member")), state, uptime(i.getLong("uptimeMs", 0L)),
          i.getString("version"), i.getString("host"), i.getInteger("httpPort", -1)));
      health.getJsonObject("checks", new JsonObject()).forEach(c -> {
        if (!"UP".equals(c.getValue())) b.append(String.format("    check %s: %s%n", c.getKey(), c.getValue()));
      });
      String figures = figures(i.getString("service", ""), i.getJsonObject("stats", new JsonObject()));
      if (!figures.isEmpty()) b.append("    ").append(figures).append('\n');
    }
    return b.toString();
  }

  static String members(JsonObject cluster) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-37s %-22s %-10s %s%n", "MEMBER", "ADDRESS", "HAZELCAST", "SERVICES"));
    for (Object o : cluster.getJsonArray("members")) {
      JsonObject m = (JsonObject) o;
      String services = String.join(", ", m.getJsonArray("services").stream().map(String::valueOf).toList());
      b.append(String.format("%-37s %-22s %-10s %s%s%n", m.getString("id"), m.getString("address"),
          m.getString("hazelcastVersion"), services.isEmpty() ? "-" : services,
          m.getBoolean("local", false) ? "  (answered)" : ""));
    }
    return b.toString();
  }

  private static String figures(String service, JsonObject st) {
    return switch (service) {
      case "ingest-service" -> String.format("segments indexed %d, duplicate %d, rejected %d | queued %d, lag %d ms"
              + " (last batch)%s | retention: %s", st.getLong("segmentsIndexed", 0L), st.getLong("segmentsDuplicate", 0L),
          st.getLong("segmentsRejected", 0L), st.getLong("queued", 0L), st.getLong("lagMs", 0L),
          st.getLong("lastCommitAt") == null ? ", nothing committed yet" : "", retention(st.getJsonObject("retention")));
      case "credential-service" -> String.format("credentials issued %d (%.2f/s), refused %d (%.2f/s)%s | broker "
              + "logins accepted %d, refused %d | cameras report %d segments uploaded, %d dropped",
          st.getLong("credentialsIssued", 0L), st.getDouble("issuedPerSecond", 0.0),
          st.getLong("credentialsRefused", 0L), st.getDouble("refusedPerSecond", 0.0),
          reasons(st.getJsonObject("refusedByReason", new JsonObject())), st.getLong("brokerLoginsAccepted", 0L),
          st.getLong("brokerLoginsRefused", 0L), st.getLong("cameraSegmentsUploaded", 0L),
          st.getLong("cameraSegmentsDropped", 0L));
      case "playlist-service" -> String.format("live windows served here %d | requests %s",
          st.getInteger("liveWindowsMirrored", 0), st.getJsonObject("requests", new JsonObject()).getMap());
      default -> st.isEmpty() ? "" : st.encode();
    };
  }

  private static String retention(JsonObject r) {
    if (r == null) return "off";
    String at = r.getLong("at") == null ? "" : " at " + Instant.ofEpochMilli(r.getLong("at"));
    return String.format("%s%s, %d segment(s) deleted, %d partition(s) dropped; %d expired since start",
        r.getString("state"), at, r.getInteger("segmentsDeleted", 0), r.getInteger("partitionsDropped", 0),
        r.getLong("segmentsExpired", 0L));
  }

  private static String reasons(JsonObject byReason) {
    if (byReason.isEmpty()) return "";
    StringBuilder b = new StringBuilder(" [");
    for (Map.Entry<String, Object> e : byReason) b.append(b.length() > 2 ? ", " : "").append(e.getKey()).append(' ')
        .append(e.getValue());
    return b.append(']').toString();
  }

  private static String shortId(String id) {
    return id == null ? "-" : id.length() > 8 ? id.substring(0, 8) : id;
  }

  static String uptime(long ms) {
    Duration d = Duration.ofMillis(ms);
    if (d.toHours() > 0) return d.toHours() + "h" + d.toMinutesPart() + "m";
    if (d.toMinutes() > 0) return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    return d.toSeconds() + "s";
  }
}
