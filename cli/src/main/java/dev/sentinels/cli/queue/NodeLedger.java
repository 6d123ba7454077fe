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

  private final Resources largestAllocatable;

  NodeLedger(List<NodeCapacity> nodes) {
    List<NodeCapacity> byName =
        nodes.stream().sorted(Comparator.comparing(NodeCapacity::name)).toList();
    int n = byName.size();
    names = new String[n];
    allocatableCpu = new long[n];
    allocatableMemory = new long[n];
    allocatableGpus = new long[n];
    freeCpu = new long[n];
    freeMemory = new long[n];
    freeGpus = new long[n];
    reservedFor = new String[n];
    long maxCpu = 0;
    long maxMemory = 0;
    long maxGpus = 0;
    for (int i = 0; i < n; i++) {
      NodeCapacity node = byName.get(i);
      names[i] = node.name();
      allocatableCpu[i] = node.allocatable().cpuMillis();
      allocatableMemory[i] = node.allocatable().memoryBytes();
      allocatableGpus[i] = node.allocatable().gpus();
      freeCpu[i] = node.free().cpuMillis();
      freeMemory[i] = node.free().memoryBytes();
      freeGpus[i] = node.free().gpus();
      maxCpu = Math.max(maxCpu, allocatableCpu[i]);
      maxMemory = Math.max(maxMemory, allocatableMemory[i]);
      maxGpus = Math.max(maxGpus, allocatableGpus[i]);
    }
    largestAllocatable = new Resources(maxCpu, maxMemory, maxGpus);
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

  /** Per dimension, the largest allocatable of any node (not necessarily the same node). */
  Resources largestAllocatable() {
    return largestAllocatable;
  }

  /** Whether some node could hold the request when empty. */
  boolean fitsSomeNodeWhenEmpty(Resources request) {
    for (int i = 0; i < names.length; i++) {
      if (fitsAllocatable(i, request)) {
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
  int bestFit(Resources request) {
    Least least = new Least();
    for (int i = 0; i < names.length; i++) {
      if (reservedFor[i] == null && fitsFree(i, request)) {
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
  int reservedNodeThatFits(Resources request) {
    for (int i = 0; i < names.length; i++) {
      if (reservedFor[i] != null && fitsFree(i, request)) {
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
  int nodeToReserve(Resources request) {
    Least least = new Least();
    for (int i = 0; i < names.length; i++) {
      if (reservedFor[i] == null && fitsAllocatable(i, request)) {
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
  Resources largestFreeUnreserved() {
    long cpu = 0;
    long memory = 0;
    long gpus = 0;
    for (int i = 0; i < names.length; i++) {
      if (reservedFor[i] == null) {
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
