package io.ipchls.kit.config;

import io.vertx.core.json.JsonObject;

/**
 * One setting: its key, its default and, for numbers, its bounds, declared once beside the config that reads it.
 * The defaults a service hands {@link ConfigLoader} are generated from these declarations, never restated.
 */
public sealed interface Setting permits IntSetting, LongSetting, BoolSetting, StringSetting {
  String key();

  /** The default as it appears in a config file (null: unset). */
  Object defaultJson();

  /** A config section holding each setting's default under its key. */
  static JsonObject defaults(Setting... settings) {
    JsonObject json = new JsonObject();
    for (Setting s : settings) json.put(s.key(), s.defaultJson());
    return json;
  }
}
