package org.siteconnect.gateway.config;

/** A configuration value is missing, of the wrong type or out of range; the message names the key. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String problem) {
    super("config key '" + key + "': " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
