package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;

/**
 * Typed reads of one config section that accept the string form environment variables give, and fail with a
 * {@link ConfigException} naming the full setting. Keys are matched exactly first, then case-insensitively: an
 * environment variable for a key that neither the defaults nor the file spell out arrives in lower case
 * ({@code IPCHLS_S3_ACCESSKEYID} → {@code s3.accesskeyid}) and must still set {@code s3.accessKeyId}.
 */
public final class Settings {
  private final JsonObject json;
  private final String path;

  public Settings(JsonObject json, String path) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
  }

  public static Settings root(JsonObject json) {
    return new Settings(json, "");
  }

  public Settings section(String name) {
    Object v = value(name);
    if (v != null && !(v instanceof JsonObject)) throw new ConfigException(name(name), "must be an object");
    return new Settings((JsonObject) v, name(name));
  }

  /** The value of {@code key}: exact match first, else the first key equal ignoring case. */
  private Object value(String key) {
    Object v = json.getValue(key);
    if (v != null) return v;
    for (String k : json.fieldNames()) {
      if (k.equalsIgnoreCase(key) && json.getValue(k) != null) return json.getValue(k);
    }
    return null;
  }

  public String name(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public String string(String key, String def) {
    Object v = value(key);
    return v == null ? def : v.toString();
  }

  public String requiredString(String key) {
    String v = string(key, null);
    if (v == null || v.isBlank()) throw new ConfigException(name(key), "is required");
    return v;
  }

  public int integer(String key, int def, int min, int max) {
    Object v = value(key);
    if (v == null) return def;
    int n;
    try {
      n = v instanceof Number num ? num.intValue() : Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name(key), "must be an integer, got '" + v + "'");
    }
    if (n < min || n > max) throw new ConfigException(name(key), "must be in [" + min + ", " + max + "], got " + n);
    return n;
  }

  public long longValue(String key, long def, long min, long max) {
    Object v = value(key);
    if (v == null) return def;
    long n;
    try {
      n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name(key), "must be an integer, got '" + v + "'");
    }
    if (n < min || n > max) throw new ConfigException(name(key), "must be in [" + min + ", " + max + "], got " + n);
    return n;
  }

  public boolean bool(String key, boolean def) {
    Object v = value(key);
    if (v == null) return def;
    if (v instanceof Boolean b) return b;
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true")) return true;
    if (s.equalsIgnoreCase("false")) return false;
    throw new ConfigException(name(key), "must be true or false, got '" + v + "'");
  }
}
