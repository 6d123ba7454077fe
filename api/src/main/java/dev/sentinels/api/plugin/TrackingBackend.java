package dev.sentinels.api.plugin;

import dev.sentinels.api.JobRecord;
import java.util.List;
import java.util.Optional;

/**
 * Experiment tracking (MLflow, Weights &amp; Biases...): a run per job, created when the job is
 * queued and closed when it ends. At most one tracking backend is configured at a time.
 */
public interface TrackingBackend extends SentinelExtension {

  /**
   * Creates the run for a job about to be queued (the record has its id, spec, user, priority; it
   * is not stored yet). The host stores the returned attributes in the record and gives the env to
   * the job's process. Throwing does not stop the submission: the job is queued untracked, with a
   * warning.
   */
  TrackedRun startRun(JobRecord job) throws Exception;

  /**
   * The job reached a terminal state: set the run's status and end time. Called by the host's
   * delivery (retried with backoff when it throws); must be idempotent.
   */
  void finishRun(JobRecord job) throws Exception;

  /** A link to the job's run for people, from the record's attributes (no I/O). */
  Optional<String> runLink(JobRecord job);

  /** Past runs of a project (all projects when null), newest first, at most {@code limit}. */
  List<RunSummary> runs(String project, int limit) throws Exception;

  /** The job's run with its params and latest metrics, if it has one. */
  Optional<RunSummary> run(JobRecord job) throws Exception;
}
