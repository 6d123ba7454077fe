package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
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
      description = "Move a job to another priority class.",
      mixinStandardHelpOptions = true)
  static final class Set extends BackendCommand {
    @Parameters(index = "0", paramLabel = "JOB", description = "Job id.")
    String jobId;

    @Parameters(
        index = "1",
        paramLabel = "CLASS",
        description = "Priority class (see: sentinel priorities).")
    String priorityClass;

    @Override
    int run(Engine engine) {
      JobRecord job = engine.setPriority(jobId, priorityClass);
      out()
          .println(
              "job/"
                  + job.id()
                  + " priority "
                  + job.spec().priority()
                  + " ("
                  + job.priorityValue()
                  + ")");
      return ExitCodes.OK;
    }
  }
}
