package dev.sentinels.cli.local;

import dev.sentinels.api.JobState;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.engine.port.SchedulerDriver;
import dev.sentinels.cli.support.Sleeping;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local backend's part of {@code sentinel scheduler}: the runner. Exactly one runs per home
 * ({@link RunnerLock}). Each look records how running processes ended ({@link RunningJobs}); after
 * each pass it starts what was admitted ({@link JobStarter}). On start it kills what ended while no
 * runner watched. A runner a command started leaves after its idle timeout; a queued job alone
 * keeps none, since every queue change (submit, cancel, priority) starts one again.
 */
final class LocalRunner implements SchedulerDriver {

  private static final Duration TICK = Duration.ofMillis(250);
  private static final Duration RESYNC = Duration.ofSeconds(5);

  private final SentinelHome home;
  private final LocalStore store;
  private final Optional<Duration> idleTimeout;
  private final String capacity;
  private PrintStream log;
  private RunningJobs running;
  private JobStarter starter;
  private final LocalBackend backend;
  private RunnerLock lock;
  private long seenVersion = -1;

  LocalRunner(LocalBackend backend, Optional<Duration> idleTimeout) {
    this.backend = backend;
    this.home = backend.home();
    this.store = backend.localStore();
    this.idleTimeout = idleTimeout;
    this.capacity = backend.capacity().toString();
  }

  /**
   * Takes the lock: a runner a command just started tries for two seconds (one that was leaving may
   * hold it) and then leaves the work to the holder; a foreground one stands by until it can.
   */
  @Override
  public boolean open(AtomicBoolean stop, PrintStream log) {
    this.log = log;
    if (idleTimeout.isPresent() && !Files.exists(home.database())) {
      say("no store at " + home.database() + " (home removed?); nothing to run");
      return false;
    }
    Optional<RunnerLock> acquired = RunnerLock.tryAcquire(home);
    long patience = System.nanoTime() + (idleTimeout.isEmpty() ? 0 : 2_000_000_000L);
    while (acquired.isEmpty() && System.nanoTime() < patience) {
      Sleeping.sleep(100);
      acquired = RunnerLock.tryAcquire(home);
    }
    if (acquired.isEmpty()) {
      String holder = RunnerLock.holderPid(home).map(p -> " (pid " + p + ")").orElse("");
      if (idleTimeout.isPresent()) {
        say("another runner is active" + holder + "; leaving it the work");
        return false;
      }
      say("another runner is active" + holder + "; standing by until it stops");
      while (!stop.get() && (acquired = RunnerLock.tryAcquire(home)).isEmpty()) {
        Sleeping.sleep(1000);
      }
      if (acquired.isEmpty()) {
        return false;
      }
    }
    lock = acquired.get();
    say(
        "runner pid "
            + ProcessHandle.current().pid()
            + " on "
            + backend.target()
            + ", capacity "
            + capacity
            + idleTimeout.map(t -> ", exits after " + t.toSeconds() + "s idle").orElse(""));
    running = new RunningJobs(backend, this::say);
    starter = new JobStarter(backend, this::say);
    running.killOrphans();
    return true;
  }

  @Override
  public Optional<Duration> idleTimeout() {
    return idleTimeout;
  }

  /**
   * Records ended processes, then says whether a pass is due: when a job ended here or another
   * process wrote (submit, cancel, priority); passes are cheap but not free on a long queue.
   */
  @Override
  public boolean changed() {
    boolean ended = running.sync();
    long version = store.dataVersion();
    boolean written = version != seenVersion;
    seenVersion = version;
    return ended || written;
  }

  @Override
  public void afterPass(PassReport report) {
    starter.startAdmitted();
  }

  @Override
  public boolean busy() {
    return store.count(EnumSet.of(JobState.ADMITTED, JobState.RUNNING)) > 0;
  }

  /**
   * Releases the lock, then looks for work: a command commits, then probes the lock, so one that
   * committed before this release saw the lock held and started no runner, and this look sees what
   * it wrote. True when the lock is retaken for that work.
   */
  @Override
  public boolean stayAfterIdle() {
    lock.release();
    boolean work = store.dataVersion() != seenVersion || busy();
    return work && lock.retake();
  }

  @Override
  public Duration tick() {
    return TICK;
  }

  @Override
  public Duration resync() {
    return RESYNC;
  }

  @Override
  public void close() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  private void say(String message) {
    log.println(Instant.now() + " " + message);
    log.flush();
  }
}
