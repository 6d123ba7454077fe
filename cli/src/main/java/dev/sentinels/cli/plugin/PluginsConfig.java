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

  /**
   * The environment variables a service's own clients read, as defaults for its plugin: {@code
   * MLFLOW_TRACKING_URI} and {@code MLFLOW_TRACKING_TOKEN}, as the MLflow client does. Plugin id to
   * section key to variable; a key ending in {@code token} is a secret, referred to by name.
   */
  static final Map<String, Map<String, String>> ENVIRONMENT =
      Map.of(
          "mlflow", Map.of("trackingUri", "MLFLOW_TRACKING_URI", "token", "MLFLOW_TRACKING_TOKEN"));

  /**
   * This configuration with what {@link #ENVIRONMENT} names filled in where a section leaves it
   * out; configuration wins. With {@code addSections} (the local backend, whose commands and runner
   * share the environment) a plugin with no section is configured from the environment when its
   * first variable is set; a cluster's scheduler has an environment of its own, so there only
   * sections that exist are completed.
   */
  public PluginsConfig withEnvironment(
      java.util.function.Function<String, String> env, boolean addSections) {
    Map<String, Map<String, Object>> filled = new java.util.LinkedHashMap<>(sections);
    boolean changed = false;
    for (Map.Entry<String, Map<String, String>> plugin : ENVIRONMENT.entrySet()) {
      Map<String, Object> section = sections.get(plugin.getKey());
      String first = env.apply(plugin.getValue().get("trackingUri"));
      if (section == null && !(addSections && first != null && !first.isBlank())) {
        continue;
      }
      Map<String, Object> completed =
          new java.util.LinkedHashMap<>(section == null ? Map.of() : section);
      for (Map.Entry<String, String> key : plugin.getValue().entrySet()) {
        String value = env.apply(key.getValue());
        if (!completed.containsKey(key.getKey()) && value != null && !value.isBlank()) {
          completed.put(
              key.getKey(), key.getKey().endsWith("token") ? Map.of("env", key.getValue()) : value);
          changed = true;
        }
      }
      filled.put(plugin.getKey(), completed);
    }
    return changed ? new PluginsConfig(source + " and the environment", filled) : this;
  }
}
