package dev.sentinels.cli.backend;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.plugin.JobHooks;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Where jobs are queued and run: a Kubernetes namespace or the embedded local store. Commands talk
 * to this interface only, so both backends behave the same; both admit with the one policy in
 * {@code dev.sentinels.cli.queue}.
 */
public interface Backend extends AutoCloseable {

  /** For people: which cluster and namespace, or which local home. */
  String target();

  /** Priority classes, queues and quotas in force. */
  QueueConfig queueConfig();

  /** Queues the job (state Queued), then runs one admission pass. Returns the record after it. */
  JobRecord submit(JobSpec spec);

  /** The job, or {@link SentinelException#notFound}. */
  JobRecord get(String jobId);

  /** Jobs in any of {@code states} (all when empty), newest first. */
  List<JobRecord> list(Set<JobState> states);

  /** The queued jobs in admission order, with why each waits. */
  QueueView queue();

  /** Cancels a queued or running job; the record stays, as Cancelled. */
  JobRecord cancel(String jobId, String why);

  /** Moves the job to another priority class; it re-sorts in the queue at once. */
  JobRecord setPriority(String jobId, String priorityClass);

  /** Copies the job's output to {@code out}; with {@code follow}, until the job ends. */
  void logs(String jobId, boolean follow, Integer tailLines, PrintStream out);

  /** Capacity against requests, per node. */
  List<NodeView> nodes();

  /** One admission pass: syncs states of active jobs, then admits what fits. */
  PassReport admit();

  /** Backend-specific detail for {@code describe}: objects, events, process info. */
  List<DescribeSection> describeDetails(String jobId);

  /**
   * Calls {@code onChange} with jobs' current records as they change, until {@code stop} is set or
   * the thread is interrupted; it may repeat unchanged records. {@code onReady} runs once the watch
   * is in place, before any change is reported: a listing made then misses nothing. This default
   * re-reads every job each second; a backend with change notifications does better.
   */
  default void watch(Runnable onReady, Consumer<JobRecord> onChange, AtomicBoolean stop) {
    onReady.run();
    while (!stop.get()) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      list(Set.of()).forEach(onChange);
    }
  }

  /**
   * The plugin seam (tracking, notifications): built lazily, loads plugins only when a path needs
   * them. A backend calls {@code hooks().onSubmit} before a new record's first write and {@code
   * hooks().deliver} after passes; see {@link JobHooks}.
   */
  default JobHooks hooks() {
    return JobHooks.none(java.time.Clock.systemUTC());
  }

  /** Runs admission continuously until {@code stop} is set, reporting to {@code log}. */
  void runScheduler(AtomicBoolean stop, PrintStream log);

  @Override
  void close();

  /** A titled block of lines in {@code describe}. */
  record DescribeSection(String title, List<String> lines) {}
}
