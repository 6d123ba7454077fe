package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "logs",
    description = "Print a job's output (stdout and stderr, as kubectl logs shows them).",
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  sentinel logs -f job/mnist-7kq2x     follow to the end (waits while it is queued)",
      "  sentinel logs --tail 20 mnist-7kq2x"
    })
final class LogsCommand extends BackendCommand {

  @Parameters(paramLabel = "JOB", description = "Job id.")
  String jobId;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing until the job ends (Ctrl-C stops).")
  boolean follow;

  @Option(
      names = "--tail",
      paramLabel = "N",
      defaultValue = "-1",
      description = "Only the last N lines; -1 (the default) for all.")
  int tail;

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.noneOf(OutputFormat.class);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  void checkArguments() {
    jobId = JobIds.parse(jobId);
    if (tail < -1) {
      throw SentinelException.invalid("--tail: must be -1 (all) or more, got " + tail);
    }
  }

  @Override
  int run(Engine engine) {
    engine.logs(jobId, follow, tail == -1 ? null : tail, out());
    return ExitCodes.OK;
  }
}
