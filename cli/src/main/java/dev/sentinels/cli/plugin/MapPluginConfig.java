package dev.sentinels.cli.plugin;

import dev.sentinels.api.plugin.PluginConfig;
import dev.sentinels.api.plugin.PluginConfigException;
import dev.sentinels.api.plugin.Secret;
import dev.sentinels.cli.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A plugin's section as parsed YAML, with secret references resolved on demand. */
final class MapPluginConfig implements PluginConfig {

  private final String pluginId;
  private final String source;
  private final Map<String, Object> section;
  private final SecretResolver secrets;
  private final Consumer<String> revealed;

  /**
   * @param revealed told every secret value resolved, so the host can mask it in any message
   */
  MapPluginConfig(
      String pluginId,
      String source,
      Map<String, Object> section,
      SecretResolver secrets,
      Consumer<String> revealed) {
    this.pluginId = pluginId;
    this.source = source;
    this.section = section;
    this.secrets = secrets;
    this.revealed = revealed;
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public String source() {
    return source;
  }

  private Object get(String key) {
    Object value = section;
    for (String part : key.split("\\.")) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = map.get(part);
    }
    return value;
  }

  @Override
  public Optional<String> string(String key) {
    Object value = get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    throw invalid(key, "must be a plain value, not a list or mapping");
  }

  @Override
  public List<String> strings(String key) {
    Object value = get(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String text) {
      return List.of(text);
    }
    if (value instanceof List<?> list) {
      List<String> result = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof String text)) {
          throw invalid(key, "must be a list of plain values");
        }
        result.add(text);
      }
      return result;
    }
    throw invalid(key, "must be a list, e.g. [a, b]");
  }

  @Override
  public Optional<Duration> duration(String key) {
    return string(key).map(text -> parseDuration(key, text));
  }

  private Duration parseDuration(String key, String text) {
    return Durations.parse(text.trim())
        .orElseThrow(
            () ->
                invalid(key, "\"" + text + "\" is not a duration; use e.g. 500ms, 30s, 5m, 1h30m"));
  }

  @Override
  public Optional<Secret> secret(String key) {
    Object value = get(key);
    if (value == null) {
      return Optional.empty();
    }
    String how =
        "must reference a secret: {secretRef: {name: NAME, key: KEY}} or {env: NAME}"
            + " (secrets never go in a ConfigMap or config file)";
    if (!(value instanceof Map<?, ?> ref) || ref.size() != 1) {
      throw invalid(key, how);
    }
    String resolved;
    String origin;
    if (ref.get("env") instanceof String name) {
      origin = "env " + name;
      resolved =
          secrets
              .env(name)
              .orElseThrow(() -> invalid(key, "environment variable " + name + " is not set"));
    } else if (ref.get("secretRef") instanceof Map<?, ?> secretRef
        && secretRef.keySet().equals(Set.of("name", "key"))
        && secretRef.get("name") instanceof String name
        && secretRef.get("key") instanceof String secretKey) {
      origin = "secret " + name + "/" + secretKey;
      try {
        resolved =
            secrets
                .secret(name, secretKey)
                .orElseThrow(
                    () ->
                        invalid(
                            key,
                            "Secret "
                                + name
                                + " has no key "
                                + secretKey
                                + " (create it: kubectl create secret generic "
                                + name
                                + " --from-literal="
                                + secretKey
                                + "=...)"));
      } catch (UnsupportedOperationException e) {
        throw invalid(key, e.getMessage());
      }
    } else {
      throw invalid(key, how);
    }
    revealed.accept(resolved);
    return Optional.of(new Secret(resolved, origin));
  }

  @Override
  public PluginConfigException invalid(String key, String problem) {
    return new PluginConfigException(source + ": plugins." + pluginId + "." + key + ": " + problem);
  }
}
