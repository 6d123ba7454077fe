package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads a job's state off its Kubernetes Job and pods. Pure: the scheduler pass writes the result
 * into the record; read-only commands show it without writing.
 */
final class JobStatusDeriver {

  /** How long an admitted job may lack its Job before the next pass creates it again. */
  static final java.time.Duration RELAUNCH_AFTER = java.time.Duration.ofSeconds(30);

  private static final java.util.Set<String> STARTED_PHASES =
      java.util.Set.of("Running", "Succeeded", "Failed");

  private JobStatusDeriver() {}

  /**
   * The record as the cluster says it is now, or empty when nothing changed. {@code job} is null
   * when no Kubernetes Job exists; {@code pods} are the Job's pods, any order.
   */
  static Optional<JobRecord> derive(JobRecord record, Job job, List<Pod> pods, Instant now) {
    if (!record.state().isActive()) {
      return Optional.empty();
    }
    if (job == null) {
      if (record.state() == JobState.RUNNING) {
        return Optional.of(
            record.transition(JobState.FAILED, "JobDeleted: its Kubernetes Job was deleted", now));
      }
      return Optional.empty();
    }
    Optional<JobCondition> complete = condition(job, "Complete");
    Optional<JobCondition> failed = condition(job, "Failed");
    if (complete.isPresent() || failed.isPresent()) {
      JobRecord ran = record;
      if (ran.state() == JobState.ADMITTED) {
        // It started and ended between two looks: keep the timeline whole.
        Instant started = instant(job.getStatus().getStartTime(), now);
        ran = withNode(ran, pods).transition(JobState.RUNNING, "Started", started);
      }
      if (complete.isPresent()) {
        Instant at =
            instant(
                job.getStatus().getCompletionTime(),
                instant(complete.get().getLastTransitionTime(), now));
        return Optional.of(ran.transition(JobState.SUCCEEDED, "Completed", at));
      }
      JobCondition condition = failed.get();
      Instant at = instant(condition.getLastTransitionTime(), now);
      return Optional.of(ran.transition(JobState.FAILED, failureReason(condition, pods), at));
    }
    // A pod that runs or already ended (the Job controller has not caught up) means it started.
    Optional<Pod> started =
        pods.stream()
            .filter(p -> p.getStatus() != null && STARTED_PHASES.contains(p.getStatus().getPhase()))
            .findFirst();
    if (started.isPresent() && record.state() == JobState.ADMITTED) {
      Pod pod = started.get();
      Instant startedAt = instant(pod.getStatus().getStartTime(), now);
      return Optional.of(
          record
              .withNode(pod.getSpec().getNodeName())
              .transition(
                  JobState.RUNNING, "Running on " + pod.getSpec().getNodeName(), startedAt));
    }
    // Admitted but the pod cannot start (a missing volume, say): say why, without a new state.
    Optional<String> stuck =
        pods.stream()
            .filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null)
            .flatMap(p -> p.getStatus().getConditions().stream())
            .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
            .map(c -> "Pending: " + (c.getMessage() == null ? c.getReason() : c.getMessage()))
            .findFirst();
    if (stuck.isPresent() && !stuck.get().equals(record.reason())) {
      return Optional.of(record.withReason(stuck.get()));
    }
    return Optional.empty();
  }

  private static JobRecord withNode(JobRecord record, List<Pod> pods) {
    return pods.stream()
        .map(p -> p.getSpec().getNodeName())
        .filter(n -> n != null && !n.isEmpty())
        .findFirst()
        .map(record::withNode)
        .orElse(record);
  }

  /** e.g. {@code BackoffLimitExceeded: exit code 1 (Error)} or {@code DeadlineExceeded: ...}. */
  private static String failureReason(JobCondition condition, List<Pod> pods) {
    String reason = condition.getReason() == null ? "Failed" : condition.getReason();
    Optional<ContainerStateTerminated> last =
        pods.stream()
            .filter(p -> p.getStatus().getContainerStatuses() != null)
            .flatMap(p -> p.getStatus().getContainerStatuses().stream())
            .map(ContainerStatus::getState)
            .filter(s -> s != null && s.getTerminated() != null)
            .map(s -> s.getTerminated())
            .filter(t -> t.getExitCode() != null && t.getExitCode() != 0)
            .max(Comparator.comparing(t -> t.getFinishedAt() == null ? "" : t.getFinishedAt()));
    if (last.isPresent()) {
      ContainerStateTerminated t = last.get();
      return reason
          + ": exit code "
          + t.getExitCode()
          + (t.getReason() == null ? "" : " (" + t.getReason() + ")");
    }
    return condition.getMessage() == null ? reason : reason + ": " + condition.getMessage();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static Instant instant(Object time, Instant fallback) {
    if (time instanceof ZonedDateTime zoned) {
      return zoned.toInstant();
    }
    if (time instanceof String text && !text.isEmpty()) {
      return Instant.parse(text);
    }
    return fallback;
  }
}
