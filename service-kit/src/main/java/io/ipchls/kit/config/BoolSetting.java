package io.ipchls.kit.config;

/** A true/false setting: {@code BoolSetting.named("verifyObjects").byDefault(false)}. */
public record BoolSetting(String key, boolean defaultValue) implements Setting {
  public static BoolSetting named(String key) {
    return new BoolSetting(key, false);
  }

  public BoolSetting byDefault(boolean value) {
    return new BoolSetting(key, value);
  }

  public boolean read(Settings s) {
    return s.bool(key, defaultValue);
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }
}
