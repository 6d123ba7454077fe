package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.plugin.Jobs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** How a record follows its Kubernetes Job and pods, case by case (Kueue's table style). */
class JobStatusDeriverTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  /**
   * A case: the record's state, its Job and pods as the API server returns them (null: none), and
   * what the record becomes (null: unchanged), with its timeline's states.
   */
  record Case(
      String name,
      JobState state,
      String reason,
      String job,
      List<String> pods,
      Expected expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  record Expected(JobState state, String reason, String node, List<JobState> timeline) {}

  static Stream<Arguments> cases() {
    String running = pod("Running", "kwok-node-1", "2026-12-01T11:58:00Z", null);
    return Stream.of(
            new Case(
                "a queued record is the pass's, not the Job's",
                JobState.QUEUED,
                null,
                null,
                List.of(),
                null),
            new Case(
                "admitted with no Job yet waits for its launch",
                JobState.ADMITTED,
                null,
                null,
                List.of(),
                null),
            new Case(
                "running with its Job deleted failed",
                JobState.RUNNING,
                null,
                null,
                List.of(),
                new Expected(
                    JobState.FAILED,
                    "JobDeleted: its Kubernetes Job was deleted",
                    null,
                    List.of(
                        JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING, JobState.FAILED))),
            new Case(
                "a pod running moves admitted to running on its node",
                JobState.ADMITTED,
                null,
                job(),
                List.of(running),
                new Expected(
                    JobState.RUNNING,
                    "Running on kwok-node-1",
                    "kwok-node-1",
                    List.of(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING))),
            new Case(
                "running and still running changes nothing",
                JobState.RUNNING,
                null,
                job(),
                List.of(running),
                null),
            new Case(
                "complete succeeds",
                JobState.RUNNING,
                null,
                job(condition("Complete", null, null), "2026-12-01T11:59:30Z"),
                List.of(running),
                new Expected(
                    JobState.SUCCEEDED,
                    "Completed",
                    null,
                    List.of(
                        JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING, JobState.SUCCEEDED))),
            new Case(
                "started and ended between two looks keeps the timeline whole",
                JobState.ADMITTED,
                null,
                job(condition("Complete", null, null), "2026-12-01T11:59:30Z"),
                List.of(running),
                new Expected(
                    JobState.SUCCEEDED,
                    "Completed",
                    "kwok-node-1",
                    List.of(
                        JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING, JobState.SUCCEEDED))),
            new Case(
                "failed says the container's exit code",
                JobState.RUNNING,
                null,
                job(condition("Failed", "BackoffLimitExceeded", "Job has reached the limit"), null),
                List.of(
                    pod(
                        "Failed",
                        "kwok-node-1",
                        "2026-12-01T11:58:00Z",
                        terminated(1, "Error", "2026-12-01T11:58:10Z")),
                    pod(
                        "Failed",
                        "kwok-node-2",
                        "2026-12-01T11:58:20Z",
                        terminated(3, "Error", "2026-12-01T11:58:40Z"))),
                new Expected(
                    JobState.FAILED,
                    "BackoffLimitExceeded: exit code 3 (Error)",
                    null,
                    List.of(
                        JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING, JobState.FAILED))),
            new Case(
                "failed with no exit code says the Job's message",
                JobState.RUNNING,
                null,
                job(
                    condition(
                        "Failed",
                        "DeadlineExceeded",
                        "Job was active longer than specified deadline"),
                    null),
                List.of(running),
                new Expected(
                    JobState.FAILED,
                    "DeadlineExceeded: Job was active longer than specified deadline",
                    null,
                    List.of(
                        JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING, JobState.FAILED))),
            new Case(
                "a pod that cannot be scheduled says why and stays admitted",
                JobState.ADMITTED,
                null,
                job(),
                List.of(unschedulable()),
                new Expected(
                    JobState.ADMITTED,
                    "Pending: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.",
                    null,
                    List.of(JobState.QUEUED, JobState.ADMITTED))),
            new Case(
                "an image that cannot be pulled fails the job at once, naming it",
                JobState.ADMITTED,
                null,
                job(),
                List.of(
                    waiting(
                        "ErrImagePull",
                        "failed to pull and unpack image \\\"docker.io/library/nope:1\\\"")),
                new Expected(
                    JobState.FAILED,
                    "ImagePullFailed: cannot get image registry.example/train:1.4: ErrImagePull (failed to"
                        + " pull and unpack image \"docker.io/library/nope:1\")",
                    null,
                    List.of(JobState.QUEUED, JobState.ADMITTED, JobState.FAILED))),
            new Case(
                "an image in pull back-off fails the same way",
                JobState.ADMITTED,
                null,
                job(),
                List.of(waiting("ImagePullBackOff", null)),
                new Expected(
                    JobState.FAILED,
                    "ImagePullFailed: cannot get image registry.example/train:1.4: ImagePullBackOff",
                    null,
                    List.of(JobState.QUEUED, JobState.ADMITTED, JobState.FAILED))),
            new Case(
                "an image the node may not pull and does not have fails too",
                JobState.ADMITTED,
                null,
                job(),
                List.of(waiting("ErrImageNeverPull", "image not present with pull policy Never")),
                new Expected(
                    JobState.FAILED,
                    "ImagePullFailed: cannot get image registry.example/train:1.4: ErrImageNeverPull"
                        + " (image not present with pull policy Never)",
                    null,
                    List.of(JobState.QUEUED, JobState.ADMITTED, JobState.FAILED))),
            new Case(
                "a container still creating is not a failure",
                JobState.ADMITTED,
                null,
                job(),
                List.of(waiting("ContainerCreating", null)),
                null),
            new Case(
                "the same pending reason again writes nothing",
                JobState.ADMITTED,
                "Pending: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.",
                job(),
                List.of(unschedulable()),
                null))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void derives(Case c) {
    JobRecord record = record(c.state(), c.reason());
    JsonNode job = c.job() == null ? null : json(c.job());
    List<JsonNode> pods = c.pods().stream().map(JobStatusDeriverTest::json).toList();

    Optional<JobRecord> derived = JobStatusDeriver.derive(record, job, pods, NOW);

    if (c.expected() == null) {
      assertEquals(Optional.empty(), derived);
      return;
    }
    JobRecord next = derived.orElseThrow();
    assertEquals(c.expected().state(), next.state());
    assertEquals(c.expected().reason(), next.reason());
    if (c.expected().node() != null) {
      assertEquals(c.expected().node(), next.node());
    }
    assertEquals(c.expected().timeline(), next.timeline().stream().map(Transition::state).toList());
  }

  private static JobRecord record(JobState state, String reason) {
    JobRecord record = Jobs.queued("train", "vision");
    List<JobState> path = new ArrayList<>();
    if (state != JobState.QUEUED) {
      path.add(JobState.ADMITTED);
    }
    if (state == JobState.RUNNING) {
      path.add(JobState.RUNNING);
    }
    for (JobState step : path) {
      record = record.transition(step, step.display(), NOW.minusSeconds(300));
    }
    return reason == null ? record : record.withReason(reason);
  }

  private static JsonNode json(String text) {
    return StreamingList.MAPPER.readTree(text);
  }

  private static String job(String... conditionsAndCompletion) {
    String condition = conditionsAndCompletion.length > 0 ? conditionsAndCompletion[0] : null;
    String completion = conditionsAndCompletion.length > 1 ? conditionsAndCompletion[1] : null;
    return "{\"status\": {\"startTime\": \"2026-12-01T11:57:00Z\""
        + (completion == null ? "" : ", \"completionTime\": \"" + completion + "\"")
        + (condition == null ? "" : ", \"conditions\": [" + condition + "]")
        + "}}";
  }

  private static String condition(String type, String reason, String message) {
    return "{\"type\": \""
        + type
        + "\", \"status\": \"True\", \"lastTransitionTime\": \"2026-12-01T11:59:40Z\""
        + (reason == null ? "" : ", \"reason\": \"" + reason + "\"")
        + (message == null ? "" : ", \"message\": \"" + message + "\"")
        + "}";
  }

  private static String pod(String phase, String node, String started, String terminated) {
    return "{\"spec\": {\"nodeName\": \""
        + node
        + "\"}, \"status\": {\"phase\": \""
        + phase
        + "\", \"startTime\": \""
        + started
        + "\""
        + (terminated == null
            ? ""
            : ", \"containerStatuses\": [{\"state\": {\"terminated\": " + terminated + "}}]")
        + "}}";
  }

  private static String terminated(int code, String reason, String finished) {
    return "{\"exitCode\": "
        + code
        + ", \"reason\": \""
        + reason
        + "\", \"finishedAt\": \""
        + finished
        + "\"}";
  }

  private static String unschedulable() {
    return "{\"spec\": {}, \"status\": {\"phase\": \"Pending\", \"conditions\": [{\"type\":"
        + " \"PodScheduled\", \"status\": \"False\", \"reason\": \"Unschedulable\","
        + " \"message\": \"0/4 nodes are available: 4 Insufficient nvidia.com/gpu.\"}]}}";
  }

  private static String waiting(String reason, String message) {
    return "{\"spec\": {\"nodeName\": \"real-node-0\"}, \"status\": {\"phase\": \"Pending\","
        + " \"containerStatuses\": [{\"state\": {\"waiting\": {\"reason\": \""
        + reason
        + "\""
        + (message == null ? "" : ", \"message\": \"" + message + "\"")
        + "}}}]}}";
  }
}
