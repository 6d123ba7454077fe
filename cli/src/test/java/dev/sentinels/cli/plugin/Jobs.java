package dev.sentinels.cli.plugin;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.JobIds;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Records as a backend makes them, for tests that need no cluster. */
public final class Jobs {

  private Jobs() {}

  public static JobSpec spec(String name, String project) {
    return new SpecReader(QueueConfig.defaults())
        .fromOverrides(
            new SpecOverrides()
                .name(name)
                .image("registry.example/train:1.4")
                .set("project=" + project)
                .set("params.lr=0.01")
                .set("params.epochs=3")
                .set("labels.code-version=abc1234"));
  }

  public static JobRecord queued(String name, String project) {
    return queued(name, project, Instant.now());
  }

  public static JobRecord queued(String name, String project, Instant now) {
    JobSpec spec = spec(name, project).withPriority("normal");
    return new JobRecord(
        JobIds.next(name),
        spec,
        "alice",
        1000,
        JobState.QUEUED,
        "Submitted",
        now,
        null,
        List.of(new Transition(JobState.QUEUED, now, "Submitted by alice")),
        Map.of());
  }

  /** The record as it ran and ended in {@code state}. */
  public static JobRecord ended(JobRecord record, JobState state) {
    Instant start = record.submittedAt().plusSeconds(1);
    JobRecord running =
        record
            .transition(JobState.ADMITTED, "Admitted", start)
            .transition(JobState.RUNNING, "Started", start.plusMillis(200));
    return running.transition(state, state.display(), start.plus(Duration.ofSeconds(42)));
  }
}
