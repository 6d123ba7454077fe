package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "cancel",
    description =
        "Cancel jobs: queued ones leave the queue, running ones are stopped. Records stay.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:", "  sentinel cancel job/mnist-7kq2x --reason 'wrong data'"})
final class CancelCommand extends BackendCommand {

  @Parameters(arity = "1..*", paramLabel = "JOB", description = "Job ids or job/<id>.")
  List<String> jobIds;

  @Option(names = "--reason", description = "Why, recorded in the timeline.")
  String reason;

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.of(OutputFormat.table, OutputFormat.name);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  void checkArguments() {
    jobIds = JobIds.parse(jobIds);
  }

  @Override
  int run(Engine engine) {
    int exit = ExitCodes.OK;
    String user = System.getProperty("user.name");
    for (String id : jobIds) {
      try {
        JobRecord job = engine.cancel(id, reason != null ? reason : "Cancelled by " + user);
        out().println("job/" + job.id() + (format() == OutputFormat.name ? "" : " cancelled"));
      } catch (SentinelException e) {
        // Keep going: one bad id should not spare the others.
        System.err.println("error: " + e.getMessage());
        exit = Math.max(exit, e.exitCode());
      }
    }
    return exit;
  }
}
