package dev.sentinels.cli.plugin;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code plugins:} section: one mapping per plugin id, plus host sections ({@code alerts}).
 * Read by {@code dev.sentinels.cli.plugin.PluginsConfigReader} from the cluster's {@code
 * sentinel-config} ConfigMap (key {@code plugins.yaml}) or from {@code $SENTINEL_HOME/config.yaml}.
 *
 * @param source where it was read, for messages
 * @param sections plugin id to its raw section (maps, lists and strings as parsed)
 */
public record PluginsConfig(String source, Map<String, Map<String, Object>> sections) {

  /** No plugin configured: nothing to load, ever. */
  public static final PluginsConfig NONE = new PluginsConfig("no configuration", Map.of());

  public PluginsConfig {
    sections = Map.copyOf(sections);
  }

  public boolean isEmpty() {
    return sections.isEmpty();
  }

  public Optional<Map<String, Object>> section(String pluginId) {
    return Optional.ofNullable(sections.get(pluginId));
  }
}
