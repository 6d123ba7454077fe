package dev.sentinels.cli.cluster;

import dev.sentinels.cli.plugin.ResourceAlerts;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** Resource alert episodes in the {@value #NAME} ConfigMap, written only at the version read. */
final class AlertsConfigMap implements ResourceAlerts.EpisodeStore {

  static final String NAME = "sentinel-alerts";

  private final KubeAccess access;
  private final String namespace;
  private final Function<ConfigMap, Optional<ConfigMap>> conditionalWrite;

  /**
   * @param conditionalWrite creates the map (no resourceVersion) or replaces it at its version;
   *     empty when another writer came first
   */
  AlertsConfigMap(
      KubeAccess access,
      String namespace,
      Function<ConfigMap, Optional<ConfigMap>> conditionalWrite) {
    this.access = access;
    this.namespace = namespace;
    this.conditionalWrite = conditionalWrite;
  }

  @Override
  public Map.Entry<Map<String, String>, String> read() {
    var map =
        StreamingList.getOne(
            access.reads(), "/api/v1/namespaces/" + namespace + "/configmaps/" + NAME);
    if (map == null) {
      return new AbstractMap.SimpleEntry<>(Map.of(), null);
    }
    Map<String, String> state = new TreeMap<>();
    map.path("data").properties().forEach(e -> state.put(e.getKey(), e.getValue().asString()));
    return new AbstractMap.SimpleEntry<>(
        state, map.path("metadata").path("resourceVersion").asString());
  }

  @Override
  public boolean write(Map<String, String> state, String version) {
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .withResourceVersion(version)
            .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
            .addToLabels(Labels.COMPONENT, "alerts")
            .endMetadata()
            .withData(state)
            .build();
    return conditionalWrite.apply(map).isPresent();
  }
}
