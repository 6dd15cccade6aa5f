package io.ipchls.kit.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a service's configuration: an optional JSON file, then environment variables {@code IPCHLS_<A>_<B>...} that
 * override the nested setting {@code a.b} (matched case-insensitively against the keys the defaults or the file
 * already have, so {@code IPCHLS_S3_ACCESSKEYID} sets {@code s3.accessKeyId}).
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "IPCHLS_";

  private ConfigLoader() {}

  /** defaults ← file (if given) ← environment. */
  public static JsonObject load(JsonObject defaults, Path file, Map<String, String> env) {
    JsonObject cfg = defaults.copy();
    if (file != null) deepMerge(cfg, readFile(file));
    applyEnv(cfg, env);
    return cfg;
  }

  public static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("config file " + file, "cannot read: " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException("config file " + file, "not valid JSON: " + e.getMessage());
    }
  }

  public static void deepMerge(JsonObject into, JsonObject from) {
    for (String k : from.fieldNames()) {
      Object v = from.getValue(k);
      if (v instanceof JsonObject o && into.getValue(k) instanceof JsonObject existing) {
        deepMerge(existing, o);
      } else {
        into.put(k, v);
      }
    }
  }

  static void applyEnv(JsonObject cfg, Map<String, String> env) {
    env.forEach((name, value) -> {
      if (!name.startsWith(ENV_PREFIX) || name.equals("IPCHLS_CONFIG")) return;
      String[] path = name.substring(ENV_PREFIX.length()).split("_");
      JsonObject node = cfg;
      for (int i = 0; i < path.length - 1; i++) {
        String key = matchKey(node, path[i]);
        Object child = node.getValue(key);
        if (!(child instanceof JsonObject)) {
          child = new JsonObject();
          node.put(key, child);
        }
        node = (JsonObject) child;
      }
      node.put(matchKey(node, path[path.length - 1]), value);
    });
  }

  private static String matchKey(JsonObject node, String envPart) {
    for (String k : node.fieldNames()) {
      if (k.equalsIgnoreCase(envPart)) return k;
    }
    return envPart.toLowerCase(Locale.ROOT);
  }
}
