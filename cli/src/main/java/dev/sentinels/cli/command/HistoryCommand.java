package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "history",
    description = "List finished jobs with duration and result, newest first.",
    mixinStandardHelpOptions = true)
final class HistoryCommand extends BackendCommand {

  @Mixin OutputOptions output;

  @Option(names = "--limit", paramLabel = "N", description = "At most N jobs (default: 50).")
  int limit = 50;

  @Override
  int run(Engine engine) {
    List<JobRecord> jobs =
        engine.list(EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)).stream()
            .sorted((a, b) -> b.finishedAt().compareTo(a.finishedAt()))
            .limit(limit)
            .toList();
    switch (output.format()) {
      case json, yaml -> Printer.structured(out(), output.format(), jobs);
      case name -> jobs.forEach(j -> out().println(j.id()));
      default -> {
        Instant now = Instant.now();
        Table table = new Table("ID", "RESULT", "QUEUE", "USER", "FINISHED", "DURATION", "REASON");
        for (JobRecord j : jobs) {
          table.row(
              j.id(),
              j.state(),
              j.spec().queueOrDefault(),
              j.user(),
              Formatting.since(j.finishedAt(), now) + " ago",
              Formatting.age(j.runTime(now)),
              j.reason());
        }
        if (table.isEmpty()) {
          System.err.println("No finished jobs.");
        } else {
          table.print(out(), !output.noHeaders);
        }
      }
    }
    return ExitCodes.OK;
  }
}
