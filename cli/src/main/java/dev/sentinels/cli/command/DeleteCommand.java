package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "delete",
    description = {
      "Delete jobs and their records, as kubectl delete does: a queued or running job is cancelled",
      "first; its Kubernetes Job and pods (or its local directory: output, artifacts) go too.",
      "MLflow runs stay. Unlike cancel, nothing is left to show in status or history."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  sentinel delete job/mnist-7kq2x",
      "  sentinel delete --all --state Failed,Cancelled   clear out what did not work",
      "  sentinel delete --all -A                          every job in every namespace"
    })
final class DeleteCommand extends BackendCommand {

  @Parameters(paramLabel = "JOB", description = "Job ids or job/<id>.")
  List<String> jobIds = new ArrayList<>();

  @Option(names = "--all", description = "Every job (of --state, when given) instead of ids.")
  boolean all;

  @Option(
      names = "--state",
      split = ",",
      paramLabel = "STATE",
      description = "With --all: only jobs in these states.",
      converter = JobStateConverter.class)
  Set<JobState> states = EnumSet.noneOf(JobState.class);

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.of(OutputFormat.table, OutputFormat.name);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  boolean listsAcrossNamespaces() {
    return all;
  }

  @Override
  void checkArguments() {
    jobIds = JobIds.parse(jobIds);
    if (all == !jobIds.isEmpty()) {
      throw SentinelException.invalid(
          all
              ? "--all: give either job ids or --all, not both"
              : "JOB: give the jobs to delete, or --all");
    }
    if (!states.isEmpty() && !all) {
      throw SentinelException.invalid("--state: only with --all (name the jobs, or select them)");
    }
  }

  @Override
  int run(Engine engine) {
    List<String> ids = all ? selected(engine) : jobIds;
    return delete(engine, ids);
  }

  @Override
  int runAcross(List<Engine> engines) {
    int exit = ExitCodes.OK;
    for (Engine engine : engines) {
      exit = Math.max(exit, delete(engine, selected(engine)));
    }
    return exit;
  }

  private List<String> selected(Engine engine) {
    return engine.list(states).stream().map(JobRecord::id).toList();
  }

  private int delete(Engine engine, List<String> ids) {
    String why = "Deleted by " + System.getProperty("user.name");
    return EachJob.apply(ids, out(), format(), "deleted", id -> engine.delete(id, why));
  }
}
