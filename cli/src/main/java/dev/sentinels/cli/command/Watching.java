package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code --watch}: prints a row again whenever a job's state or reason changes, as kubectl does.
 */
final class Watching {

  private static final long INTERVAL_MILLIS = 1000;

  private Watching() {}

  static void follow(Supplier<List<JobRecord>> jobs, OutputOptions output, PrintStream out) {
    Map<String, String> seen = new HashMap<>();
    jobs.get().forEach(j -> seen.put(j.id(), fingerprint(j)));
    OutputOptions rows = new OutputOptions();
    rows.format = output.format;
    rows.noHeaders = true;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      for (JobRecord job : jobs.get()) {
        String now = fingerprint(job);
        if (!now.equals(seen.put(job.id(), now))) {
          StatusCommand.print(out, List.of(job), rows, Instant.now());
        }
      }
    }
  }

  private static String fingerprint(JobRecord job) {
    return job.state() + "|" + job.reason() + "|" + job.node();
  }
}
