package dev.sentinels.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How admission is configured: priority classes, queues and their quotas, and backfill. Set by a
 * data engineer (a ConfigMap on the cluster, {@code config.yaml} locally); {@link #defaults()} when
 * none is configured.
 *
 * @param priorityClasses known classes; a spec naming another is rejected
 * @param defaultPriority class used when a spec names none
 * @param queues known queues by name; a spec naming another is rejected
 * @param starvationTimeout how long the head of the line may be passed by smaller jobs before
 *     capacity is held for it (see docs/architecture.md, "Backfill")
 */
public record QueueConfig(
    List<PriorityClass> priorityClasses,
    String defaultPriority,
    Map<String, Queue> queues,
    Duration starvationTimeout) {

  /**
   * A queue: a name jobs are submitted to, with an optional quota capping the resources its
   * admitted and running jobs may hold at once.
   */
  public record Queue(String name, Resources quota, String description) {}

  public QueueConfig {
    priorityClasses = List.copyOf(priorityClasses);
    queues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(queues));
  }

  /** low=100, normal=1000 (default), high=10000, urgent=100000; one unlimited queue, default. */
  public static QueueConfig defaults() {
    return new QueueConfig(
        List.of(
            new PriorityClass("low", 100, "Runs when nothing else waits."),
            new PriorityClass("normal", 1000, "The default."),
            new PriorityClass("high", 10000, "Ahead of normal work."),
            new PriorityClass("urgent", 100000, "Ahead of everything.")),
        "normal",
        Map.of(JobSpec.DEFAULT_QUEUE, new Queue(JobSpec.DEFAULT_QUEUE, null, "The default queue.")),
        Duration.ofMinutes(15));
  }

  public Optional<PriorityClass> priorityClass(String name) {
    return priorityClasses.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The class a spec with {@code name} (null for none) gets. */
  public Optional<PriorityClass> resolvePriority(String name) {
    return priorityClass(name == null ? defaultPriority : name);
  }
}
