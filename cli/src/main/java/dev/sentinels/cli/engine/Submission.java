package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.Retry;
import dev.sentinels.cli.support.Retry.Attempt;
import dev.sentinels.cli.support.SentinelException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A submitted spec becoming its first record, and its priority class, the same on every backend.
 */
public final class Submission {

  private static final int ID_ATTEMPTS = 5;

  private Submission() {}

  /**
   * Resolves the spec's priority class, builds the Queued record under a fresh id, lets the plugins
   * see it before its first write (tracking run, env for the job, link to its logs), and stores it.
   *
   * @param namespace where it runs ({@code local} on the local backend), for the logs link
   * @param createIfAbsent stores the record; false when its id is taken, and another is tried
   */
  public static JobRecord store(
      JobSpec spec,
      QueueConfig config,
      String user,
      Instant now,
      JobHooks hooks,
      String namespace,
      Predicate<JobRecord> createIfAbsent) {
    PriorityClass priority =
        config
            .resolvePriority(spec.priority())
            .orElseThrow(
                () ->
                    SentinelException.invalid(
                        "priority: unknown priority class \"" + spec.priority() + "\""));
    // The record names its class explicitly, so a later change of the default does not move it.
    JobSpec resolved = spec.withPriority(priority.name());
    return Retry.upTo(
        ID_ATTEMPTS,
        () -> {
          JobRecord fresh =
              new JobRecord(
                  JobIds.next(spec.name()),
                  resolved,
                  user,
                  priority.value(),
                  JobState.QUEUED,
                  "Submitted",
                  now,
                  null,
                  List.of(new Transition(JobState.QUEUED, now, "Submitted by " + user)),
                  Map.of());
          JobRecord candidate =
              hooks.logs().withLink(hooks.onSubmit(fresh, System.err::println), namespace);
          return createIfAbsent.test(candidate) ? Attempt.done(candidate) : Attempt.again();
        },
        () ->
            new SentinelException(
                ExitCodes.INTERNAL, "could not pick a unique job id for " + spec.name()));
  }

  /**
   * The class named {@code name} (for {@code priority set}), or a usage error listing the known.
   */
  public static PriorityClass priorityClass(QueueConfig config, String name) {
    return config
        .priorityClass(name)
        .orElseThrow(
            () ->
                SentinelException.invalid(
                    "priority: unknown priority class \""
                        + name
                        + "\"; known: "
                        + String.join(
                            ", ",
                            config.priorityClasses().stream().map(PriorityClass::name).toList())));
  }
}
