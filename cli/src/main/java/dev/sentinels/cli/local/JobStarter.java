package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.JobEnvironment;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.support.Retry;
import dev.sentinels.cli.support.Retry.Attempt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Starts admitted local jobs: the local counterpart of the kubelet. A job is never started twice:
 * its {@code launched} marker is created exclusively before the start, and a job that has one is
 * only ever found again (adopted), never restarted. What a crashed runner launched but did not
 * record is settled: alive processes are adopted, ended ones get their final state from their exit
 * code, lost ones are marked Failed with the reason.
 */
final class JobStarter {

  /** In the job directory: {@code host}, {@code docker} or {@code podman}. */
  private static final String RUNTIME_FILE = "runtime";

  /** An admitted job launched with no pid file after this long: its start failed or was lost. */
  private static final Duration START_GRACE = Duration.ofSeconds(10);

  private static final int RECORD_ATTEMPTS = 10;

  private static final java.util.Set<String> AUTO_OR_NONE = java.util.Set.of("auto", "none");

  private final SentinelHome home;
  private final LocalStore store;
  private final LocalRuntime runtime;
  private final String containerEngine;
  private final Clock clock;
  private final Consumer<String> log;

  JobStarter(LocalBackend backend, Consumer<String> log) {
    this.home = backend.home();
    this.store = backend.localStore();
    this.runtime = backend.localRuntime();
    this.containerEngine = backend.config().containerEngine();
    this.clock = backend.clock();
    this.log = log;
  }

  /** Starts admitted jobs; adopts or settles those a crashed runner launched but did not record. */
  void startAdmitted() {
    for (StoredRecord stored : store.list(EnumSet.of(JobState.ADMITTED))) {
      JobRecord record = stored.record();
      Path dir = home.jobDir(record.id());
      try {
        if (Files.exists(dir.resolve(JobProcesses.LAUNCHED))) {
          settleLaunched(stored, dir);
        } else {
          start(stored, dir);
        }
      } catch (IOException | RuntimeException e) {
        log.accept("cannot start " + record.id() + ": " + e);
        store.replace(
            record.transition(JobState.FAILED, "StartFailed: " + e.getMessage(), clock.instant()),
            stored.version());
      }
    }
  }

  private void settleLaunched(StoredRecord stored, Path dir) throws IOException {
    JobRecord record = stored.record();
    Instant now = clock.instant();
    Optional<JobProcesses.Handle> found = JobProcesses.find(dir);
    OptionalInt exit = JobProcesses.exitCode(dir);
    JobRecord next;
    if (found.isPresent()) {
      String ran = Files.readString(dir.resolve(RUNTIME_FILE)).trim();
      next = running(record, found.get(), ran, "Running (found again after a runner restart)", now);
    } else if (exit.isPresent()) {
      next =
          RunningJobs.ended(
              record.transition(JobState.RUNNING, "Started", now), exit.getAsInt(), now);
    } else if (Files.getLastModifiedTime(dir.resolve(JobProcesses.LAUNCHED))
        .toInstant()
        .plus(START_GRACE)
        .isBefore(now)) {
      next =
          record.transition(
              JobState.FAILED,
              "ProcessLost: its start was interrupted (runner crashed?); not started again",
              now);
    } else {
      return; // the wrapper has not written its pid yet
    }
    if (store.replace(next, stored.version()).isPresent()) {
      log.accept(record.id() + " " + next.state() + " (" + next.reason() + ")");
    }
  }

  private void start(StoredRecord stored, Path dir) throws IOException {
    JobRecord record = stored.record();
    JobSpec spec = record.spec();
    Map<String, String> env =
        JobEnvironment.of(record, dir.resolve(JobProcesses.ARTIFACTS).toString());
    List<String> command = new ArrayList<>(spec.command());
    command.addAll(spec.args());
    String ran = "host";
    String note = "Running on the host";
    String imageDigest = null;
    Optional<ContainerEngine> engine =
        spec.image() == null ? Optional.empty() : ContainerEngine.detect(containerEngine);
    if (engine.isPresent()) {
      ContainerEngine containers = engine.get();
      Optional<String> missing = imageProblem(containers, spec.image());
      if (missing.isPresent()) {
        // As Kubernetes says ErrImagePull: at once, naming the image, with the engine's words.
        store.replace(
            record
                .withAttribute(LocalAttributes.ENGINE_MESSAGE, missing.get())
                .transition(
                    JobState.FAILED,
                    "ImagePullFailed: "
                        + containers.name()
                        + " cannot get image "
                        + spec.image()
                        + ": "
                        + missing.get(),
                    clock.instant()),
            stored.version());
        ImagePulls.failed(home, spec.image(), missing.get(), clock.instant());
        return;
      }
      ran = containers.name();
      String digest = containers.digest(spec.image()).orElse(null);
      note =
          "Running in "
              + ran
              + " ("
              + spec.image()
              + (digest == null || spec.image().contains("@") ? "" : "@" + digest)
              + ")";
      if (digest != null) {
        imageDigest = digest;
      }
      command =
          containers.runCommand(
              record.id(),
              dir.resolve(JobProcesses.WORK),
              dir.resolve(JobProcesses.ARTIFACTS),
              spec.image(),
              spec.resources(),
              spec.data(),
              command,
              env);
    } else if (spec.image() != null && !AUTO_OR_NONE.contains(containerEngine)) {
      // Asked for by name: running on the host instead would ignore the user's choice.
      store.replace(
          record.transition(
              JobState.FAILED,
              "ContainerEngineUnavailable: local.engine is "
                  + containerEngine
                  + " but "
                  + containerEngine
                  + " does not answer (not installed, or its service is down); start it, or set"
                  + " local.engine: auto to run on the host without one",
              clock.instant()),
          stored.version());
      return;
    } else if (spec.image() != null) {
      note +=
          " ("
              + ("none".equals(containerEngine)
                  ? "container engines off in config"
                  : "no docker or podman engine answered")
              + "; image "
              + spec.image()
              + " not used)";
    }
    if (command.isEmpty()) {
      store.replace(
          record.transition(
              JobState.FAILED,
              "NoCommand: on the host a job needs a command; the image's entrypoint is unknown",
              clock.instant()),
          stored.version());
      return;
    }
    Instant now = clock.instant();
    // Cancelled since the list above (a command's cancel has no process to kill yet): never start.
    Optional<StoredRecord> current = store.get(record.id());
    if (current.isEmpty() || current.get().record().state() != JobState.ADMITTED) {
      return;
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(RUNTIME_FILE), ran + "\n");
    Optional<JobProcesses.Handle> started = JobProcesses.start(dir, command, env);
    if (started.isEmpty()) {
      return; // launched meanwhile; the next look settles it
    }
    record(current.get(), started.get(), ran, imageDigest, note, now);
  }

  /**
   * Why the engine cannot run the image, if it cannot: absent and not pullable (no registry
   * reachable, a name that does not exist). A present image needs no pull.
   */
  private Optional<String> imageProblem(ContainerEngine engine, String image) {
    if (engine.hasImage(image)) {
      return Optional.empty();
    }
    log.accept("pulling " + image + " with " + engine.name());
    ContainerEngine.Answer pull = engine.pull(image);
    return pull.ok() ? Optional.empty() : Optional.of(pull.lastLine());
  }

  /** Records the started process; one cancelled while it started is stopped instead. */
  private void record(
      StoredRecord first,
      JobProcesses.Handle handle,
      String ran,
      String imageDigest,
      String note,
      Instant now) {
    StoredRecord[] stored = {first};
    Retry.upToOrElse(
        RECORD_ATTEMPTS,
        () -> {
          JobRecord next = running(stored[0].record(), handle, ran, note, now);
          if (imageDigest != null) {
            next = next.withAttribute(LocalAttributes.IMAGE_DIGEST, imageDigest);
          }
          if (store.replace(next, stored[0].version()).isPresent()) {
            log.accept("started " + next.id() + " pid " + handle.pid() + ": " + note);
            return Attempt.done(true);
          }
          Optional<StoredRecord> now2 = store.get(next.id());
          if (now2.isEmpty() || now2.get().record().state() != JobState.ADMITTED) {
            // Cancelled while it started: it must not run on.
            log.accept(
                "stopping " + next.id() + ": " + now2.map(s -> s.record().state()).orElse(null));
            runtime.stop(next);
            return Attempt.done(false);
          }
          stored[0] = now2.get();
          return Attempt.again();
        },
        false);
  }

  private static JobRecord running(
      JobRecord record, JobProcesses.Handle handle, String ran, String why, Instant now) {
    JobRecord next =
        record
            .withAttribute(LocalAttributes.PID, Long.toString(handle.pid()))
            .withAttribute(LocalAttributes.PROCESS_START, handle.started().toString());
    if (!record.attributes().containsKey(LocalAttributes.RUNTIME)) {
      next = next.withAttribute(LocalAttributes.RUNTIME, ran);
    }
    return next.transition(JobState.RUNNING, why, now);
  }
}
