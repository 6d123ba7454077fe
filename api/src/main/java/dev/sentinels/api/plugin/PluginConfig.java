package dev.sentinels.api.plugin;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One plugin's section of Sentinels' configuration ({@code plugins.<plugin id>} in {@code
 * config.yaml} or in the cluster's {@code sentinel-config} ConfigMap, key {@code plugins.yaml}).
 * Keys are dotted paths below the section, e.g. {@code webhookUrl} or {@code tags.team}.
 */
public interface PluginConfig {

  /** The plugin id, which is also the section's name. */
  String pluginId();

  /** Where the section was read from, for messages. */
  String source();

  /** A plain string value; numbers and booleans are given as their text. */
  Optional<String> string(String key);

  /** A plain string that must be present. */
  default String requiredString(String key) {
    return string(key).orElseThrow(() -> invalid(key, "is required"));
  }

  /** A list of strings ({@code [a, b]} or a single value). Empty when absent. */
  List<String> strings(String key);

  /** A duration like {@code 30s}, {@code 5m}, {@code 2h}. */
  Optional<Duration> duration(String key);

  /**
   * A secret given as {@code {secretRef: {name, key}}} (a Kubernetes Secret in Sentinels'
   * namespace) or {@code {env: NAME}}; a plain string is refused so secrets never sit in a
   * ConfigMap.
   */
  Optional<Secret> secret(String key);

  /** A secret that must be present. */
  default Secret requiredSecret(String key) {
    return secret(key).orElseThrow(() -> invalid(key, "is required"));
  }

  /** An exception naming {@code plugins.<id>.<key>} and where it was read. */
  PluginConfigException invalid(String key, String problem);
}
