package dev.sentinels.cli.engine;

import dev.sentinels.cli.engine.port.AdmissionGuard;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.engine.port.SchedulerDriver;
import dev.sentinels.cli.engine.port.SchedulerObserver;
import dev.sentinels.cli.plugin.HookWorker;
import dev.sentinels.cli.support.Sleeping;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * {@code sentinel scheduler}, on any backend: keeps the admission guard and runs a pass whenever
 * the driver says something changed (watches on a cluster, the store and processes locally), plus a
 * periodic resync; plugin work runs beside it in its own thread. Passes read fresh: the driver only
 * says when, so a lagging watch can never cause over-admission. With an idle timeout (a local
 * runner a command started) it leaves once nothing holds it.
 */
final class SchedulerLoop {

  private static final Duration RENEW = Duration.ofSeconds(5);
  private static final long STANDBY_MILLIS = 1000;

  private final SchedulerDriver driver;
  private final AdmissionGuard guard;
  private final AdmissionGuard.Pass pass;
  private final BooleanSupplier pluginWorkOutstanding;
  private final Clock clock;
  private final PrintStream log;
  private final SchedulerHealth.Scope health;
  private final SchedulerObserver observer;

  SchedulerLoop(
      SchedulerDriver driver,
      AdmissionGuard guard,
      AdmissionGuard.Pass pass,
      BooleanSupplier pluginWorkOutstanding,
      Clock clock,
      PrintStream log,
      SchedulerHealth.Scope health,
      SchedulerObserver observer) {
    this.driver = driver;
    this.guard = guard;
    this.pass = pass;
    this.pluginWorkOutstanding = pluginWorkOutstanding;
    this.clock = clock;
    this.log = log;
    this.health = health;
    this.observer = observer;
  }

  /** Runs until {@code stop} is set, or the driver's idle timeout passes with nothing to do. */
  void run(AtomicBoolean stop, HookWorker worker) {
    Optional<Duration> idleTimeout = driver.idleTimeout();
    Instant lastPass = Instant.EPOCH;
    Instant lastRenew = Instant.EPOCH;
    Instant busySince = clock.instant();
    String standbyFor = null;
    boolean holding = false; // says so only once a pass really held the guard
    boolean force = true;
    while (!stop.get() && !Thread.currentThread().isInterrupted()) {
      health.beat(
          standbyFor != null
              ? "standby: admission held by " + standbyFor
              : holding ? "holding admission" : "starting: first pass");
      Instant now = clock.instant();
      boolean admitted = false;
      try {
        boolean changed = driver.changed();
        if (force || changed || now.isAfter(lastPass.plus(driver.resync()))) {
          force = false;
          long started = System.nanoTime();
          PassReport report = guard.run(pass);
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          lastPass = now;
          lastRenew = now;
          worker.wake(); // the pass may have left terminal states to deliver
          if (report.heldBy() != null) {
            observer.standingBy(report.heldBy());
            if (!report.heldBy().equals(standbyFor)) {
              say("standby: admission held by " + report.heldBy());
              standbyFor = report.heldBy();
            }
            force = true; // try again soon: the holder may be a one-shot command
            holding = false;
            Sleeping.sleep(STANDBY_MILLIS);
            continue;
          }
          holding = true;
          observer.passed(report, took);
          if (standbyFor != null) {
            say("holding admission");
            standbyFor = null;
          }
          report(report);
          admitted = !report.admitted().isEmpty();
          driver.afterPass(report);
        } else if (now.isAfter(lastRenew.plus(RENEW))) {
          guard.renew();
          lastRenew = now;
        }
      } catch (RuntimeException e) {
        // A locked or full disk, an API server restarting: say so and try again, never leave jobs.
        say("pass failed (will retry): " + e.getMessage());
        force = true;
        busySince = now;
        Sleeping.sleep(STANDBY_MILLIS);
        continue;
      }
      if (idleTimeout.isPresent()) {
        if (admitted || driver.busy() || pluginWorkOutstanding.getAsBoolean()) {
          busySince = now;
        } else if (busySince.plus(idleTimeout.get()).isBefore(now)) {
          say("idle for " + idleTimeout.get().toSeconds() + "s; exiting");
          if (!driver.stayAfterIdle()) {
            return;
          }
          say("work arrived while leaving; staying");
          busySince = now;
          force = true;
        }
      }
      Sleeping.sleep(driver.tick().toMillis());
    }
  }

  private void report(PassReport report) {
    if (!report.admitted().isEmpty() || !report.updated().isEmpty()) {
      say(
          "admitted "
              + report.admitted().size()
              + " "
              + abbreviate(report.admitted())
              + ", updated "
              + report.updated().size()
              + " "
              + abbreviate(report.updated()));
    }
  }

  private void say(String message) {
    log.println(clock.instant() + " " + message);
    log.flush();
  }

  private static String abbreviate(List<String> ids) {
    if (ids.size() <= 5) {
      return ids.toString();
    }
    return ids.subList(0, 5) + "... (+" + (ids.size() - 5) + ")";
  }
}
