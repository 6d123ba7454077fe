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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    description = "Show running and recent jobs, or the named ones.",
    mixinStandardHelpOptions = true)
final class StatusCommand extends BackendCommand {

  @Mixin OutputOptions output;

  @Parameters(
      paramLabel = "JOB",
      description = "Job ids (default: active, queued and recent jobs).")
  List<String> jobIds = new ArrayList<>();

  @Option(
      names = "--state",
      split = ",",
      paramLabel = "STATE",
      description =
          "Only jobs in these states (Queued, Admitted, Running, Succeeded, Failed, Cancelled).",
      converter = JobStateConverter.class)
  Set<JobState> states = EnumSet.noneOf(JobState.class);

  @Option(
      names = {"-A", "--all"},
      description = "Include all finished jobs, not just the last day's.")
  boolean all;

  @Option(
      names = {"-w", "--watch"},
      description = "After listing, print changes as they happen.")
  boolean watch;

  static final Duration RECENT = Duration.ofHours(24);

  @Override
  int run(Engine engine) {
    PrintStream out = out();
    if (watch) {
      Watching.follow(engine, () -> select(engine), this::shows, output, out);
    } else {
      print(out, select(engine), output, Instant.now());
    }
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

  static void print(PrintStream out, List<JobRecord> jobs, OutputOptions output, Instant now) {
    switch (output.format()) {
      case json, yaml -> Printer.structured(out, output.format(), jobs);
      case name -> jobs.forEach(j -> out.println(j.id()));
      default -> {
        boolean wide = output.format() == OutputOptions.Format.wide;
        List<String> headers =
            new ArrayList<>(
                List.of(
                    "ID",
                    "STATE",
                    "QUEUE",
                    "PRIORITY",
                    "AGE",
                    "DURATION",
                    "CPU",
                    "MEMORY",
                    "GPU",
                    "NODE"));
        if (wide) {
          headers.addAll(List.of("USER", "IMAGE", "REASON"));
        }
        Table table = new Table(headers.toArray(String[]::new));
        for (JobRecord job : jobs) {
          var r = job.spec().resources();
          List<Object> cells =
              new ArrayList<>(
                  List.of(
                      job.id(),
                      job.state(),
                      job.spec().queueOrDefault(),
                      job.spec().priority() == null ? "" : job.spec().priority(),
                      Formatting.since(job.submittedAt(), now),
                      Formatting.age(job.runTime(now)),
                      Formatting.cpu(r.cpuMillis()),
                      Formatting.memory(r.memoryBytes()),
                      r.gpus(),
                      job.node() == null ? "" : job.node()));
          if (wide) {
            cells.add(job.user());
            cells.add(job.spec().image());
            cells.add(job.reason());
          }
          table.row(cells.toArray());
        }
        if (table.isEmpty()) {
          System.err.println("No jobs found.");
        } else {
          table.print(out, !output.noHeaders);
        }
      }
    }
  }
}
