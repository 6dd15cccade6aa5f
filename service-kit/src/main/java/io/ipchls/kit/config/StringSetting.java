package io.ipchls.kit.config;

/** A text setting; without {@code byDefault} it is unset (null) unless read with {@link #readRequired}. */
public record StringSetting(String key, String defaultValue) implements Setting {
  public static StringSetting named(String key) {
    return new StringSetting(key, null);
  }

  public StringSetting byDefault(String value) {
    return new StringSetting(key, value);
  }

  public String read(Settings s) {
    return s.string(key, defaultValue);
  }

  /** The value, which must be present and not blank (a default does not count: secrets have none). */
  public String readRequired(Settings s) {
    return s.requiredString(key);
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }
}
