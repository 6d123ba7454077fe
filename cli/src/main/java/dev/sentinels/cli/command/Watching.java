package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.engine.Engine;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code --watch}: after the listing, prints a job's row again whenever its state, reason or node
 * changes, as {@code kubectl get -w} does. Changes come from the engine's watch.
 */
final class Watching {

  private Watching() {}

  /**
   * Prints the listing once the watch is in place (so no change falls between the two), then
   * follows its jobs and any new one {@code wanted} accepts, until interrupted (Ctrl-C).
   */
  static void follow(
      Engine engine,
      Supplier<List<JobRecord>> listing,
      Predicate<JobRecord> wanted,
      OutputOptions output,
      PrintStream out) {
    Map<String, String> seen = new ConcurrentHashMap<>();
    OutputOptions rows = new OutputOptions();
    rows.format = output.format;
    rows.noHeaders = true;
    engine.watch(
        () -> {
          List<JobRecord> shown = listing.get();
          StatusCommand.print(out, shown, output, Instant.now());
          shown.forEach(j -> seen.put(j.id(), fingerprint(j)));
        },
        job -> {
          if ((seen.containsKey(job.id()) || wanted.test(job))
              && !fingerprint(job).equals(seen.put(job.id(), fingerprint(job)))) {
            StatusCommand.print(out, List.of(job), rows, Instant.now());
            out.flush();
          }
        },
        new AtomicBoolean());
  }

  private static String fingerprint(JobRecord job) {
    return job.state() + "|" + job.reason() + "|" + job.node();
  }
}
