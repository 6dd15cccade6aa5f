package io.ipchls.kit.config;

/** A setting is missing or wrong; the message names the setting so start-up can stop with it. */
public class ConfigException extends RuntimeException {
  public ConfigException(String setting, String problem) {
    super("bad configuration: " + setting + ": " + problem);
  }
}
