package io.ipchls.kit.config;

/** An integer setting: {@code IntSetting.named("retentionDays").byDefault(7).atLeast(1).atMost(36_500)}. */
public record IntSetting(String key, int defaultValue, int min, int max) implements Setting {
  public static IntSetting named(String key) {
    return new IntSetting(key, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  public IntSetting byDefault(int value) {
    return new IntSetting(key, value, min, max);
  }

  public IntSetting atLeast(int bound) {
    return new IntSetting(key, defaultValue, bound, max);
  }

  public IntSetting atMost(int bound) {
    return new IntSetting(key, defaultValue, min, bound);
  }

  /** A TCP port: 1..65535 ({@code 0} allowed too with {@code atLeast(0)}, for a free port). */
  public static IntSetting port(String key, int byDefault) {
    return named(key).byDefault(byDefault).atLeast(1).atMost(65_535);
  }

  /** The value in {@code s}, or the default; out of bounds fails naming the setting. */
  public int read(Settings s) {
    return s.integer(key, defaultValue, min, max);
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }
}
