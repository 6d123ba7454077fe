package dev.sentinels.cli.plugin;

import dev.sentinels.cli.spec.Formats;
import dev.sentinels.cli.spec.SafeYaml;
import dev.sentinels.cli.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the {@code plugins:} section, from the cluster's {@code sentinel-config} ConfigMap (key
 * {@code plugins.yaml}, a document with that one section) or from {@code
 * $SENTINEL_HOME/config.yaml} (where other sections sit beside it):
 *
 * <pre>
 * plugins:
 *   mlflow:
 *     trackingUri: http://mlflow.example:5000
 *   slack:
 *     webhookUrl: {secretRef: {name: sentinel-slack, key: url}}
 *     on: [Failed]
 * </pre>
 *
 * Only the shape is checked here (each plugin's section is a mapping); the plugin checks its own
 * keys when it is configured, and errors name the field either way.
 */
public final class PluginsConfigReader {

  private PluginsConfigReader() {}

  /** A {@code plugins.yaml} document: only the {@code plugins} section is allowed. */
  public static PluginsConfig readDocument(String yaml, String source) {
    return read(yaml, source, true);
  }

  /** The {@code plugins} section of a {@code config.yaml} that has other sections too. */
  public static PluginsConfig readSection(String yaml, String source) {
    return read(yaml, source, false);
  }

  /**
   * The {@code plugins} section as another reader already parsed it (the local {@code config.yaml}
   * is read once for all its sections); null when there is none.
   */
  public static PluginsConfig fromParsed(Object pluginsSection, String source) {
    return withSource(source, () -> sections(pluginsSection));
  }

  private static PluginsConfig read(String yaml, String source, boolean alone) {
    return withSource(source, () -> parse(yaml, alone));
  }

  private static PluginsConfig withSource(
      String source, java.util.function.Supplier<Map<String, Map<String, Object>>> sections) {
    try {
      return new PluginsConfig(source, sections.get());
    } catch (SpecException e) {
      throw new SpecException(
          e.problems().stream()
              .map(p -> new SpecException.Problem(source + ": " + p.field(), p.message()))
              .toList());
    }
  }

  private static Map<String, Map<String, Object>> parse(String yaml, boolean alone) {
    Object root = SafeYaml.parse(yaml, "config", "");
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map<?, ?> top)) {
      throw new SpecException("config", "must be a mapping with a plugins section");
    }
    if (alone) {
      for (Object key : top.keySet()) {
        if (!"plugins".equals(key)) {
          throw new SpecException(
              String.valueOf(key), "unknown field; this document holds only plugins:");
        }
      }
    }
    return sections(top.get("plugins"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> sections(Object plugins) {
    if (plugins == null) {
      return Map.of();
    }
    if (!(plugins instanceof Map<?, ?> byId)) {
      throw new SpecException("plugins", "must be a mapping from plugin id to its settings");
    }
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : byId.entrySet()) {
      String id = String.valueOf(entry.getKey());
      if (!Formats.isDnsLabel(id)) {
        throw new SpecException(
            "plugins." + id, "is not a plugin id (lowercase letters, digits and -)");
      }
      Object section = entry.getValue();
      if (section == null) {
        sections.put(id, Map.of());
      } else if (section instanceof Map<?, ?> map) {
        sections.put(id, (Map<String, Object>) map);
      } else {
        throw new SpecException(
            "plugins." + id, "must be a mapping of settings (write {} for none)");
      }
    }
    return sections;
  }
}
