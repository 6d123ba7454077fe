package dev.sentinels.cli.queue;

import dev.sentinels.api.Resources;
import java.util.Objects;

/**
 * One schedulable node as the backend sees it at the start of a pass. NotReady and cordoned nodes
 * are left out by the backend rather than flagged here.
 *
 * @param name node name; ties between equally good nodes go to the first name
 * @param allocatable all the node can ever give to pods; tells "not now" from "never"
 * @param free allocatable minus the requests of pods already bound to the node
 * @param labels the node's labels, for jobs' node selectors
 * @param taints the node's taints: a barring one admits only jobs that tolerate it
 */
public record NodeCapacity(
    String name,
    Resources allocatable,
    Resources free,
    java.util.Map<String, String> labels,
    java.util.List<dev.sentinels.api.Taint> taints) {

  public NodeCapacity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(allocatable, "allocatable");
    Objects.requireNonNull(free, "free");
    labels = labels == null ? java.util.Map.of() : java.util.Map.copyOf(labels);
    taints = taints == null ? java.util.List.of() : java.util.List.copyOf(taints);
  }

  /** A node with no labels or taints that matter. */
  public NodeCapacity(String name, Resources allocatable, Resources free) {
    this(name, allocatable, free, java.util.Map.of(), java.util.List.of());
  }
}
