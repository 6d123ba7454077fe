package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.DescribeSection;
import dev.sentinels.cli.engine.port.JobOutput;
import dev.sentinels.cli.engine.port.JobRuntime;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.engine.port.OutputShipping;
import dev.sentinels.cli.engine.port.StoredRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Jobs as processes (or containers) on this machine, which is the one node. The runner ({@link
 * LocalRunner}) starts admitted jobs and records how they end; commands only make sure one runs.
 */
final class LocalRuntime implements JobRuntime {

  /** Set on a runner a command started: it exits after the idle timeout, and starts no other. */
  static final String DETACHED_PROPERTY = "sentinel.runner.detached";

  private final SentinelHome home;
  private final LocalStore store;
  private final String machine;
  private final Supplier<Resources> total;
  private final Supplier<String> containerEngine;
  private boolean runnerFailedToStart;

  private final Supplier<Integer> metricsPort;

  LocalRuntime(
      SentinelHome home,
      LocalStore store,
      String machine,
      Supplier<Resources> total,
      Supplier<String> containerEngine,
      Supplier<Integer> metricsPort) {
    this.home = home;
    this.metricsPort = metricsPort;
    this.store = store;
    this.machine = machine;
    this.total = total;
    this.containerEngine = containerEngine;
  }

  /** The machine, with what admitted and running jobs request of it; the pass places on it. */
  @Override
  public Capacity capacity() {
    Resources requested = Resources.ZERO;
    Map<String, String> bound = new HashMap<>();
    for (StoredRecord stored : store.list(EnumSet.of(JobState.ADMITTED, JobState.RUNNING))) {
      requested = requested.plus(stored.record().spec().resources());
      bound.put(stored.record().id(), machine);
    }
    NodeView node = new NodeView(machine, total.get(), requested, bound.size(), true, true);
    return new Capacity(List.of(node), bound, true, false);
  }

  /** The runner writes what its processes do as it happens: records are current. */
  @Override
  public List<JobRecord> observe(List<JobRecord> records) {
    return records;
  }

  @Override
  public List<JobRecord> reconcile(Collection<JobRecord> live) {
    return List.of();
  }

  /** The runner starts admitted jobs on its next look; {@link #keepAlive} makes sure it runs. */
  @Override
  public void launch(JobRecord admitted) {}

  /** Kills the job's process tree (and its container), if it has one and it still lives. */
  @Override
  public void stop(JobRecord record) {
    LocalAttributes.handle(record).ifPresent(h -> JobProcesses.kill(h, Duration.ofSeconds(3)));
    String runtime = record.attributes().get(LocalAttributes.RUNTIME);
    if (runtime != null && !runtime.equals("host")) {
      ContainerEngine.detect(runtime).ifPresent(engine -> engine.remove(record.id()));
    }
  }

  /** Stops what may still run, then removes the job's directory (output, work, artifacts). */
  @Override
  public void remove(JobRecord record) {
    stop(record);
    Path dir = home.jobDir(record.id());
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot remove " + dir, e);
    }
  }

  @Override
  public Optional<JobOutput> output(JobRecord record) {
    Path output = home.jobDir(record.id()).resolve(JobProcesses.OUTPUT);
    return Files.exists(output) ? Optional.of(new LocalOutput(output)) : Optional.empty();
  }

  @Override
  public OutputShipping shipOutput(Optional<OutputShipping.Sink> sink, java.io.PrintStream log) {
    return new OutputShipper(
            home,
            store,
            sink,
            message -> {
              log.println(java.time.Instant.now() + " " + message);
              log.flush();
            },
            java.time.Clock.systemUTC())
        .start();
  }

  @Override
  public List<DescribeSection> describe(JobRecord record) {
    Path dir = home.jobDir(record.id());
    List<String> lines = new ArrayList<>();
    lines.add("Job directory: " + dir);
    lines.add("Working dir:   " + dir.resolve(JobProcesses.WORK));
    lines.add("Output:        " + dir.resolve(JobProcesses.OUTPUT));
    lines.add("Artifacts:     " + dir.resolve(JobProcesses.ARTIFACTS));
    String runtime = record.attributes().get(LocalAttributes.RUNTIME);
    if (runtime != null) {
      String digest = record.attributes().get(LocalAttributes.IMAGE_DIGEST);
      lines.add(
          "Ran:           "
              + (runtime.equals("host")
                  ? "on the host"
                  : "in a "
                      + runtime
                      + " container ("
                      + record.spec().image()
                      + (digest == null || record.spec().image().endsWith("@" + digest)
                          ? ""
                          : ", image " + digest)
                      + ")"));
    }
    String engineSaid = record.attributes().get(LocalAttributes.ENGINE_MESSAGE);
    if (engineSaid != null) {
      lines.add("Engine said:   " + engineSaid);
    }
    Optional<JobProcesses.Handle> handle = LocalAttributes.handle(record);
    handle.ifPresent(
        h ->
            lines.add(
                "PID:           "
                    + h.pid()
                    + " (process group; "
                    + (JobProcesses.alive(h) ? "alive" : "ended")
                    + ")"));
    OptionalInt exit = JobProcesses.exitCode(dir);
    String recorded = record.attributes().get(LocalAttributes.EXIT_CODE);
    if (recorded != null || exit.isPresent()) {
      lines.add(
          "Exit code:     " + (recorded != null ? recorded : Integer.toString(exit.getAsInt())));
    }
    if (runtime == null && handle.isEmpty()) {
      lines.add("Process:       not started");
    }
    return List.of(new DescribeSection("Local process", lines));
  }

  @Override
  public List<String> submitWarnings(dev.sentinels.api.JobSpec spec) {
    if (spec.image() == null) {
      return List.of();
    }
    var failure = ImagePulls.recentFailure(home, spec.image(), java.time.Instant.now());
    if (failure.isEmpty()) {
      return List.of(); // no engine is asked on the common path: submit stays quick
    }
    boolean present =
        ContainerEngine.detect(containerEngine.get())
            .map(e -> e.hasImage(spec.image()))
            .orElse(true);
    return present
        ? List.of()
        : List.of(
            "image "
                + spec.image()
                + " is not in the container engine's store and could not be pulled at "
                + failure.get().at()
                + " ("
                + failure.get().message()
                + "); the job will fail when it starts unless the image is loaded first");
  }

  /** Starts a runner when none holds the lock; one warning per command when it cannot. */
  @Override
  public void keepAlive() {
    if (Boolean.getBoolean(DETACHED_PROPERTY) || runnerFailedToStart) {
      return;
    }
    try {
      RunnerLock.ensureRunning(home, metricsPort.get());
    } catch (java.io.UncheckedIOException e) {
      runnerFailedToStart = true;
      // What the caller did is committed; the next command tries again.
      System.err.println(
          "warning: "
              + e.getMessage()
              + ": "
              + e.getCause().getMessage()
              + " (see "
              + home.runnerLog()
              + ")");
    }
  }
}
