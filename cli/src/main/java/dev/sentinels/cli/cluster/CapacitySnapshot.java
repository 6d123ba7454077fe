package dev.sentinels.cli.cluster;

import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.support.RecordCodec;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The cluster's capacity as the scheduler last read it, kept in the namespace ({@code
 * sentinel-capacity}) for people who may not list nodes: a user bound in one namespace sees the
 * queue, with why each job waits, as the scheduler decides it (Kueue's ClusterQueue status plays
 * the same part). Written only when it changed, so idle clusters cost no writes.
 */
final class CapacitySnapshot {

  static final String NAME = "sentinel-capacity";
  private static final String KEY = "capacity.json";

  private final KubeAccess access;
  private final String namespace;
  private String published;

  CapacitySnapshot(KubeAccess access, String namespace) {
    this.access = access;
    this.namespace = namespace;
  }

  /** Writes {@code capacity} unless it is what this process last wrote. */
  synchronized void publish(Capacity capacity, Instant readAt) {
    String json = RecordCodec.mapper().writeValueAsString(capacity);
    if (json.equals(published)) {
      return;
    }
    access
        .client()
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace)
                .addToLabels(Labels.COMPONENT, "capacity")
                .addToAnnotations("sentinels.dev/read-at", readAt.toString())
                .endMetadata()
                .withData(Map.of(KEY, json))
                .build())
        .serverSideApply();
    published = json;
  }

  /** The last snapshot in the namespace, if a scheduler wrote one. */
  static Optional<Capacity> read(KubeAccess access, String namespace) {
    JsonNode map =
        StreamingList.getOne(
            access.reads(), "/api/v1/namespaces/" + namespace + "/configmaps/" + NAME);
    if (map == null || !map.path("data").hasNonNull(KEY)) {
      return Optional.empty();
    }
    return Optional.of(
        RecordCodec.mapper().readValue(map.path("data").get(KEY).asString(), Capacity.class));
  }
}
