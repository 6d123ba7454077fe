package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
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
    String why = reason != null ? reason : "Cancelled by " + System.getProperty("user.name");
    return EachJob.apply(jobIds, out(), format(), "cancelled", id -> engine.cancel(id, why));
  }
}
