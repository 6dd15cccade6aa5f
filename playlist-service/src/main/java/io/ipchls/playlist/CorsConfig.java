package io.ipchls.playlist;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import io.ipchls.kit.config.StringSetting;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which web origins may read playlist-service's answers from their pages (CORS). Viewers authenticate with a token
 * they send themselves (a header or {@code ?token=}), never with cookies, so an allowed origin gains nothing its page
 * does not already hold; the allow-list decides whose web apps may embed playback at all. Only GET and HEAD (and their
 * preflights) are ever allowed cross-origin: minting tokens stays a server-to-server call.
 *
 * @param anyOrigin {@code "*"}: every origin (the local demo's choice)
 * @param origins the exact origins allowed ({@code scheme://host[:port]}, lower case), empty with {@code anyOrigin}
 */
public record CorsConfig(boolean anyOrigin, Set<String> origins) {
  /** Same-origin only: no CORS answers at all (the default of a service started on its own). */
  public static final CorsConfig NONE = new CorsConfig(false, Set.of());
  public static final CorsConfig ANY = new CorsConfig(true, Set.of());
  public static final String ANY_ORIGIN = "*";
  /** In the {@code cors} section: comma-separated origins, or {@code *}; empty = same-origin only. */
  public static final StringSetting ALLOWED_ORIGINS = StringSetting.named("allowedOrigins").byDefault("");
  /** scheme://host[:port] with a DNS name, an IPv4 address or a bracketed IPv6 address; no path. */
  private static final Pattern ORIGIN =
      Pattern.compile("https?://([a-z0-9.\\-]+|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?");

  public CorsConfig {
    origins = Set.copyOf(origins);
    if (anyOrigin && !origins.isEmpty()) throw new ConfigException("cors.allowedOrigins", "'*' stands alone");
  }

  public boolean allows(String origin) {
    return anyOrigin || origins.contains(origin);
  }

  public boolean enabled() {
    return anyOrigin || !origins.isEmpty();
  }

  public static CorsConfig from(Settings cors) {
    return parse(ALLOWED_ORIGINS.read(cors));
  }

  /** {@code "*"}, or origins separated by commas (a trailing slash is dropped, case is folded). */
  public static CorsConfig parse(String list) {
    if (list == null || list.isBlank()) return NONE;
    if (list.trim().equals(ANY_ORIGIN)) return ANY;
    Set<String> origins = new LinkedHashSet<>();
    for (String raw : list.split(",")) {
      String o = raw.trim().toLowerCase(Locale.ROOT);
      if (o.endsWith("/")) o = o.substring(0, o.length() - 1);
      if (o.isEmpty()) continue;
      if (o.equals(ANY_ORIGIN)) {
        throw new ConfigException("cors.allowedOrigins", "'*' cannot be mixed with origins: " + list);
      }
      if (!ORIGIN.matcher(o).matches()) {
        throw new ConfigException("cors.allowedOrigins",
            "not an origin (scheme://host[:port], no path): " + raw.trim());
      }
      origins.add(o);
    }
    return new CorsConfig(false, origins);
  }

  @Override
  public String toString() {
    return anyOrigin ? ANY_ORIGIN : String.join(",", origins);
  }
}
