package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.queue.AdmissionInput;
import dev.sentinels.cli.queue.AdmissionPlan;
import dev.sentinels.cli.queue.AdmissionPolicy;
import dev.sentinels.cli.queue.NodeCapacity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The policy's input from any backend's live records and capacity, and its plan for them. */
final class Admission {

  /** Bounds one pass's intent (kept in the fence) and its duration. */
  static final int MAX_PER_PASS = 1000;

  private Admission() {}

  /** What the policy decides for these records now, changing nothing. */
  static AdmissionPlan plan(
      QueueConfig config, Collection<JobRecord> live, Capacity capacity, Instant now, int cap) {
    List<NodeCapacity> nodes = new ArrayList<>();
    for (NodeView node : capacity.nodes()) {
      if (node.accepting()) {
        nodes.add(
            new NodeCapacity(
                node.name(), node.allocatable(), node.free(), node.labels(), node.taints()));
      }
    }
    AdmissionInput input =
        AdmissionInput.fromRecords(
                nodes,
                live.stream().map(r -> currentPriority(config, r)).toList(),
                capacity.boundJobs(),
                now,
                capacity.nodeConstraints())
            .withMaxAdmissions(cap);
    return new AdmissionPolicy(config).plan(input);
  }

  /**
   * The record with its class's value as configured now, not as at submit: changing a class (a helm
   * upgrade) re-sorts the jobs already waiting in it. A class since removed keeps its value.
   */
  private static JobRecord currentPriority(QueueConfig config, JobRecord record) {
    return config
        .resolvePriority(record.spec().priority())
        .filter(c -> c.value() != record.priorityValue())
        .map(c -> record.withPriority(record.spec().priority(), c.value()))
        .orElse(record);
  }
}
