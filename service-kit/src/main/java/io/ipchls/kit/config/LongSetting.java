package io.ipchls.kit.config;

/** A long setting, declared like {@link IntSetting}. */
public record LongSetting(String key, long defaultValue, long min, long max) implements Setting {
  public static LongSetting named(String key) {
    return new LongSetting(key, 0, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public LongSetting byDefault(long value) {
    return new LongSetting(key, value, min, max);
  }

  public LongSetting atLeast(long bound) {
    return new LongSetting(key, defaultValue, bound, max);
  }

  public LongSetting atMost(long bound) {
    return new LongSetting(key, defaultValue, min, bound);
  }

  public long read(Settings s) {
    return s.longValue(key, defaultValue, min, max);
  }

  @Override
  public Object defaultJson() {
    return defaultValue;
  }
}
