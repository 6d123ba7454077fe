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

  /**
   * Checks that the service this extension talks to answers, for {@code sentinel plugins} and
   * {@code sentinel doctor}; returns normally when it does or when there is nothing to check
   * without side effects (a chat webhook cannot be probed without posting).
   *
   * @throws Exception saying what failed, in words a user can act on
   */
  default void checkReachable() throws Exception {}
}
