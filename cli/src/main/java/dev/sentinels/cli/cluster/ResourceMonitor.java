package dev.sentinels.cli.cluster;

import dev.sentinels.api.Resources;
import dev.sentinels.cli.backend.NodeView;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    String continueToken = null;
    do {
      PodList page =
          client
              .pods()
              .inAnyNamespace()
              .withoutField("status.phase", "Succeeded")
              .withoutField("status.phase", "Failed")
              .withoutField("spec.nodeName", "")
              .list(
                  new ListOptionsBuilder()
                      .withLimit(JobRecordStore.PAGE_SIZE)
                      .withContinue(continueToken)
                      .build());
      for (Pod pod : page.getItems()) {
        String node = pod.getSpec().getNodeName();
        requested.merge(node, podRequests(pod), Resources::plus);
        podCounts.merge(node, 1, Integer::sum);
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels != null && labels.containsKey(Labels.JOB_ID)) {
          boundJobs.put(labels.get(Labels.JOB_ID), node);
        }
      }
      continueToken = page.getMetadata().getContinue();
    } while (continueToken != null && !continueToken.isEmpty());

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
  static Resources podRequests(Pod pod) {
    Resources containers = Resources.ZERO;
    for (Container container : pod.getSpec().getContainers()) {
      containers = containers.plus(containerRequests(container.getResources()));
    }
    Resources init = Resources.ZERO;
    if (pod.getSpec().getInitContainers() != null) {
      for (Container container : pod.getSpec().getInitContainers()) {
        Resources r = containerRequests(container.getResources());
        init =
            new Resources(
                Math.max(init.cpuMillis(), r.cpuMillis()),
                Math.max(init.memoryBytes(), r.memoryBytes()),
                Math.max(init.gpus(), r.gpus()));
      }
    }
    Resources total =
        new Resources(
            Math.max(containers.cpuMillis(), init.cpuMillis()),
            Math.max(containers.memoryBytes(), init.memoryBytes()),
            Math.max(containers.gpus(), init.gpus()));
    if (pod.getSpec().getOverhead() != null) {
      total = total.plus(resources(pod.getSpec().getOverhead()));
    }
    return total;
  }

  /** A container's requests; a limit without a request counts as the request, as in Kubernetes. */
  private static Resources containerRequests(ResourceRequirements requirements) {
    if (requirements == null) {
      return Resources.ZERO;
    }
    Map<String, Quantity> merged = new HashMap<>();
    if (requirements.getLimits() != null) {
      merged.putAll(requirements.getLimits());
    }
    if (requirements.getRequests() != null) {
      merged.putAll(requirements.getRequests());
    }
    return resources(merged);
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
