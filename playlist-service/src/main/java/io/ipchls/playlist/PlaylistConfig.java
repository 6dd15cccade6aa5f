package io.ipchls.playlist;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;

/**
 * playlist-service settings.
 *
 * @param liveWindowSegments how many of the newest segments a live playlist lists
 * @param liveLookbackSeconds a live playlist only lists segments that started this recently (older means "not live")
 * @param presignSeconds the shortest lifetime of a presigned segment URL (longer for long replays)
 * @param maxReplayHours the longest replay range one request may ask for
 */
public record PlaylistConfig(
    HttpConfig http, DbConfig db, S3Config s3, int liveWindowSegments, int liveLookbackSeconds, int presignSeconds,
    int maxReplayHours) {
  /** SigV4 presigned URLs live at most 7 days. */
  public static final int MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

  public PlaylistConfig {
    if (http == null) throw new ConfigException("http", "is required");
    if (db == null) throw new ConfigException("db", "is required");
    if (s3 == null) throw new ConfigException("s3", "is required");
    if (liveWindowSegments < 1) throw new ConfigException("liveWindowSegments", "must be >= 1");
    if (liveLookbackSeconds < 1) throw new ConfigException("liveLookbackSeconds", "must be >= 1");
    if (presignSeconds < 60 || presignSeconds > MAX_PRESIGN_SECONDS) {
      throw new ConfigException("presignSeconds", "must be in [60, " + MAX_PRESIGN_SECONDS + "]");
    }
    if (maxReplayHours < 1) throw new ConfigException("maxReplayHours", "must be >= 1");
  }

  public static PlaylistConfig fromJson(JsonObject json) {
    Settings s = Settings.root(json);
    return new PlaylistConfig(
        HttpConfig.from(s.section("http"), 8080),
        DbConfig.from(s.section("db")),
        S3Config.from(s.section("s3")),
        s.integer("liveWindowSegments", 6, 1, 1000),
        s.integer("liveLookbackSeconds", 120, 1, 86_400),
        s.integer("presignSeconds", 3600, 60, MAX_PRESIGN_SECONDS),
        s.integer("maxReplayHours", 24, 1, 24 * 31));
  }

  /** The keys {@link io.ipchls.kit.config.ConfigLoader} matches environment variables against. */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8080))
        .put("db", new JsonObject().put("host", "127.0.0.1").put("port", 5432).put("database", "ipchls")
            .put("user", "postgres").put("password", "").put("maxPoolSize", 8))
        .put("s3", new JsonObject().put("endpoint", "").put("publicEndpoint", "").put("region", "us-east-1")
            .put("bucket", "ipchls").put("pathStyle", true).put("accessKeyId", "").put("secretAccessKey", ""))
        .put("liveWindowSegments", 6)
        .put("liveLookbackSeconds", 120)
        .put("presignSeconds", 3600)
        .put("maxReplayHours", 24);
  }

  public JsonObject toJson() {
    return new JsonObject().put("http", http.toJson()).put("db", db.toJson()).put("s3", s3.toJson())
        .put("liveWindowSegments", liveWindowSegments).put("liveLookbackSeconds", liveLookbackSeconds)
        .put("presignSeconds", presignSeconds).put("maxReplayHours", maxReplayHours);
  }

  @Override
  public String toString() {
    return "PlaylistConfig[http=" + http + ", db=" + db + ", s3=" + s3 + ", liveWindowSegments=" + liveWindowSegments
        + ", liveLookbackSeconds=" + liveLookbackSeconds + ", presignSeconds=" + presignSeconds
        + ", maxReplayHours=" + maxReplayHours + "]";
  }
}
