package dev.sentinels.cli.engine.port;

import dev.sentinels.api.JobRecord;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Where admitted jobs run: Kubernetes Jobs on the cluster's nodes, or processes and containers on
 * this machine. The engine decides; the runtime carries out and reports.
 */
public interface JobRuntime {

  /** Nodes, what is requested of them, and where active jobs are placed, read now. */
  Capacity capacity();

  /**
   * The records as the runtime says they are now (an active job whose Job completed is Succeeded),
   * without writing anything; records it has nothing to say about come back as given.
   */
  List<JobRecord> observe(List<JobRecord> records);

  /**
   * Within an admission pass: brings the runtime in line with the live records (recreates what a
   * crash left unlaunched, removes what runs for a cancelled record) and returns the records whose
   * state it moved on, for the pass to write.
   */
  List<JobRecord> reconcile(Collection<JobRecord> live);

  /** Starts an admitted job; starting one that already runs changes nothing. */
  void launch(JobRecord admitted);

  /** Stops whatever runs for the job (cancel); nothing when nothing runs. */
  void stop(JobRecord record);

  /**
   * Removes what running the (ended) job left: its Kubernetes Job and pods, or its local directory
   * with output and artifacts. For {@code sentinel delete}.
   */
  default void remove(JobRecord record) {
    stop(record);
  }

  /** The job's output, once it has any (a pod past Pending, an output file). */
  Optional<JobOutput> output(JobRecord record);

  /**
   * Starts shipping jobs' output to {@code sink} (or, with none, only keeping what shipping and
   * {@code logs --since} need) for as long as the returned handle is open; the scheduler's loop
   * holds it. A backend whose output is shipped by something else returns {@link
   * OutputShipping#NONE}.
   */
  default OutputShipping shipOutput(Optional<OutputShipping.Sink> sink, java.io.PrintStream log) {
    return OutputShipping.NONE;
  }

  /** Runtime detail for {@code describe}: objects and events, or the local process. */
  List<DescribeSection> describe(JobRecord record);

  /**
   * What a user should hear at submit about running this spec here, one line each (an image the
   * container engine could not pull lately); none by default.
   */
  default List<String> submitWarnings(dev.sentinels.api.JobSpec spec) {
    return List.of();
  }

  /**
   * Told after a command that leaves jobs admitted or running: a runtime that needs a process of
   * its own to move them along (the local runner) makes sure one runs.
   */
  default void keepAlive() {}

  /**
   * Reports jobs' live records as they change, until {@code stop} or an interrupt; {@code onReady}
   * runs once the watch is in place. False when the runtime has no change notifications (the engine
   * then polls).
   */
  default boolean watch(Runnable onReady, Consumer<JobRecord> onChange, AtomicBoolean stop) {
    return false;
  }
}
