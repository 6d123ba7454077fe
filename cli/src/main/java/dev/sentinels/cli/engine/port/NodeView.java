package dev.sentinels.cli.engine.port;

import dev.sentinels.api.Resources;

/**
 * One node (or the local machine): what it has, what is requested of it, whether it takes work, and
 * the labels and taints that decide which jobs may run there.
 */
public record NodeView(
    String name,
    Resources allocatable,
    Resources requested,
    int pods,
    boolean ready,
    boolean schedulable,
    java.util.Map<String, String> labels,
    java.util.List<dev.sentinels.api.Taint> taints) {

  public NodeView {
    labels = labels == null ? java.util.Map.of() : java.util.Map.copyOf(labels);
    taints = taints == null ? java.util.List.of() : java.util.List.copyOf(taints);
  }

  /** A node with no labels or taints (the local machine). */
  public NodeView(
      String name,
      Resources allocatable,
      Resources requested,
      int pods,
      boolean ready,
      boolean schedulable) {
    this(name, allocatable, requested, pods, ready, schedulable, null, null);
  }

  /** Ready and not cordoned. */
  public boolean accepting() {
    return ready && schedulable;
  }

  public Resources free() {
    return allocatable.minusClamped(requested);
  }
}
