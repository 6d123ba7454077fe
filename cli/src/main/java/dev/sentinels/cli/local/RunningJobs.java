package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.support.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * How running local jobs end: the local counterpart of the Job controller. Each look records ended
 * processes (their exit codes are in files the wrapper writes, so none is lost while no runner
 * runs), retries failed attempts, marks vanished processes, and enforces timeouts.
 */
final class RunningJobs {

  private final SentinelHome home;
  private final LocalStore store;
  private final LocalRuntime runtime;
  private final Clock clock;
  private final Consumer<String> log;

  RunningJobs(LocalBackend backend, Consumer<String> log) {
    this.home = backend.home();
    this.store = backend.localStore();
    this.runtime = backend.localRuntime();
    this.clock = backend.clock();
    this.log = log;
  }

  /** Ended, vanished and overdue processes of running jobs; true when it changed a record. */
  boolean sync() {
    boolean changed = false;
    for (StoredRecord stored : store.list(EnumSet.of(JobState.RUNNING))) {
      JobRecord record = stored.record();
      Path dir = home.jobDir(record.id());
      Optional<JobProcesses.Handle> handle = LocalAttributes.handle(record);
      OptionalInt exit = JobProcesses.exitCode(dir);
      Instant now = clock.instant();
      JobRecord next = null;
      if (exit.isPresent()) {
        handle.ifPresent(h -> JobProcesses.killLeftovers(h, Duration.ofSeconds(3)));
      }
      int attempt = LocalAttributes.attempt(record);
      Optional<String> notStarted =
          exit.isPresent() ? startFailure(record, dir, exit.getAsInt()) : Optional.empty();
      boolean retrying =
          exit.isPresent()
              && exit.getAsInt() != 0
              && notStarted.isEmpty() // it would fail the same way again
              && attempt <= record.spec().retries();
      if (notStarted.isPresent()) {
        next =
            record
                .withAttribute(LocalAttributes.EXIT_CODE, Integer.toString(exit.getAsInt()))
                .withAttribute(LocalAttributes.ENGINE_MESSAGE, notStarted.get())
                .transition(
                    JobState.FAILED,
                    "ContainerStartFailed: "
                        + record.attributes().get(LocalAttributes.RUNTIME)
                        + " could not start image "
                        + record.spec().image()
                        + ": "
                        + notStarted.get(),
                    now);
      } else if (retrying) {
        next = retry(record, exit.getAsInt(), now);
      } else if (exit.isPresent()) {
        next = ended(record, exit.getAsInt(), now);
      } else if (handle.isEmpty() || !JobProcesses.alive(handle.get())) {
        // It may have ended between the two looks: the next look handles that end in full
        // (retries, leftovers).
        next = JobProcesses.exitCode(dir).isPresent() ? null : lost(record, now);
      } else if (overdue(record, now)) {
        runtime.stop(record);
        next =
            record.transition(
                JobState.FAILED,
                "DeadlineExceeded: ran longer than its timeout of "
                    + Durations.format(record.spec().timeout()),
                now);
      }
      if (next != null && store.replace(next, stored.version()).isPresent()) {
        container(record).ifPresent(engine -> engine.remove(record.id())); // its exit is recorded
        if (retrying) {
          setAside(dir, attempt, exit.getAsInt());
        }
        log.accept(record.id() + " " + next.state() + " (" + next.reason() + ")");
        changed = true;
      }
    }
    return changed;
  }

  /**
   * The engine's own complaint when it could not start the container (no such command in the image,
   * a broken image): it exits 125 to 127 and its last line starts {@code Error:}, which a job's own
   * output does not.
   */
  private static Optional<String> startFailure(JobRecord record, Path dir, int code) {
    if (code < 125 || code > 127 || container(record).isEmpty()) {
      return Optional.empty();
    }
    try (var lines = Files.lines(dir.resolve(JobProcesses.OUTPUT))) {
      String last =
          lines.filter(l -> !l.isBlank()).reduce((a, b) -> b).map(String::strip).orElse("");
      return last.startsWith("Error: ") ? Optional.of(last) : Optional.empty();
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** The engine that runs the job's container, when it runs in one. */
  private static Optional<ContainerEngine> container(JobRecord record) {
    String runtime = record.attributes().get(LocalAttributes.RUNTIME);
    return runtime == null || runtime.equals("host")
        ? Optional.empty()
        : ContainerEngine.detect(runtime);
  }

  /**
   * The wrapper is gone without an exit code: a container may still tell how the job ended (or run
   * on, unwatched: then it is stopped), else the process is lost.
   */
  private static JobRecord lost(JobRecord record, Instant now) {
    Optional<ContainerEngine> engine = container(record);
    Optional<String> state = engine.flatMap(e -> e.state(record.id()));
    if (state.isPresent() && state.get().startsWith("exited ")) {
      return ended(record, Integer.parseInt(state.get().substring(7).trim()), now);
    }
    if (state.isPresent()) {
      engine.get().remove(record.id());
      return record.transition(
          JobState.FAILED,
          "ProcessLost: its container ran on without the process that watched it; stopped",
          now);
    }
    return record.transition(
        JobState.FAILED,
        "ProcessLost: the process ended without an exit code"
            + " (killed outside Sentinels, or the machine restarted)",
        now);
  }

  /**
   * Back to Admitted for another attempt ({@code retries} in the spec, like a Job's backoffLimit).
   * The attempt's files are set aside only once the record says so ({@link #setAside}): an update
   * that lost to a concurrent write (a priority change) leaves them for the next look to see.
   */
  private static JobRecord retry(JobRecord record, int code, Instant now) {
    int attempt = LocalAttributes.attempt(record);
    return record
        .withAttribute(LocalAttributes.ATTEMPT, Integer.toString(attempt + 1))
        .transition(
            JobState.ADMITTED,
            "Retrying: exit code "
                + code
                + " (attempt "
                + (attempt + 1)
                + " of "
                + (record.spec().retries() + 1)
                + ")",
            now);
  }

  /**
   * Renames the ended attempt's files so the next one can start. If the runner dies before this,
   * the job is found launched with an exit code and ends Failed with it: never run twice.
   */
  private void setAside(Path dir, int attempt, int code) {
    try {
      for (String file : List.of(JobProcesses.LAUNCHED, JobProcesses.PID, JobProcesses.EXIT)) {
        Files.move(dir.resolve(file), dir.resolve(file + "." + attempt));
      }
      Files.writeString(
          dir.resolve(JobProcesses.OUTPUT),
          "--- sentinel: exit code " + code + "; attempt " + (attempt + 1) + " ---\n",
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.accept("cannot set aside attempt " + attempt + " of " + dir.getFileName() + ": " + e);
    }
  }

  private static boolean overdue(JobRecord record, Instant now) {
    Duration timeout = record.spec().timeout();
    Instant started = record.startedAt();
    return timeout != null && started != null && started.plus(timeout).isBefore(now);
  }

  static JobRecord ended(JobRecord record, int code, Instant now) {
    JobRecord withCode = record.withAttribute(LocalAttributes.EXIT_CODE, Integer.toString(code));
    return code == 0
        ? withCode.transition(JobState.SUCCEEDED, "Completed", now)
        : withCode.transition(JobState.FAILED, "Error: exit code " + code, now);
  }

  /**
   * After a crash: kills processes of jobs that ended or were cancelled while no runner watched
   * them (a cancel that raced a start); running and admitted jobs are repaired by the normal look.
   * Looks only at job directories whose process may still live (a pid, no exit code).
   */
  void killOrphans() {
    try (var dirs = Files.list(home.jobsDir())) {
      for (Path dir : dirs.toList()) {
        if (!Files.exists(dir.resolve(JobProcesses.PID))
            || JobProcesses.exitCode(dir).isPresent()) {
          continue;
        }
        Optional<JobProcesses.Handle> process = JobProcesses.find(dir);
        Optional<StoredRecord> stored = store.get(dir.getFileName().toString());
        if (process.isPresent()
            && (stored.isEmpty() || stored.get().record().state().isTerminal())) {
          log.accept(
              "killing the orphaned process "
                  + process.get().pid()
                  + " of "
                  + dir.getFileName()
                  + stored.map(s -> " (" + s.record().state() + ")").orElse(""));
          JobProcesses.kill(process.get(), Duration.ofSeconds(3));
        }
        if (stored.isPresent() && stored.get().record().state().isTerminal()) {
          // A cancel that raced the container's creation may have left it behind.
          container(stored.get().record()).ifPresent(e -> e.remove(dir.getFileName().toString()));
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // No job ever started here.
    } catch (IOException e) {
      log.accept("cannot look for orphaned processes: " + e);
    }
  }
}
