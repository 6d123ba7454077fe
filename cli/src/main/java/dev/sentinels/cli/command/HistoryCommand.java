package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "history",
    description = "List finished jobs with duration and result, newest first.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:", "  sentinel history --limit 10", "  sentinel history -o wide"})
final class HistoryCommand extends BackendCommand {

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "At most N jobs (default: 50; 0 for all).")
  int limit;

  @Override
  void checkArguments() {
    if (limit < 0) {
      throw SentinelException.invalid("--limit: must be 0 (all) or more, got " + limit);
    }
  }

  @Override
  boolean listsAcrossNamespaces() {
    return true;
  }

  @Override
  int run(Engine engine) {
    print(finished(engine), false);
    return ExitCodes.OK;
  }

  @Override
  int runAcross(List<Engine> engines) {
    List<JobView.Listed> jobs = new ArrayList<>();
    engines.forEach(engine -> jobs.addAll(finished(engine)));
    print(jobs, true);
    return ExitCodes.OK;
  }

  private List<JobView.Listed> finished(Engine engine) {
    List<JobRecord> jobs =
        engine.list(EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED));
    return JobView.in(engine.namespace().orElse(null), jobs);
  }

  private void print(List<JobView.Listed> all, boolean namespaced) {
    List<JobView.Listed> jobs =
        all.stream()
            .sorted(Comparator.comparing((JobView.Listed j) -> j.job().finishedAt()).reversed())
            .limit(limit == 0 ? Long.MAX_VALUE : limit)
            .toList();
    Instant now = Instant.now();
    if (format() != OutputFormat.table && format() != OutputFormat.wide) {
      new JobView(format(), false, namespaced).print(out(), jobs, now, headers());
      return;
    }
    boolean wide = format() == OutputFormat.wide;
    List<String> headers = new ArrayList<>();
    if (namespaced) {
      headers.add("NAMESPACE");
    }
    headers.addAll(List.of("ID", "RESULT", "QUEUE", "USER", "FINISHED", "DURATION"));
    if (wide) {
      headers.addAll(List.of("NODE", "IMAGE"));
    }
    headers.add("REASON");
    Table table = new Table(headers.toArray(String[]::new));
    for (JobView.Listed listed : jobs) {
      JobRecord j = listed.job();
      List<Object> cells = new ArrayList<>();
      if (namespaced) {
        cells.add(listed.namespace());
      }
      cells.addAll(
          List.of(
              j.id(),
              j.state(),
              j.spec().queueOrDefault(),
              j.user(),
              Formatting.since(j.finishedAt(), now) + " ago",
              Formatting.age(j.runTime(now))));
      if (wide) {
        cells.add(j.node() == null ? "" : j.node());
        cells.add(j.spec().image() == null ? "" : j.spec().image());
      }
      cells.add(j.reason());
      table.row(cells.toArray());
    }
    if (table.isEmpty()) {
      System.err.println("No finished jobs.");
    } else {
      table.print(out(), headers());
    }
  }
}
