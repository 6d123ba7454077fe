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
 * {@code --watch}: after the listing, prints a job again whenever its state, reason or node
 * changes, as {@code kubectl get -w} does: one table row (or name, or object) per change. Changes
 * come from the engine's watch; an interrupt (Ctrl-C in the REPL) ends it.
 */
final class Watching {

  private Watching() {}

  /**
   * Prints the listing once the watch is in place (so no change falls between the two), then
   * follows its jobs and any new one {@code wanted} accepts, until interrupted.
   */
  static void follow(
      Engine engine,
      Supplier<List<JobView.Listed>> listing,
      Predicate<JobRecord> wanted,
      JobView view,
      PrintStream out,
      boolean headers) {
    Map<String, String> seen = new ConcurrentHashMap<>();
    JobView changes = new JobView(view.format(), true, view.namespaced());
    String namespace = engine.namespace().orElse(null);
    engine.watch(
        () -> {
          List<JobView.Listed> shown = listing.get();
          view.print(out, shown, Instant.now(), headers);
          shown.forEach(j -> seen.put(j.job().id(), fingerprint(j.job())));
        },
        job -> {
          if ((seen.containsKey(job.id()) || wanted.test(job))
              && !fingerprint(job).equals(seen.put(job.id(), fingerprint(job)))) {
            changes.print(out, JobView.in(namespace, List.of(job)), Instant.now(), false);
            out.flush();
          }
        },
        new AtomicBoolean());
  }

  private static String fingerprint(JobRecord job) {
    return job.state() + "|" + job.reason() + "|" + job.node();
  }
}
