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
    // An image that cannot be had will not appear by waiting: end the job now, naming it.
    Optional<String> unpullable = imageProblem(pods);
    if (unpullable.isPresent()) {
      return Optional.of(
          record.transition(
              JobState.FAILED,
              "ImagePullFailed: cannot get image "
                  + record.spec().image()
                  + ": "
                  + unpullable.get(),
              now));
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

  private static final Set<String> IMAGE_PROBLEMS =
      Set.of("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName");

  /** The kubelet's reason and message when a container's image cannot be had. */
  private static Optional<String> imageProblem(List<JsonNode> pods) {
    return pods.stream()
        .flatMap(p -> elements(p.path("status").path("containerStatuses")))
        .map(s -> s.path("state").path("waiting"))
        .filter(w -> IMAGE_PROBLEMS.contains(w.path("reason").asString("")))
        .map(
            w ->
                w.path("reason").asString()
                    + (w.hasNonNull("message") ? " (" + w.get("message").asString() + ")" : ""))
        .findFirst();
  }

  /** Whether the failure was an image that cannot be had (its Job is removed, not retried). */
  static boolean isImageFailure(JobRecord record) {
    return record.state() == JobState.FAILED
        && record.reason() != null
        && record.reason().startsWith("ImagePullFailed:");
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
      String exit =
          reason
              + ": exit code "
              + t.path("exitCode").asInt()
              + (t.hasNonNull("reason") ? " (" + t.get("reason").asString() + ")" : "");
      // A container that never started (no such command, say): the runtime's message says why.
      return "StartError".equals(t.path("reason").asString("")) && t.hasNonNull("message")
          ? exit + ": " + t.get("message").asString()
          : exit;
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
