package dev.sentinels.cli.cluster;

import dev.sentinels.api.Resources;
import dev.sentinels.cli.backend.NodeView;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What the cluster can take: allocatable of each node minus the requests of the non-terminated pods
 * bound to it, GPUs ({@code nvidia.com/gpu}) included. Read fresh on every pass, so nodes that
 * join, leave or are cordoned are picked up without configuration.
 */
final class ResourceMonitor {

  /** The nodes, and where each Sentinels job's pod is bound (job id to node name). */
  record Snapshot(List<NodeView> nodes, Map<String, String> boundJobs) {}

  private final KubernetesClient client;

  ResourceMonitor(KubernetesClient client) {
    this.client = client;
  }

  Snapshot read() {
    Map<String, Resources> requested = new HashMap<>();
    Map<String, Integer> podCounts = new HashMap<>();
    Map<String, String> boundJobs = new HashMap<>();
    StreamingList.each(
        client,
        "/api/v1/pods",
        null,
        "status.phase!=Succeeded,status.phase!=Failed,spec.nodeName!=",
        Set.of("spec"),
        item -> {
          JsonNode spec = item.fields().get("spec");
          String node = spec.path("nodeName").asString();
          requested.merge(node, podRequests(spec), Resources::plus);
          podCounts.merge(node, 1, Integer::sum);
          String jobId = item.labels().get(Labels.JOB_ID);
          if (jobId != null) {
            boundJobs.put(jobId, node);
          }
        });

    List<NodeView> nodes = new ArrayList<>();
    for (Node node : client.nodes().list().getItems()) {
      String name = node.getMetadata().getName();
      nodes.add(
          new NodeView(
              name,
              resources(node.getStatus().getAllocatable()),
              requested.getOrDefault(name, Resources.ZERO),
              podCounts.getOrDefault(name, 0),
              isReady(node),
              !Boolean.TRUE.equals(node.getSpec().getUnschedulable())));
    }
    nodes.sort(java.util.Comparator.comparing(NodeView::name));
    return new Snapshot(List.copyOf(nodes), Map.copyOf(boundJobs));
  }

  private static boolean isReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition condition : node.getStatus().getConditions()) {
      if ("Ready".equals(condition.getType())) {
        return "True".equals(condition.getStatus());
      }
    }
    return false;
  }

  /** As the scheduler counts it: the sum over containers, or the largest init container if more. */
  static Resources podRequests(JsonNode spec) {
    Resources containers = Resources.ZERO;
    for (JsonNode container : spec.path("containers")) {
      containers = containers.plus(containerRequests(container.path("resources")));
    }
    Resources init = Resources.ZERO;
    for (JsonNode container : spec.path("initContainers")) {
      Resources r = containerRequests(container.path("resources"));
      init =
          new Resources(
              Math.max(init.cpuMillis(), r.cpuMillis()),
              Math.max(init.memoryBytes(), r.memoryBytes()),
              Math.max(init.gpus(), r.gpus()));
    }
    Resources total =
        new Resources(
            Math.max(containers.cpuMillis(), init.cpuMillis()),
            Math.max(containers.memoryBytes(), init.memoryBytes()),
            Math.max(containers.gpus(), init.gpus()));
    if (spec.has("overhead")) {
      total = total.plus(resources(quantities(spec.path("overhead"))));
    }
    return total;
  }

  /** A container's requests; a limit without a request counts as the request, as in Kubernetes. */
  private static Resources containerRequests(JsonNode requirements) {
    Map<String, Quantity> merged = new HashMap<>(quantities(requirements.path("limits")));
    merged.putAll(quantities(requirements.path("requests")));
    return resources(merged);
  }

  private static Map<String, Quantity> quantities(JsonNode map) {
    Map<String, Quantity> result = new HashMap<>();
    for (var entry : map.properties()) {
      result.put(entry.getKey(), new Quantity(entry.getValue().asString()));
    }
    return result;
  }

  static Resources resources(Map<String, Quantity> quantities) {
    if (quantities == null) {
      return Resources.ZERO;
    }
    Quantity cpu = quantities.get("cpu");
    Quantity memory = quantities.get("memory");
    Quantity gpu = quantities.get(JobLauncher.GPU_RESOURCE);
    // fabric8's numeric form understands every quantity syntax (exponents included).
    return new Resources(
        cpu == null
            ? 0
            : Quantity.getAmountInBytes(cpu)
                .movePointRight(3)
                .setScale(0, java.math.RoundingMode.CEILING)
                .longValueExact(),
        memory == null
            ? 0
            : Quantity.getAmountInBytes(memory)
                .setScale(0, java.math.RoundingMode.CEILING)
                .longValueExact(),
        gpu == null
            ? 0
            : Quantity.getAmountInBytes(gpu)
                .setScale(0, java.math.RoundingMode.CEILING)
                .longValueExact());
  }
}
