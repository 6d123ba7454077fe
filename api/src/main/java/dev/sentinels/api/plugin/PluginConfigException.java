package dev.sentinels.api.plugin;

/** A plugin's configuration is wrong; the message names the field and the fix. */
public class PluginConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PluginConfigException(String message) {
    super(message);
  }
}
