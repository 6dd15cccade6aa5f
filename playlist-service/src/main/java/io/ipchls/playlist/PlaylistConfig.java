package io.ipchls.playlist;

import io.ipchls.kit.config.BoolSetting;
import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.config.Setting;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.config.StringSetting;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.protocol.SegmentDuration;
import io.vertx.core.json.JsonObject;

/**
 * playlist-service settings.
 *
 * @param liveWindowSegments how many of the newest segments a live playlist lists
 * @param liveLookbackSeconds a live playlist only lists segments that started this recently (older means "not live")
 * @param liveRefreshSeconds a watched camera whose live window heard no event for this long catches up from the index
 * @param liveTargetDurationSeconds the live EXT-X-TARGETDURATION of cameras that do not announce the segment length
 *     they are configured for (older SDKs); a camera that does gets its own (issue 18 item 7)
 * @param presignSeconds the shortest lifetime of a presigned segment URL (longer for long replays)
 * @param maxReplayHours the longest range one replay, recordings or timeline request may ask for
 * @param segmentAccess how viewers reach segment bytes
 * @param viewer who may watch: open, or JWT viewer tokens
 * @param adminTokenSha256 SHA-256 of the admin token that may mint viewer tokens (null: no admin API)
 * @param cors the web origins whose pages may read the answers (section {@code cors})
 * @param exports clip export jobs (section {@code exports})
 */
public record PlaylistConfig(
    HttpConfig http, DbConfig db, S3Config s3, int liveWindowSegments, int liveLookbackSeconds, int liveRefreshSeconds,
    int liveTargetDurationSeconds, int presignSeconds, int maxReplayHours, SegmentAccess segmentAccess,
    ViewerConfig viewer, String adminTokenSha256, CorsConfig cors, ExportConfig exports) {
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

  /** The settings with clip export jobs at their defaults. */
  public PlaylistConfig(HttpConfig http, DbConfig db, S3Config s3, int liveWindowSegments, int liveLookbackSeconds,
      int liveRefreshSeconds, int liveTargetDurationSeconds, int presignSeconds, int maxReplayHours,
      SegmentAccess segmentAccess, ViewerConfig viewer, String adminTokenSha256, CorsConfig cors) {
    this(http, db, s3, liveWindowSegments, liveLookbackSeconds, liveRefreshSeconds, liveTargetDurationSeconds,
        presignSeconds, maxReplayHours, segmentAccess, viewer, adminTokenSha256, cors, ExportConfig.defaults());
  }

  public PlaylistConfig {
    if (exports == null) throw new ConfigException("exports", "is required");
    if (http == null) throw new ConfigException("http", "is required");
    if (db == null) throw new ConfigException("db", "is required");
    if (s3 == null) throw new ConfigException("s3", "is required");
    if (segmentAccess == null) throw new ConfigException("segmentAccess", "is required");
    if (viewer == null) throw new ConfigException("viewer", "is required");
    if (cors == null) throw new ConfigException("cors", "is required");
    if (liveWindowSegments < 1) throw new ConfigException("liveWindowSegments", "must be >= 1");
    if (liveLookbackSeconds < 1) throw new ConfigException("liveLookbackSeconds", "must be >= 1");
    if (liveRefreshSeconds < 1) throw new ConfigException("liveRefreshSeconds", "must be >= 1");
    if (!SegmentDuration.isValidTargetSeconds(liveTargetDurationSeconds)) {
      throw new ConfigException("liveTargetDurationSeconds",
          "must be in [" + SegmentDuration.MIN_SECONDS + ", " + SegmentDuration.MAX_SECONDS + "]");
    }
    if (presignSeconds < 60 || presignSeconds > MAX_PRESIGN_SECONDS) {
      throw new ConfigException("presignSeconds", "must be in [60, " + MAX_PRESIGN_SECONDS + "]");
    }
    if (maxReplayHours < 1) throw new ConfigException("maxReplayHours", "must be >= 1");
  }

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final IntSetting LIVE_WINDOW_SEGMENTS = IntSetting.named("liveWindowSegments").byDefault(6)
      .atLeast(1).atMost(1000);
  public static final IntSetting LIVE_LOOKBACK_SECONDS = IntSetting.named("liveLookbackSeconds").byDefault(120)
      .atLeast(1).atMost(86_400);
  public static final IntSetting LIVE_REFRESH_SECONDS = IntSetting.named("liveRefreshSeconds").byDefault(10)
      .atLeast(1).atMost(86_400);
  /**
   * The SDK's default 3 s segments are cut at the first key frame after 3 s: with GOPs up to 1.5 s they stay under
   * 4.5 s, which rounds to 4.
   */
  public static final IntSetting LIVE_TARGET_DURATION_SECONDS = IntSetting.named("liveTargetDurationSeconds")
      .byDefault(SegmentDuration.DEFAULT_SECONDS + 1).atLeast(SegmentDuration.MIN_SECONDS)
      .atMost(SegmentDuration.MAX_SECONDS);
  public static final IntSetting PRESIGN_SECONDS = IntSetting.named("presignSeconds").byDefault(3600).atLeast(60)
      .atMost(MAX_PRESIGN_SECONDS);
  public static final IntSetting MAX_REPLAY_HOURS = IntSetting.named("maxReplayHours").byDefault(24).atLeast(1)
      .atMost(24 * 31);
  /** {@code presigned} or {@code proxy}, see {@link SegmentAccess}. */
  public static final StringSetting SEGMENT_ACCESS = StringSetting.named("segmentAccess").byDefault("presigned");
  /** No default: without one there is no admin API. */
  public static final StringSetting ADMIN_TOKEN = StringSetting.named("adminToken");
  /** In the {@code viewer} section: never open by default. */
  public static final BoolSetting VIEWER_OPEN = BoolSetting.named("open").byDefault(false);
  public static final StringSetting VIEWER_JWT_SECRET = StringSetting.named("jwtSecret");
  public static final IntSetting VIEWER_DEFAULT_TOKEN_SECONDS = IntSetting.named("defaultTokenSeconds")
      .byDefault(3600).atLeast(60).atMost(366 * 86_400);
  public static final IntSetting VIEWER_MAX_TOKEN_SECONDS = IntSetting.named("maxTokenSeconds")
      .byDefault(30 * 86_400).atLeast(60).atMost(366 * 86_400);

  public static PlaylistConfig fromJson(JsonObject json) {
    Settings s = Settings.root(json);
    Settings viewer = s.section("viewer");
    String adminToken = ADMIN_TOKEN.read(s);
    if (adminToken != null && adminToken.length() < MIN_SECRET_CHARS) {
      throw new ConfigException("adminToken", "must be at least " + MIN_SECRET_CHARS + " characters");
    }
    SegmentAccess segmentAccess = segmentAccess(SEGMENT_ACCESS.read(s));
    return new PlaylistConfig(
        HttpConfig.from(s.section("http"), DEFAULT_HTTP_PORT),
        DbConfig.from(s.section("db")),
        S3Config.from(s.section("s3")),
        LIVE_WINDOW_SEGMENTS.read(s),
        LIVE_LOOKBACK_SECONDS.read(s),
        LIVE_REFRESH_SECONDS.read(s),
        LIVE_TARGET_DURATION_SECONDS.read(s),
        PRESIGN_SECONDS.read(s),
        MAX_REPLAY_HOURS.read(s),
        segmentAccess,
        viewer(viewer),
        adminToken == null ? null : Sha256.hex(adminToken),
        CorsConfig.from(s.section("cors")),
        ExportConfig.from(s.section("exports")));
  }

  /** The same settings with other CORS origins. */
  public PlaylistConfig withCors(CorsConfig origins) {
    return new PlaylistConfig(http, db, s3, liveWindowSegments, liveLookbackSeconds, liveRefreshSeconds,
        liveTargetDurationSeconds, presignSeconds, maxReplayHours, segmentAccess, viewer, adminTokenSha256, origins,
        exports);
  }

  private static SegmentAccess segmentAccess(String access) {
    return switch (access) {
      case "presigned" -> SegmentAccess.PRESIGNED;
      case "proxy" -> SegmentAccess.PROXY;
      default -> throw new ConfigException("segmentAccess", "must be 'presigned' or 'proxy', got: " + access);
    };
  }

  private static ViewerConfig viewer(Settings v) {
    return new ViewerConfig(VIEWER_OPEN.read(v), VIEWER_JWT_SECRET.read(v), VIEWER_DEFAULT_TOKEN_SECONDS.read(v),
        VIEWER_MAX_TOKEN_SECONDS.read(v));
  }

  /** The keys {@link io.ipchls.kit.config.ConfigLoader} matches environment variables against. */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("http", HttpConfig.defaults(DEFAULT_HTTP_PORT))
        .put("db", DbConfig.defaults())
        .put("s3", S3Config.defaults())
        .mergeIn(Setting.defaults(LIVE_WINDOW_SEGMENTS, LIVE_LOOKBACK_SECONDS, LIVE_REFRESH_SECONDS,
            LIVE_TARGET_DURATION_SECONDS, PRESIGN_SECONDS, MAX_REPLAY_HOURS, SEGMENT_ACCESS, ADMIN_TOKEN))
        .put("viewer", Setting.defaults(VIEWER_OPEN, VIEWER_JWT_SECRET, VIEWER_DEFAULT_TOKEN_SECONDS,
            VIEWER_MAX_TOKEN_SECONDS))
        .put("cors", Setting.defaults(CorsConfig.ALLOWED_ORIGINS))
        .put("exports", ExportConfig.defaultsJson());
  }

  @Override
  public String toString() {
    return "PlaylistConfig[http=" + http + ", db=" + db + ", s3=" + s3 + ", liveWindowSegments=" + liveWindowSegments
        + ", liveLookbackSeconds=" + liveLookbackSeconds + ", liveRefreshSeconds=" + liveRefreshSeconds
        + ", liveTargetDurationSeconds=" + liveTargetDurationSeconds
        + ", presignSeconds=" + presignSeconds
        + ", maxReplayHours=" + maxReplayHours + ", segmentAccess=" + segmentAccess + ", viewer=" + viewer
        + ", adminToken=" + (adminTokenSha256 == null ? "none" : "***") + ", cors=" + cors + ", exports=" + exports
        + "]";
  }
}
