package dev.sentinels.cli.cluster;

import dev.sentinels.api.Resources;
import dev.sentinels.cli.backend.NodeView;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * What the cluster can take: allocatable of each node minus the requests of the non-terminated pods
 * bound to it, GPUs ({@code nvidia.com/gpu}) included. Read fresh on every pass, so nodes that
 * join, leave or are cordoned are picked up without configuration.
 */
final class ResourceMonitor {

  /** The nodes, and where each Sentinels job's pod is bound (job id to node name). */
  record Snapshot(List<NodeView> nodes, Map<String, String> boundJobs) {}

  private final KubeAccess access;

  ResourceMonitor(KubeAccess access) {
    this.access = access;
  }

  Snapshot read() {
    Map<String, Resources> requested = new HashMap<>();
    Map<String, Integer> podCounts = new HashMap<>();
    Map<String, String> boundJobs = new HashMap<>();
    StreamingList.Fetch reads = access.reads();
    StreamingList.each(
        reads,
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
    StreamingList.each(
        reads,
        "/api/v1/nodes",
        null,
        null,
        Set.of("spec", "status"),
        node -> {
          JsonNode status = node.fields().getOrDefault("status", MissingNode.getInstance());
          JsonNode spec = node.fields().getOrDefault("spec", MissingNode.getInstance());
          nodes.add(
              new NodeView(
                  node.name(),
                  resources(quantities(status.path("allocatable"))),
                  requested.getOrDefault(node.name(), Resources.ZERO),
                  podCounts.getOrDefault(node.name(), 0),
                  isReady(status),
                  !spec.path("unschedulable").asBoolean(false)));
        });
    nodes.sort(java.util.Comparator.comparing(NodeView::name));
    return new Snapshot(List.copyOf(nodes), Map.copyOf(boundJobs));
  }

  private static boolean isReady(JsonNode status) {
    for (JsonNode condition : status.path("conditions")) {
      if ("Ready".equals(condition.path("type").asString())) {
        return "True".equals(condition.path("status").asString());
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
