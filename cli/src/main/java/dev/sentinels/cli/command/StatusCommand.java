package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    description = "Show running and recent jobs, or the named ones.",
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  sentinel status                       active, queued and last day's jobs",
      "  sentinel status job/mnist-7kq2x -o yaml",
      "  sentinel status --state Failed --all -o name",
      "  sentinel status --watch"
    })
final class StatusCommand extends BackendCommand {

  @Parameters(
      paramLabel = "JOB",
      description = "Job ids or job/<id> (default: active, queued and recent jobs).")
  List<String> jobIds = new ArrayList<>();

  @Option(
      names = "--state",
      split = ",",
      paramLabel = "STATE",
      description =
          "Only jobs in these states (Queued, Admitted, Running, Succeeded, Failed, Cancelled).",
      converter = JobStateConverter.class)
  Set<JobState> states = EnumSet.noneOf(JobState.class);

  @Option(names = "--all", description = "Include all finished jobs, not just the last day's.")
  boolean all;

  @Option(
      names = {"-w", "--watch"},
      description = "After listing, print changes as they happen (Ctrl-C stops).")
  boolean watch;

  static final Duration RECENT = Duration.ofHours(24);

  @Override
  void checkArguments() {
    jobIds = JobIds.parse(jobIds);
  }

  @Override
  boolean listsAcrossNamespaces() {
    return jobIds.isEmpty() && !watch;
  }

  @Override
  int run(Engine engine) {
    PrintStream out = out();
    JobView view = new JobView(format(), jobIds.size() == 1, false);
    String namespace = engine.namespace().orElse(null);
    if (watch) {
      Watching.follow(
          engine, () -> JobView.in(namespace, select(engine)), this::shows, view, out, headers());
    } else {
      view.print(out, JobView.in(namespace, select(engine)), Instant.now(), headers());
    }
    return ExitCodes.OK;
  }

  @Override
  int runAcross(List<Engine> engines) {
    List<JobView.Listed> jobs = new ArrayList<>();
    for (Engine engine : engines) {
      jobs.addAll(JobView.in(engine.namespace().orElse(null), select(engine)));
    }
    new JobView(format(), false, true).print(out(), jobs, Instant.now(), headers());
    return ExitCodes.OK;
  }

  private List<JobRecord> select(Engine engine) {
    if (!jobIds.isEmpty()) {
      List<JobRecord> jobs = new ArrayList<>();
      for (String id : jobIds) {
        jobs.add(engine.get(id));
      }
      return jobs;
    }
    List<JobRecord> jobs = new ArrayList<>();
    for (JobRecord job : engine.list(states)) {
      if (shows(job)) {
        jobs.add(job);
      }
    }
    return jobs;
  }

  /** Whether this invocation lists {@code job}: named, in the asked states, or active or recent. */
  private boolean shows(JobRecord job) {
    if (!jobIds.isEmpty()) {
      return jobIds.contains(job.id());
    }
    if (!states.isEmpty()) {
      return states.contains(job.state());
    }
    return all
        || !job.state().isTerminal()
        || (job.finishedAt() != null && job.finishedAt().isAfter(Instant.now().minus(RECENT)));
  }
}
