package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.Sleeping;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Follows a job to its end, printing each state change. Drives admission itself while the job
 * waits, so {@code --wait} makes progress with no scheduler running.
 */
final class JobFollower {

  private static final long POLL_MILLIS = 1000;

  private JobFollower() {}

  static JobRecord followToEnd(Engine engine, JobRecord start, PrintStream progress) {
    JobRecord job = start;
    String shown = null;
    while (true) {
      String line = job.state() + (job.reason() == null ? "" : " (" + job.reason() + ")");
      if (!line.equals(shown)) {
        progress.printf(
            "%s job/%s %s%n", Instant.now().toString().substring(11, 19), job.id(), line);
        shown = line;
      }
      if (job.state().isTerminal()) {
        return job;
      }
      Sleeping.sleep(POLL_MILLIS);
      if (Thread.currentThread().isInterrupted()) {
        return job;
      }
      engine.admit(); // admits it when it fits, and records its progress
      job = engine.get(job.id());
    }
  }
}
