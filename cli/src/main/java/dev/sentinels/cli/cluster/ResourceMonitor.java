package dev.sentinels.cli.cluster;

import dev.sentinels.api.Quantities;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.NodeView;
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

  private final KubeAccess access;

  ResourceMonitor(KubeAccess access) {
    this.access = access;
  }

  /** The nodes, and where each Sentinels job's pod is bound (job id to node name). */
  Capacity read() {
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
                  resources(status.path("allocatable")),
                  requested.getOrDefault(node.name(), Resources.ZERO),
                  podCounts.getOrDefault(node.name(), 0),
                  isReady(status),
                  !spec.path("unschedulable").asBoolean(false),
                  node.labels(),
                  taints(spec)));
        });
    nodes.sort(java.util.Comparator.comparing(NodeView::name));
    return new Capacity(nodes, boundJobs, false, true);
  }

  private static List<dev.sentinels.api.Taint> taints(JsonNode spec) {
    List<dev.sentinels.api.Taint> taints = new ArrayList<>();
    for (JsonNode taint : spec.path("taints")) {
      taints.add(
          new dev.sentinels.api.Taint(
              taint.path("key").asString(""),
              taint.path("value").asString(""),
              taint.path("effect").asString("")));
    }
    return taints;
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
      total = total.plus(resources(spec.path("overhead")));
    }
    return total;
  }

  /** A container's requests; a limit without a request counts as the request, as in Kubernetes. */
  private static Resources containerRequests(JsonNode requirements) {
    var merged = StreamingList.MAPPER.createObjectNode();
    requirements.path("limits").properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
    requirements.path("requests").properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
    return resources(merged);
  }

  private static Resources resources(JsonNode quantities) {
    return new Resources(
        amount(quantities, "cpu", 3),
        amount(quantities, "memory", 0),
        amount(quantities, JobLauncher.GPU_RESOURCE, 0));
  }

  /** Rounded up, as the scheduler counts: 0.0001 cpu still takes a millicore. */
  private static long amount(JsonNode quantities, String name, int decimalPlaces) {
    JsonNode value = quantities.get(name);
    return value == null || value.isNull() ? 0 : Quantities.ceil(value.asString(), decimalPlaces);
  }
}
