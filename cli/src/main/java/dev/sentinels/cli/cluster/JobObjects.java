package dev.sentinels.cli.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kubernetes Jobs and pods Sentinels launched in a namespace, by job id, as JSON ({@code spec}
 * and {@code status} only): what {@link JobStatusDeriver} reads, without fabric8's model classes,
 * whose deserializers cost a read command about 200 ms to set up.
 */
final class JobObjects {

  private static final String SELECTOR = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE;
  private static final Set<String> FIELDS = Set.of("spec", "status");

  private JobObjects() {}

  static Map<String, JsonNode> jobsById(StreamingList.Fetch reads, String namespace) {
    Map<String, JsonNode> byId = new HashMap<>();
    eachByJobId(reads, "/apis/batch/v1/namespaces/" + namespace + "/jobs", byId::put);
    return byId;
  }

  static Map<String, List<JsonNode>> podsByJobId(StreamingList.Fetch reads, String namespace) {
    Map<String, List<JsonNode>> byId = new HashMap<>();
    eachByJobId(
        reads,
        "/api/v1/namespaces/" + namespace + "/pods",
        (id, pod) -> byId.computeIfAbsent(id, k -> new ArrayList<>()).add(pod));
    return byId;
  }

  /** Sentinels' objects listed at {@code path}, with the job id of each that carries one. */
  private static void eachByJobId(
      StreamingList.Fetch reads, String path, BiConsumer<String, JsonNode> consumer) {
    StreamingList.each(
        reads,
        path,
        SELECTOR,
        null,
        FIELDS,
        item -> {
          String id = item.labels().get(Labels.JOB_ID);
          if (id != null) {
            consumer.accept(id, object(item));
          }
        });
  }

  private static JsonNode object(StreamingList.Item item) {
    ObjectNode object = StreamingList.MAPPER.createObjectNode();
    item.fields().forEach(object::set);
    return object;
  }
}
