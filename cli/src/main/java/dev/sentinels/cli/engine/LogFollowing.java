package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.port.JobOutput;
import dev.sentinels.cli.engine.port.JobRuntime;
import dev.sentinels.cli.support.SentinelException;
import dev.sentinels.cli.support.Sleeping;
import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code logs}: a job's output, from the runtime while it has it. With {@code -f} on a job that has
 * not started, waits (saying so once) until it does or ends without output, then follows it to the
 * end.
 */
final class LogFollowing {

  private static final long WAIT_MILLIS = 250;

  private final JobRuntime runtime;
  private final Function<String, JobRecord> records;

  /**
   * @param records the job's current record by id (live state)
   */
  LogFollowing(JobRuntime runtime, Function<String, JobRecord> records) {
    this.runtime = runtime;
    this.records = records;
  }

  void copy(String jobId, boolean follow, Integer tailLines, PrintStream out) {
    JobRecord record = records.apply(jobId);
    Optional<JobOutput> output = runtime.output(record);
    if (output.isEmpty()) {
      if (!follow || record.state().isTerminal()) {
        throw SentinelException.notFound(
            "job "
                + jobId
                + " is "
                + record.state()
                + " and has no output"
                + (record.state() == JobState.QUEUED ? " yet (see: sentinel queue)" : ""));
      }
      System.err.println("waiting for job " + jobId + " to start (" + record.state() + ")...");
      while (output.isEmpty()) {
        Sleeping.sleep(WAIT_MILLIS);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        record = records.apply(jobId);
        output = runtime.output(record);
        if (output.isEmpty() && record.state().isTerminal()) {
          throw SentinelException.notFound("job " + jobId + " ended without output");
        }
      }
    }
    output.get().copy(tailLines, follow, () -> records.apply(jobId).state().isTerminal(), out);
  }
}
