package io.ipchls.playlist;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.json.JsonObject;

/**
 * playlist-service settings.
 *
 * @param liveWindowSegments how many of the newest segments a live playlist lists
 * @param liveLookbackSeconds a live playlist only lists segments that started this recently (older means "not live")
 * @param liveRefreshSeconds a watched camera whose live window heard no event for this long catches up from the index
 * @param presignSeconds the shortest lifetime of a presigned segment URL (longer for long replays)
 * @param maxReplayHours the longest range one replay, recordings or timeline request may ask for
 * @param segmentAccess how viewers reach segment bytes
 * @param viewer who may watch: open, or JWT viewer tokens
 * @param adminTokenSha256 SHA-256 of the admin token that may mint viewer tokens (null: no admin API)
 */
public record PlaylistConfig(
    HttpConfig http, DbConfig db, S3Config s3, int liveWindowSegments, int liveLookbackSeconds, int liveRefreshSeconds,
    int presignSeconds, int maxReplayHours, SegmentAccess segmentAccess, ViewerConfig viewer,
    String adminTokenSha256) {
  /** SigV4 presigned URLs live at most 7 days. */
  public static final int MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
  /** Shorter admin tokens are refused: they would be guessable. */
  public static final int MIN_SECRET_CHARS = 32;

  /** How segment URLs in playlists reach the bytes. */
  public enum SegmentAccess {
    /** Presigned S3 GET URLs: viewers fetch straight from the store (no bytes through this service). */
    PRESIGNED,
    /** URLs on this service, which streams the object from S3: for stores viewers cannot reach. */
    PROXY
  }

  /**
   * Viewer authorization.
   *
   * @param open no token needed (a local demo); never the default
   * @param jwtSecret HS256 key of viewer tokens (at least {@value #MIN_SECRET_CHARS} characters) unless open
   * @param defaultTokenSeconds lifetime of a minted token when the request names none
   * @param maxTokenSeconds the longest lifetime a minted token may have
   */
  public record ViewerConfig(boolean open, String jwtSecret, int defaultTokenSeconds, int maxTokenSeconds) {
    public ViewerConfig {
      if (!open && (jwtSecret == null || jwtSecret.length() < MIN_SECRET_CHARS)) {
        throw new ConfigException("viewer.jwtSecret",
            "is required (at least " + MIN_SECRET_CHARS + " characters) unless viewer.open is true");
      }
      if (defaultTokenSeconds < 60 || defaultTokenSeconds > maxTokenSeconds) {
        throw new ConfigException("viewer.defaultTokenSeconds", "must be in [60, viewer.maxTokenSeconds]");
      }
    }

    @Override
    public String toString() {
      return "ViewerConfig[open=" + open + ", jwtSecret=" + (jwtSecret == null ? "none" : "***")
          + ", defaultTokenSeconds=" + defaultTokenSeconds + ", maxTokenSeconds=" + maxTokenSeconds + "]";
    }
  }

  public PlaylistConfig {
    if (http == null) throw new ConfigException("http", "is required");
    if (db == null) throw new ConfigException("db", "is required");
    if (s3 == null) throw new ConfigException("s3", "is required");
    if (segmentAccess == null) throw new ConfigException("segmentAccess", "is required");
    if (viewer == null) throw new ConfigException("viewer", "is required");
    if (liveWindowSegments < 1) throw new ConfigException("liveWindowSegments", "must be >= 1");
    if (liveLookbackSeconds < 1) throw new ConfigException("liveLookbackSeconds", "must be >= 1");
    if (liveRefreshSeconds < 1) throw new ConfigException("liveRefreshSeconds", "must be >= 1");
    if (presignSeconds < 60 || presignSeconds > MAX_PRESIGN_SECONDS) {
      throw new ConfigException("presignSeconds", "must be in [60, " + MAX_PRESIGN_SECONDS + "]");
    }
    if (maxReplayHours < 1) throw new ConfigException("maxReplayHours", "must be >= 1");
  }

  public static PlaylistConfig fromJson(JsonObject json) {
    Settings s = Settings.root(json);
    Settings v = s.section("viewer");
    String adminToken = s.string("adminToken", null);
    if (adminToken != null && adminToken.length() < MIN_SECRET_CHARS) {
      throw new ConfigException("adminToken", "must be at least " + MIN_SECRET_CHARS + " characters");
    }
    String access = s.string("segmentAccess", "presigned");
    SegmentAccess segmentAccess = switch (access) {
      case "presigned" -> SegmentAccess.PRESIGNED;
      case "proxy" -> SegmentAccess.PROXY;
      default -> throw new ConfigException("segmentAccess", "must be 'presigned' or 'proxy', got: " + access);
    };
    return new PlaylistConfig(
        HttpConfig.from(s.section("http"), 8080),
        DbConfig.from(s.section("db")),
        S3Config.from(s.section("s3")),
        s.integer("liveWindowSegments", 6, 1, 1000),
        s.integer("liveLookbackSeconds", 120, 1, 86_400),
        s.integer("liveRefreshSeconds", 10, 1, 86_400),
        s.integer("presignSeconds", 3600, 60, MAX_PRESIGN_SECONDS),
        s.integer("maxReplayHours", 24, 1, 24 * 31),
        segmentAccess,
        new ViewerConfig(v.bool("open", false), v.string("jwtSecret", null),
            v.integer("defaultTokenSeconds", 3600, 60, 366 * 86_400),
            v.integer("maxTokenSeconds", 30 * 86_400, 60, 366 * 86_400)),
        adminToken == null ? null : Sha256.hex(adminToken));
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
        .put("liveRefreshSeconds", 10)
        .put("presignSeconds", 3600)
        .put("maxReplayHours", 24)
        .put("segmentAccess", "presigned")
        .put("adminToken", null)
        .put("viewer", new JsonObject().put("open", false).put("jwtSecret", null)
            .put("defaultTokenSeconds", 3600).put("maxTokenSeconds", 30 * 86_400));
  }

  @Override
  public String toString() {
    return "PlaylistConfig[http=" + http + ", db=" + db + ", s3=" + s3 + ", liveWindowSegments=" + liveWindowSegments
        + ", liveLookbackSeconds=" + liveLookbackSeconds + ", liveRefreshSeconds=" + liveRefreshSeconds
        + ", presignSeconds=" + presignSeconds
        + ", maxReplayHours=" + maxReplayHours + ", segmentAccess=" + segmentAccess + ", viewer=" + viewer
        + ", adminToken=" + (adminTokenSha256 == null ? "none" : "***") + "]";
  }
}
