package dev.sentinels.cli.queue;

import dev.sentinels.api.Resources;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The capacity side of a pass (Kueue's "cache"): what each node still has free as the pass places
 * jobs, and which nodes are held for starving jobs. Nodes are sorted by name so that every scan
 * breaks ties by keeping the first node it saw. Flat arrays keep a scan free of allocation.
 */
final class NodeLedger {

  private final String[] names;
  private final long[] allocatableCpu;
  private final long[] allocatableMemory;
  private final long[] allocatableGpus;
  private final long[] freeCpu;
  private final long[] freeMemory;
  private final long[] freeGpus;

  /** Id of the starving job a node is held for, or null. */
  private final String[] reservedFor;

  /** The nodes by name, for placement checks, and the nodes each placement may use. */
  private final List<NodeCapacity> byName;

  private final java.util.Map<Placement, boolean[]> eligible = new java.util.HashMap<>();

  NodeLedger(List<NodeCapacity> nodes) {
    byName = nodes.stream().sorted(Comparator.comparing(NodeCapacity::name)).toList();
    int n = byName.size();
    names = new String[n];
    allocatableCpu = new long[n];
    allocatableMemory = new long[n];
    allocatableGpus = new long[n];
    freeCpu = new long[n];
    freeMemory = new long[n];
    freeGpus = new long[n];
    reservedFor = new String[n];
    for (int i = 0; i < n; i++) {
      NodeCapacity node = byName.get(i);
      names[i] = node.name();
      allocatableCpu[i] = node.allocatable().cpuMillis();
      allocatableMemory[i] = node.allocatable().memoryBytes();
      allocatableGpus[i] = node.allocatable().gpus();
      freeCpu[i] = node.free().cpuMillis();
      freeMemory[i] = node.free().memoryBytes();
      freeGpus[i] = node.free().gpus();
    }
  }

  boolean isEmpty() {
    return names.length == 0;
  }

  String name(int node) {
    return names[node];
  }

  String reservedFor(int node) {
    return reservedFor[node];
  }

  /**
   * Which nodes a job with {@code placement} may be bound to, computed once per distinct placement
   * in a pass (most jobs share {@link Placement#ANY}).
   */
  boolean[] eligible(Placement placement) {
    return eligible.computeIfAbsent(
        placement,
        p -> {
          boolean[] mask = new boolean[names.length];
          for (int i = 0; i < mask.length; i++) {
            mask[i] = p.allows(byName.get(i));
          }
          return mask;
        });
  }

  /**
   * Why no node may take a job with {@code placement}, counted as the kube-scheduler counts them:
   * {@code 1 node has untolerated taint pool=real:NoSchedule, 3 nodes have no label gpu=a100}.
   */
  String whyNoNode(Placement placement) {
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>(); // in order, as kube does
    for (NodeCapacity node : byName) {
      String why = placement.whyNot(node);
      if (why != null) {
        counts.merge(why, 1, Integer::sum);
      }
    }
    List<String> parts = new java.util.ArrayList<>();
    counts.forEach((why, n) -> parts.add(n + (n == 1 ? " node has " : " nodes have ") + why));
    return String.join(", ", parts);
  }

  /** Whether any node may take a job with this mask at all. */
  static boolean anyEligible(boolean[] mask) {
    for (boolean b : mask) {
      if (b) {
        return true;
      }
    }
    return false;
  }

  /** Per dimension, the largest allocatable of the eligible nodes (not necessarily one node). */
  Resources largestAllocatable(boolean[] mask) {
    long cpu = 0;
    long memory = 0;
    long gpus = 0;
    for (int i = 0; i < names.length; i++) {
      if (mask[i]) {
        cpu = Math.max(cpu, allocatableCpu[i]);
        memory = Math.max(memory, allocatableMemory[i]);
        gpus = Math.max(gpus, allocatableGpus[i]);
      }
    }
    return new Resources(cpu, memory, gpus);
  }

  /** Whether some eligible node could hold the request when empty. */
  boolean fitsSomeNodeWhenEmpty(Resources request, boolean[] mask) {
    for (int i = 0; i < names.length; i++) {
      if (mask[i] && fitsAllocatable(i, request)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Best fit: among unreserved nodes with the request free, the one left with least slack, compared
   * on GPUs, then cpu, then memory; -1 if none fits. Leaving GPU slack untouched keeps GPU nodes
   * for GPU jobs.
   */
  int bestFit(Resources request, boolean[] mask) {
    Least least = new Least();
    for (int i = 0; i < names.length; i++) {
      if (mask[i] && reservedFor[i] == null && fitsFree(i, request)) {
        least.offer(
            i,
            freeGpus[i] - request.gpus(),
            freeCpu[i] - request.cpuMillis(),
            freeMemory[i] - request.memoryBytes());
      }
    }
    return least.index;
  }

  /** The first reserved node, by name, whose free capacity fits the request; -1 if none. */
  int reservedNodeThatFits(Resources request, boolean[] mask) {
    for (int i = 0; i < names.length; i++) {
      if (mask[i] && reservedFor[i] != null && fitsFree(i, request)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The node to hold for a starving job: among unreserved nodes that could hold it when empty, the
   * one closest to fitting now, i.e. with the smallest shortfall (free below request), compared on
   * GPUs, then cpu, then memory; -1 if none.
   */
  int nodeToReserve(Resources request, boolean[] mask) {
    Least least = new Least();
    for (int i = 0; i < names.length; i++) {
      if (mask[i] && reservedFor[i] == null && fitsAllocatable(i, request)) {
        least.offer(
            i,
            Math.max(0, request.gpus() - freeGpus[i]),
            Math.max(0, request.cpuMillis() - freeCpu[i]),
            Math.max(0, request.memoryBytes() - freeMemory[i]));
      }
    }
    return least.index;
  }

  /** Per dimension, the most free on any unreserved node: what a waiting job is told. */
  Resources largestFreeUnreserved(boolean[] mask) {
    long cpu = 0;
    long memory = 0;
    long gpus = 0;
    for (int i = 0; i < names.length; i++) {
      if (mask[i] && reservedFor[i] == null) {
        cpu = Math.max(cpu, freeCpu[i]);
        memory = Math.max(memory, freeMemory[i]);
        gpus = Math.max(gpus, freeGpus[i]);
      }
    }
    return new Resources(cpu, memory, gpus);
  }

  /** Sets the request aside on the node; the caller checked that it fits. */
  void take(int node, Resources request) {
    freeCpu[node] -= request.cpuMillis();
    freeMemory[node] -= request.memoryBytes();
    freeGpus[node] -= request.gpus();
  }

  void reserve(int node, String jobId) {
    reservedFor[node] = jobId;
  }

  /** Node name to the starving job it is held for. */
  Map<String, String> reservations() {
    Map<String, String> held = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      if (reservedFor[i] != null) {
        held.put(names[i], reservedFor[i]);
      }
    }
    return held;
  }

  private boolean fitsFree(int node, Resources request) {
    return request.cpuMillis() <= freeCpu[node]
        && request.memoryBytes() <= freeMemory[node]
        && request.gpus() <= freeGpus[node];
  }

  private boolean fitsAllocatable(int node, Resources request) {
    return request.cpuMillis() <= allocatableCpu[node]
        && request.memoryBytes() <= allocatableMemory[node]
        && request.gpus() <= allocatableGpus[node];
  }

  /**
   * Keeps the node with the least (GPUs, cpu, memory) key, compared in that order so GPUs weigh
   * most; nodes are offered by name, so the first of equals stays.
   */
  private static final class Least {
    int index = -1;
    private long gpus;
    private long cpu;
    private long memory;

    void offer(int node, long nodeGpus, long nodeCpu, long nodeMemory) {
      boolean less =
          index < 0
              || nodeGpus < gpus
              || (nodeGpus == gpus && (nodeCpu < cpu || (nodeCpu == cpu && nodeMemory < memory)));
      if (less) {
        index = node;
        gpus = nodeGpus;
        cpu = nodeCpu;
        memory = nodeMemory;
      }
    }
  }
}
