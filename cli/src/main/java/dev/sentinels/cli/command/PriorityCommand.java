package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "priority",
    description = "Change a job's priority.",
    mixinStandardHelpOptions = true,
    subcommands = PriorityCommand.Set.class)
final class PriorityCommand {

  @Command(
      name = "set",
      description = "Move a job to another priority class; it re-sorts in the queue at once.",
      mixinStandardHelpOptions = true,
      footer = {"", "Examples:", "  sentinel priority set job/mnist-7kq2x high"})
  static final class Set extends BackendCommand {
    @Parameters(index = "0", paramLabel = "JOB", description = "Job id or job/<id>.")
    String jobId;

    @Parameters(
        index = "1",
        paramLabel = "CLASS",
        description = "Priority class (see: sentinel priorities).")
    String priorityClass;

    @Override
    java.util.Set<OutputFormat> formats() {
      return EnumSet.of(
          OutputFormat.table, OutputFormat.name, OutputFormat.json, OutputFormat.yaml);
    }

    @Override
    boolean printsTables() {
      return false;
    }

    @Override
    void checkArguments() {
      jobId = JobIds.parse(jobId);
    }

    @Override
    int run(Engine engine) {
      JobRecord job = engine.setPriority(jobId, priorityClass);
      switch (format()) {
        case json, yaml ->
            new JobView(format(), true, false)
                .print(
                    out(),
                    JobView.in(engine.namespace().orElse(null), List.of(job)),
                    Instant.now(),
                    true);
        case name -> out().println("job/" + job.id());
        default ->
            out()
                .println(
                    "job/"
                        + job.id()
                        + " priority "
                        + job.spec().priority()
                        + " ("
                        + job.priorityValue()
                        + ")");
      }
      return ExitCodes.OK;
    }
  }
}
