package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.QueueView;
import dev.sentinels.cli.queue.Decision;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "submit",
    description = {
      "Queue an experiment: a spec file, flags, or both (flags win).",
      "Prints the job id and its place in the queue."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  sentinel submit -f examples/specs/mnist.yaml",
      "  sentinel submit -f train.yaml --set params.lr=0.01 --gpus 2 --priority high",
      "  sentinel submit --name smoke --image python:3.12 -- python -c 'print(42)'"
    })
final class SubmitCommand extends BackendCommand {

  @Option(
      names = {"-f", "--file"},
      paramLabel = "SPEC",
      description = "Job spec YAML file.")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "FIELD=VALUE",
      description = "Override a spec field, e.g. resources.gpu=2, params.lr=0.1.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--name", description = "Job name.")
  String name;

  @Option(names = "--image", description = "Container image.")
  String image;

  @Option(names = "--cpu", description = "CPU request, e.g. 2 or 500m.")
  String cpu;

  @Option(names = "--memory", description = "Memory request, e.g. 4Gi.")
  String memory;

  @Option(names = "--gpus", description = "Number of GPUs.")
  String gpus;

  @Option(names = "--priority", description = "Priority class (see: sentinel priorities).")
  String priority;

  @Option(names = "--queue", description = "Queue (see: sentinel queues).")
  String queue;

  @Option(
      names = "--node-selector",
      paramLabel = "KEY=VALUE",
      description = "Run only on nodes with this label (repeatable), e.g. gpu=a100.")
  List<String> nodeSelectors = new ArrayList<>();

  @Option(
      names = "--toleration",
      paramLabel = "KEY[=VALUE][:EFFECT]",
      description =
          "Tolerate a node taint (repeatable), e.g. nvidia.com/gpu:NoSchedule; with no value, any"
              + " value.")
  List<String> tolerations = new ArrayList<>();

  @Option(
      names = "--wait",
      description =
          "Follow the job to its end; exit 0 if it succeeded, 1 if not (at once if it cannot"
              + " run as configured).")
  boolean waitForEnd;

  @Option(
      names = "--wait-for-capacity",
      description =
          "With --wait: keep waiting even when no node or quota can hold the job yet (nodes that"
              + " join later).")
  boolean waitForCapacity;

  @Parameters(paramLabel = "COMMAND", description = "After --: the command and its arguments.")
  List<String> command = new ArrayList<>();

  @Override
  void checkArguments() {
    if (waitForCapacity && !waitForEnd) {
      throw SentinelException.invalid("--wait-for-capacity: only with --wait");
    }
  }

  @Override
  int run(Engine engine) {
    SpecOverrides overrides = new SpecOverrides();
    sets.forEach(overrides::set);
    Optional.ofNullable(name).ifPresent(overrides::name);
    Optional.ofNullable(image).ifPresent(overrides::image);
    Optional.ofNullable(cpu).ifPresent(overrides::cpu);
    Optional.ofNullable(memory).ifPresent(overrides::memory);
    Optional.ofNullable(gpus).ifPresent(overrides::gpus);
    Optional.ofNullable(priority).ifPresent(overrides::priority);
    Optional.ofNullable(queue).ifPresent(overrides::queue);
    nodeSelectors.forEach(overrides::nodeSelector);
    tolerations.forEach(overrides::toleration);
    if (!command.isEmpty()) {
      overrides.command(command);
    }
    SpecReader reader = new SpecReader(engine.queueConfig());
    JobSpec jobSpec = file != null ? reader.read(file, overrides) : reader.fromOverrides(overrides);

    JobRecord record = engine.submit(jobSpec);
    PrintStream out = out();
    QueueView queue = record.state() == JobState.QUEUED ? queueIfVisible(engine) : null;
    Optional<Decision> decision =
        queue == null ? Optional.empty() : queue.plan().decision(record.id());
    Optional<String> never =
        decision
            .filter(d -> !d.admitted() && d.reason().cannotRunAsConfigured())
            .map(Decision::message);
    switch (format()) {
      case json, yaml ->
          new JobView(format(), true, false)
              .print(
                  out,
                  JobView.in(engine.namespace().orElse(null), List.of(record)),
                  Instant.now(),
                  true);
      case name -> out.println("job/" + record.id());
      default -> out.println(summary(record, queue, decision));
    }
    never.ifPresent(
        why ->
            System.err.println(
                "warning: job/"
                    + record.id()
                    + " cannot run as configured; it stays queued until nodes or quotas change"
                    + " (sentinel cancel job/"
                    + record.id()
                    + ")"));
    if (!waitForEnd) {
      return ExitCodes.OK;
    }
    if (never.isPresent() && !waitForCapacity) {
      System.err.println(
          "error: not waiting for job/"
              + record.id()
              + ": "
              + never.get()
              + " (--wait-for-capacity waits anyway)");
      return ExitCodes.FAILED;
    }
    JobRecord last = JobFollower.followToEnd(engine, record, System.err);
    return last.state() == JobState.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /**
   * The queue as it is now, for the job's place in it; empty for a user who may not read the
   * cluster's capacity (a sentinels-user): the job is queued all the same.
   */
  private static QueueView queueIfVisible(Engine engine) {
    try {
      return engine.queue();
    } catch (RuntimeException e) {
      if (ErrorReport.exitCode(e) == ExitCodes.FORBIDDEN) {
        return null;
      }
      throw e;
    }
  }

  private static String summary(JobRecord record, QueueView queue, Optional<Decision> decision) {
    String head = "job/" + record.id() + " submitted to queue " + record.spec().queueOrDefault();
    if (record.state() != JobState.QUEUED) {
      return head + ": " + record.state().display().toLowerCase(java.util.Locale.ROOT);
    }
    return decision
        .map(
            d ->
                head
                    + ", position "
                    + d.position()
                    + " of "
                    + queue.pending().size()
                    + (d.admitted() ? "" : ": " + d.message()))
        .orElse(head);
  }

  @Override
  java.util.Set<OutputFormat> formats() {
    return java.util.EnumSet.of(
        OutputFormat.table, OutputFormat.name, OutputFormat.json, OutputFormat.yaml);
  }

  @Override
  boolean printsTables() {
    return false;
  }
}
