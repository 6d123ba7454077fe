package dev.sentinels.cli.queue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The outcome of one admission pass.
 *
 * @param decisions one per queued job, in admission order (position 1 first)
 * @param queues usage against quota for every configured queue and every queue a job names, by name
 * @param reservations nodes held for starving jobs: node name to job id, by node name
 */
public record AdmissionPlan(
    List<Decision> decisions, Map<String, QueueUsage> queues, Map<String, String> reservations) {

  public AdmissionPlan {
    decisions = List.copyOf(decisions);
    queues = Collections.unmodifiableMap(new TreeMap<>(queues));
    reservations = Collections.unmodifiableMap(new TreeMap<>(reservations));
  }

  /** The jobs to admit now, in admission order. */
  public List<Decision> admitted() {
    return decisions.stream().filter(Decision::admitted).toList();
  }

  /** The jobs that stay queued, in admission order. */
  public List<Decision> waiting() {
    return decisions.stream().filter(d -> !d.admitted()).toList();
  }

  /** The decision for one job, if it was queued. */
  public Optional<Decision> decision(String jobId) {
    return decisions.stream().filter(d -> d.jobId().equals(jobId)).findFirst();
  }
}
