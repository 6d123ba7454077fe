package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * Reads a job's state off its Kubernetes Job and pods (their {@code spec} and {@code status} as
 * JSON). Pure: the admission pass writes the result into the record; read-only commands show it
 * without writing.
 */
final class JobStatusDeriver {

  /** How long an admitted job may lack its Job before the next pass creates it again. */
  static final java.time.Duration RELAUNCH_AFTER = java.time.Duration.ofSeconds(30);

  private static final Set<String> STARTED_PHASES = Set.of("Running", "Succeeded", "Failed");

  private JobStatusDeriver() {}

  /**
   * The record as the cluster says it is now, or empty when nothing changed. {@code job} is null
   * when no Kubernetes Job exists; {@code pods} are the Job's pods, any order.
   */
  static Optional<JobRecord> derive(
      JobRecord record, JsonNode job, List<JsonNode> pods, Instant now) {
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
    Optional<JsonNode> complete = condition(job, "Complete");
    Optional<JsonNode> failed = condition(job, "Failed");
    if (complete.isPresent() || failed.isPresent()) {
      JobRecord ran = record;
      if (ran.state() == JobState.ADMITTED) {
        // It started and ended between two looks: keep the timeline whole.
        Instant started = instant(job.path("status").path("startTime"), now);
        ran = withNode(ran, pods).transition(JobState.RUNNING, "Started", started);
      }
      if (complete.isPresent()) {
        Instant at =
            instant(
                job.path("status").path("completionTime"),
                instant(complete.get().path("lastTransitionTime"), now));
        return Optional.of(ran.transition(JobState.SUCCEEDED, "Completed", at));
      }
      JsonNode condition = failed.get();
      Instant at = instant(condition.path("lastTransitionTime"), now);
      return Optional.of(ran.transition(JobState.FAILED, failureReason(condition, pods), at));
    }
    // A pod that runs or already ended (the Job controller has not caught up) means it started.
    Optional<JsonNode> started =
        pods.stream()
            .filter(p -> STARTED_PHASES.contains(p.path("status").path("phase").asString("")))
            .findFirst();
    if (started.isPresent() && record.state() == JobState.ADMITTED) {
      JsonNode pod = started.get();
      String node = pod.path("spec").path("nodeName").asString();
      Instant startedAt = instant(pod.path("status").path("startTime"), now);
      return Optional.of(
          record.withNode(node).transition(JobState.RUNNING, "Running on " + node, startedAt));
    }
    // Admitted but the pod cannot start (a missing volume, say): say why, without a new state.
    Optional<String> stuck =
        pods.stream()
            .flatMap(p -> elements(p.path("status").path("conditions")))
            .filter(
                c ->
                    "PodScheduled".equals(c.path("type").asString(""))
                        && "False".equals(c.path("status").asString("")))
            .map(
                c ->
                    "Pending: "
                        + (c.hasNonNull("message")
                            ? c.get("message").asString()
                            : c.path("reason").asString("")))
            .findFirst();
    if (stuck.isPresent() && !stuck.get().equals(record.reason())) {
      return Optional.of(record.withReason(stuck.get()));
    }
    return Optional.empty();
  }

  /** Whether the Job has ended, either way. */
  static boolean isFinished(JsonNode job) {
    return condition(job, "Complete").isPresent() || condition(job, "Failed").isPresent();
  }

  private static JobRecord withNode(JobRecord record, List<JsonNode> pods) {
    return pods.stream()
        .map(p -> p.path("spec").path("nodeName").asString(""))
        .filter(n -> !n.isEmpty())
        .findFirst()
        .map(record::withNode)
        .orElse(record);
  }

  /** e.g. {@code BackoffLimitExceeded: exit code 1 (Error)} or {@code DeadlineExceeded: ...}. */
  private static String failureReason(JsonNode condition, List<JsonNode> pods) {
    String reason = condition.path("reason").asString("Failed");
    Optional<JsonNode> last =
        pods.stream()
            .flatMap(p -> elements(p.path("status").path("containerStatuses")))
            .map(s -> s.path("state").path("terminated"))
            .filter(t -> t.isObject() && t.path("exitCode").asInt(0) != 0)
            .max(Comparator.comparing(t -> t.path("finishedAt").asString("")));
    if (last.isPresent()) {
      JsonNode t = last.get();
      return reason
          + ": exit code "
          + t.path("exitCode").asInt()
          + (t.hasNonNull("reason") ? " (" + t.get("reason").asString() + ")" : "");
    }
    return condition.hasNonNull("message")
        ? reason + ": " + condition.get("message").asString()
        : reason;
  }

  private static Optional<JsonNode> condition(JsonNode job, String type) {
    return elements(job.path("status").path("conditions"))
        .filter(
            c ->
                type.equals(c.path("type").asString(""))
                    && "True".equals(c.path("status").asString("")))
        .findFirst();
  }

  private static java.util.stream.Stream<JsonNode> elements(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static Instant instant(JsonNode time, Instant fallback) {
    String text = time == null ? "" : time.asString("");
    return text.isEmpty() ? fallback : Instant.parse(text);
  }
}
