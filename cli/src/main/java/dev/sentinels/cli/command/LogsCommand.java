package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = "Print a job's output.", mixinStandardHelpOptions = true)
final class LogsCommand extends BackendCommand {

  @Parameters(paramLabel = "JOB", description = "Job id.")
  String jobId;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing until the job ends.")
  boolean follow;

  @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
  Integer tail;

  @Override
  int run(Engine engine) {
    engine.logs(jobId, follow, tail, out());
    return ExitCodes.OK;
  }
}
