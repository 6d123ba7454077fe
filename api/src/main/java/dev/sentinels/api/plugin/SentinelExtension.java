package dev.sentinels.api.plugin;

import org.pf4j.ExtensionPoint;

/** What every Sentinels extension has: configuration from its plugin's section. */
public interface SentinelExtension extends ExtensionPoint {

  /**
   * Reads this plugin's section ({@code plugins.<plugin id>}). Called once, before any other
   * method, and only when the section exists: an unconfigured plugin is listed but never used.
   *
   * @throws PluginConfigException naming the field and the fix when the section is wrong
   */
  void configure(PluginConfig config);
}
