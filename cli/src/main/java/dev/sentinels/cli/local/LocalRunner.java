package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.backend.JobEnvironment;
import dev.sentinels.cli.backend.PassReport;
import dev.sentinels.cli.backend.Sleeping;
import dev.sentinels.cli.local.LocalStore.Stored;
import dev.sentinels.cli.plugin.HookWorker;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.plugin.ResourceAlerts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts admitted local jobs and watches them to their end: the local counterpart of the kubelet
 * and the Job controller. Exactly one runs per home ({@link RunnerLock}). Each tick it records
 * ended processes (their exit codes are in files the wrapper writes, so none is lost while no
 * runner runs), enforces timeouts, runs an admission pass and starts what it admitted.
 *
 * <p>A job is never started twice: its {@code launched} marker is created exclusively before the
 * start, and a job that has one is only ever found again (adopted), never restarted. On start the
 * runner repairs what a crashed one left: processes still alive are adopted, ended ones get their
 * final state from their exit code, lost ones are marked Failed with the reason.
 */
final class LocalRunner {

  private static final long TICK_MILLIS = 250;
  private static final Duration PASS_AT_LEAST_EVERY = Duration.ofSeconds(5);

  /** In the job directory: {@code host}, {@code docker} or {@code podman}. */
  private static final String RUNTIME_FILE = "runtime";

  /** An admitted job launched with no pid file after this long: its start failed or was lost. */
  private static final Duration START_GRACE = Duration.ofSeconds(10);

  private final LocalBackend backend;
  private final PrintStream log;
  private final LocalStore store;
  private long seenVersion = -1;
  private Instant lastPass = Instant.EPOCH;
  private HookWorker hooks;
  private Optional<ResourceAlerts> alerts = Optional.empty();

  LocalRunner(LocalBackend backend, PrintStream log) {
    this.backend = backend;
    this.log = log;
    this.store = backend.store();
  }

  /**
   * Runs until {@code stop} is set, or, with an {@code idleTimeout}, until nothing was queued or
   * running for that long. Waits while another runner holds the lock (without an idle timeout) or
   * leaves at once (with one: that runner does the work).
   */
  void run(AtomicBoolean stop, Duration idleTimeout) {
    Optional<RunnerLock> lock = RunnerLock.tryAcquire(backend.home());
    // A runner a CLI just started tries a little longer: a runner that was leaving may hold it.
    long patience = System.nanoTime() + (idleTimeout == null ? 0 : 2_000_000_000L);
    while (lock.isEmpty() && System.nanoTime() < patience) {
      Sleeping.sleep(100);
      lock = RunnerLock.tryAcquire(backend.home());
    }
    if (lock.isEmpty()) {
      String holder = RunnerLock.holderPid(backend.home()).map(p -> " (pid " + p + ")").orElse("");
      if (idleTimeout != null) {
        log("another runner is active" + holder + "; leaving it the work");
        return;
      }
      log("another runner is active" + holder + "; standing by until it stops");
      while (!stop.get() && (lock = RunnerLock.tryAcquire(backend.home())).isEmpty()) {
        Sleeping.sleep(1000);
      }
      if (lock.isEmpty()) {
        return;
      }
    }
    try (RunnerLock held = lock.get()) {
      log(
          "runner pid "
              + ProcessHandle.current().pid()
              + " on "
              + backend.target()
              + ", capacity "
              + backend.capacity()
              + (idleTimeout == null ? "" : ", exits after " + idleTimeout.toSeconds() + "s idle"));
      reconcile();
      try (HookWorker worker = startHooks()) {
        this.hooks = worker;
        loop(stop, idleTimeout, held);
      }
    }
  }

  /**
   * Plugin work in the background (tracking runs closed, notifications, resource alerts), woken
   * after every pass; with no plugin configured it starts nothing.
   */
  private HookWorker startHooks() {
    JobHooks seam = backend.hooks();
    String owner = backend.owner("runner");
    Optional<ResourceAlerts> alerts = Optional.empty();
    if (seam.configured()) {
      try {
        alerts =
            ResourceAlerts.configured(
                backend.pluginsConfig(), seam.host(), owner, backend.target(), backend.clock());
      } catch (dev.sentinels.api.plugin.PluginConfigException e) {
        log("resource alerts off: " + e.getMessage());
      }
    }
    this.alerts = alerts;
    return HookWorker.start(
        seam, backend.hookStore(), owner, log, () -> this.alerts.ifPresent(this::checkAlerts));
  }

  private void checkAlerts(ResourceAlerts check) {
    check.check(
        check.observe(backend.queue(), backend.nodes(), backend.clock().instant()),
        backend.alertStore());
  }

  /**
   * Plugin work still to do: pending deliveries, or an alert episode not closed yet. The runner
   * does not idle out over it, or notifications would wait for the next command.
   */
  private boolean hooksOutstanding() {
    if (!backend.hooks().configured()) {
      return false;
    }
    if (store.anyHooksPending()) {
      return true;
    }
    if (alerts.isPresent()
        && store.alerts().getKey().entrySet().stream()
            .anyMatch(e -> e.getKey().endsWith(".phase") && !e.getValue().equals("closed"))) {
      return true;
    }
    // A waiting-for-capacity alert needs someone to see the wait grow: with one configured, queued
    // jobs keep the runner (otherwise a queued job alone does not, see tick()).
    return alerts.flatMap(ResourceAlerts::waitingLongerThan).isPresent()
        && store.count(EnumSet.of(JobState.QUEUED)) > 0;
  }

  private void loop(AtomicBoolean stop, Duration idleTimeout, RunnerLock held) {
    Instant busySince = backend.clock().instant();
    while (!stop.get()) {
      boolean busy;
      try {
        busy = tick() || hooksOutstanding();
      } catch (RuntimeException e) {
        // A locked or full disk, a bad record: say so and try again rather than leave jobs.
        log("tick failed: " + e);
        busy = true;
      }
      Instant now = backend.clock().instant();
      if (busy) {
        busySince = now;
      } else if (idleTimeout != null && busySince.plus(idleTimeout).isBefore(now)) {
        log("idle for " + idleTimeout.toSeconds() + "s; exiting");
        if (!workArrivedWhileLeaving(held)) {
          return;
        }
        log("work arrived while leaving; staying");
        busySince = now;
      }
      Sleeping.sleep(TICK_MILLIS);
    }
    log("stopped");
  }

  /**
   * Releases the lock, then looks for work: a CLI commits, then probes the lock, so one that
   * committed before this release saw the lock held and started no runner, and this look sees what
   * it wrote. True when the lock is retaken for that work.
   */
  private boolean workArrivedWhileLeaving(RunnerLock held) {
    held.release();
    boolean work =
        store.dataVersion() != seenVersion
            || store.count(EnumSet.of(JobState.ADMITTED, JobState.RUNNING)) > 0;
    return work && held.retake();
  }

  /**
   * One round; true while any job is admitted or running, or was admitted by this pass. A queued
   * job alone keeps no runner: with nothing running it waits for a queue change (submit, cancel,
   * priority), and every one of those starts a runner again.
   */
  boolean tick() {
    boolean admitted = false;
    boolean changed = syncRunning();
    long version = store.dataVersion();
    Instant now = backend.clock().instant();
    // Passes are cheap but not free on a long queue: run one when someone else wrote (submit,
    // cancel, priority), when a job ended here, and now and then for time-based rules (starvation).
    if (changed || version != seenVersion || now.isAfter(lastPass.plus(PASS_AT_LEAST_EVERY))) {
      seenVersion = version;
      lastPass = now;
      PassReport report = backend.pass();
      report.admitted().forEach(id -> log("admitted " + id));
      admitted = !report.admitted().isEmpty();
      startAdmitted();
      if (hooks != null) {
        hooks.wake(); // the pass, or this tick's ends, may have left terminal states to deliver
      }
    }
    return admitted || store.count(EnumSet.of(JobState.ADMITTED, JobState.RUNNING)) > 0;
  }

  /**
   * After a crash: kills processes of jobs that ended or were cancelled while no runner watched
   * them (a cancel that raced a start); running and admitted jobs are repaired by the normal tick.
   * Looks only at job directories whose process may still live (a pid, no exit code).
   */
  void reconcile() {
    try (var dirs = Files.list(backend.home().jobsDir())) {
      for (Path dir : dirs.toList()) {
        if (!Files.exists(dir.resolve(JobProcesses.PID))
            || JobProcesses.exitCode(dir).isPresent()) {
          continue;
        }
        Optional<JobProcesses.Handle> process = JobProcesses.find(dir);
        Optional<Stored> stored = store.get(dir.getFileName().toString());
        if (process.isPresent()
            && (stored.isEmpty() || stored.get().record().state().isTerminal())) {
          log(
              "killing the orphaned process "
                  + process.get().pid()
                  + " of "
                  + dir.getFileName()
                  + stored.map(s -> " (" + s.record().state() + ")").orElse(""));
          JobProcesses.kill(process.get(), Duration.ofSeconds(3));
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // No job ever started here.
    } catch (IOException e) {
      log("cannot look for orphaned processes: " + e);
    }
  }

  /** Ended, vanished and overdue processes of running jobs; true when it changed a record. */
  private boolean syncRunning() {
    boolean changed = false;
    for (Stored stored : store.list(EnumSet.of(JobState.RUNNING))) {
      JobRecord record = stored.record();
      Path dir = backend.home().jobDir(record.id());
      Optional<JobProcesses.Handle> handle = LocalBackend.handle(record);
      OptionalInt exit = JobProcesses.exitCode(dir);
      Instant now = backend.clock().instant();
      JobRecord next = null;
      if (exit.isPresent()) {
        handle.ifPresent(h -> JobProcesses.killLeftovers(h, Duration.ofSeconds(3)));
      }
      boolean retrying =
          exit.isPresent() && exit.getAsInt() != 0 && attempt(record) <= record.spec().retries();
      if (retrying) {
        next = retry(record, exit.getAsInt(), now);
      } else if (exit.isPresent()) {
        next = ended(record, exit.getAsInt(), now);
      } else if (handle.isEmpty() || !JobProcesses.alive(handle.get())) {
        // It may have ended between the two looks: the next tick handles that end in full
        // (retries, leftovers).
        next =
            JobProcesses.exitCode(dir).isPresent()
                ? null
                : record.transition(
                    JobState.FAILED,
                    "ProcessLost: the process ended without an exit code"
                        + " (killed outside Sentinels, or the machine restarted)",
                    now);
      } else if (overdue(record, now)) {
        backend.stop(record);
        next =
            record.transition(
                JobState.FAILED,
                "DeadlineExceeded: ran longer than its timeout of " + record.spec().timeout(),
                now);
      }
      if (next != null && store.update(next, stored.version())) {
        if (retrying) {
          setAside(dir, attempt(record), exit.getAsInt());
        }
        log(record.id() + " " + next.state() + " (" + next.reason() + ")");
        changed = true;
      }
    }
    return changed;
  }

  static int attempt(JobRecord record) {
    return Integer.parseInt(record.attributes().getOrDefault(LocalBackend.ATTEMPT, "1"));
  }

  /**
   * Back to Admitted for another attempt ({@code retries} in the spec, like a Job's backoffLimit).
   * The attempt's files are set aside only once the record says so ({@link #setAside}): an update
   * that lost to a concurrent write (a priority change) leaves them for the next tick to see.
   */
  private static JobRecord retry(JobRecord record, int code, Instant now) {
    int attempt = attempt(record);
    return record
        .withAttribute(LocalBackend.ATTEMPT, Integer.toString(attempt + 1))
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
      log("cannot set aside attempt " + attempt + " of " + dir.getFileName() + ": " + e);
    }
  }

  private static boolean overdue(JobRecord record, Instant now) {
    Duration timeout = record.spec().timeout();
    Instant started = record.startedAt();
    return timeout != null && started != null && started.plus(timeout).isBefore(now);
  }

  private static JobRecord ended(JobRecord record, int code, Instant now) {
    JobRecord withCode = record.withAttribute(LocalBackend.EXIT_CODE, Integer.toString(code));
    return code == 0
        ? withCode.transition(JobState.SUCCEEDED, "Completed", now)
        : withCode.transition(JobState.FAILED, "Error: exit code " + code, now);
  }

  /** Starts admitted jobs; adopts or settles those a crashed runner launched but did not record. */
  private void startAdmitted() {
    for (Stored stored : store.list(EnumSet.of(JobState.ADMITTED))) {
      JobRecord record = stored.record();
      Path dir = backend.home().jobDir(record.id());
      try {
        if (Files.exists(dir.resolve(JobProcesses.LAUNCHED))) {
          settleLaunched(stored, dir);
        } else {
          start(stored, dir);
        }
      } catch (IOException | RuntimeException e) {
        log("cannot start " + record.id() + ": " + e);
        store.update(
            record.transition(
                JobState.FAILED, "StartFailed: " + e.getMessage(), backend.clock().instant()),
            stored.version());
      }
    }
  }

  private void settleLaunched(Stored stored, Path dir) throws IOException {
    JobRecord record = stored.record();
    Instant now = backend.clock().instant();
    Optional<JobProcesses.Handle> found = JobProcesses.find(dir);
    OptionalInt exit = JobProcesses.exitCode(dir);
    JobRecord next;
    if (found.isPresent()) {
      String runtime = Files.readString(dir.resolve(RUNTIME_FILE)).trim();
      next =
          running(
              record, found.get(), runtime, "Running (found again after a runner restart)", now);
    } else if (exit.isPresent()) {
      next = ended(record.transition(JobState.RUNNING, "Started", now), exit.getAsInt(), now);
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
    if (store.update(next, stored.version())) {
      log(record.id() + " " + next.state() + " (" + next.reason() + ")");
    }
  }

  private void start(Stored stored, Path dir) throws IOException {
    JobRecord record = stored.record();
    JobSpec spec = record.spec();
    Map<String, String> env =
        JobEnvironment.of(record, dir.resolve(JobProcesses.ARTIFACTS).toString());
    List<String> command = new ArrayList<>(spec.command());
    command.addAll(spec.args());
    String runtime = "host";
    String note = "Running on the host";
    Optional<ContainerEngine> engine =
        spec.image() == null
            ? Optional.empty()
            : ContainerEngine.detect(backend.config().containerEngine());
    if (engine.isPresent()) {
      runtime = engine.get().name();
      note = "Running in " + runtime + " (" + spec.image() + ")";
      command =
          engine
              .get()
              .runCommand(
                  record.id(),
                  dir.resolve(JobProcesses.WORK),
                  dir.resolve(JobProcesses.ARTIFACTS),
                  spec.image(),
                  command,
                  env);
    } else if (spec.image() != null) {
      note +=
          " ("
              + ("none".equals(backend.config().containerEngine())
                  ? "container engines off in config"
                  : "no docker or podman engine answered")
              + "; image "
              + spec.image()
              + " not used)";
    }
    if (command.isEmpty()) {
      store.update(
          record.transition(
              JobState.FAILED,
              "NoCommand: on the host a job needs a command; the image's entrypoint is unknown",
              backend.clock().instant()),
          stored.version());
      return;
    }
    Instant now = backend.clock().instant();
    // Cancelled since the list above (a CLI's cancel has no process to kill yet): never start it.
    Optional<Stored> current = store.get(record.id());
    if (current.isEmpty() || current.get().record().state() != JobState.ADMITTED) {
      return;
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(RUNTIME_FILE), runtime + "\n");
    Optional<JobProcesses.Handle> started = JobProcesses.start(dir, command, env);
    if (started.isEmpty()) {
      return; // launched meanwhile; the next tick settles it
    }
    JobProcesses.Handle handle = started.get();
    for (int attempt = 0; attempt < 10; attempt++) {
      JobRecord next = running(record, handle, runtime, note, now);
      if (store.update(next, stored.version())) {
        log("started " + record.id() + " pid " + handle.pid() + ": " + note);
        return;
      }
      Optional<Stored> now2 = store.get(record.id());
      if (now2.isEmpty() || now2.get().record().state() != JobState.ADMITTED) {
        // Cancelled while it started: it must not run on.
        log("stopping " + record.id() + ": " + now2.map(s -> s.record().state()).orElse(null));
        backend.stop(next);
        return;
      }
      stored = now2.get();
      record = stored.record();
    }
  }

  private static JobRecord running(
      JobRecord record, JobProcesses.Handle handle, String runtime, String why, Instant now) {
    JobRecord next =
        record
            .withAttribute(LocalBackend.PID, Long.toString(handle.pid()))
            .withAttribute(LocalBackend.PROCESS_START, handle.started().toString());
    if (!record.attributes().containsKey(LocalBackend.RUNTIME)) {
      next = next.withAttribute(LocalBackend.RUNTIME, runtime);
    }
    return next.transition(JobState.RUNNING, why, now);
  }

  private void log(String message) {
    log.println(Instant.now().toString().substring(0, 19).replace('T', ' ') + " " + message);
    log.flush();
  }
}
