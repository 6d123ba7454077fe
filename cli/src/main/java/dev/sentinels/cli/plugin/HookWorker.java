package dev.sentinels.cli.plugin;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The scheduler's background deliverer: runs pending plugin work when woken after a pass, and every
 * few seconds for retries, in its own thread, so a slow or failing service never holds up
 * admission.
 */
public final class HookWorker implements AutoCloseable {

  static final Duration RETRY_TICK = Duration.ofSeconds(5);
  static final Duration BUDGET = Duration.ofSeconds(60);

  private final JobHooks hooks;
  private final HookStore store;
  private final String owner;
  private final PrintStream log;
  private final Runnable everyTick;
  private final Consumer<String> targetFailed;
  private final Object signal = new Object();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private boolean woken;
  private Thread thread;

  private HookWorker(
      JobHooks hooks,
      HookStore store,
      String owner,
      PrintStream log,
      Consumer<String> targetFailed,
      Runnable everyTick) {
    this.hooks = hooks;
    this.targetFailed = targetFailed;
    this.store = store;
    this.owner = owner;
    this.log = log;
    this.everyTick = everyTick;
  }

  /**
   * Starts the worker; when no plugin is configured it does nothing and starts no thread.
   *
   * @param targetFailed told the target of each failed delivery ({@code notify.slack})
   * @param everyTick also run after each delivery run (resource alert checks)
   */
  public static HookWorker start(
      JobHooks hooks,
      HookStore store,
      String owner,
      PrintStream log,
      Consumer<String> targetFailed,
      Runnable everyTick) {
    HookWorker worker = new HookWorker(hooks, store, owner, log, targetFailed, everyTick);
    if (hooks.configured()) {
      PluginHost host = hooks.host();
      for (PluginHost.PluginStatus status : host.statuses()) {
        log.printf(
            "%s plugin %s %s: %s%s%n",
            Instant.now(),
            status.id(),
            status.version(),
            String.join(",", status.kinds()),
            status.healthy()
                ? " (configured: " + status.configured() + ")"
                : " ERROR " + status.error());
      }
      worker.thread = new Thread(worker::loop, "sentinel-hooks");
      worker.thread.setDaemon(true);
      worker.thread.start();
    }
    return worker;
  }

  /** Asks for a delivery run soon; never blocks. */
  public void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  private void loop() {
    while (!stopped.get()) {
      try {
        HookDelivery.Report report = hooks.deliver(store, owner, BUDGET);
        report
            .delivered()
            .forEach(
                (id, targets) ->
                    log.printf("%s delivered %s for %s%n", Instant.now(), targets, id));
        report
            .failed()
            .forEach(
                (id, error) ->
                    log.printf(
                        "%s delivery for %s failed (will retry): %s%n", Instant.now(), id, error));
        report.failedTargets().forEach(targetFailed);
      } catch (RuntimeException e) {
        log.printf("%s delivery run failed (will retry): %s%n", Instant.now(), e.getMessage());
      }
      try {
        everyTick.run();
      } catch (RuntimeException e) {
        log.printf("%s resource alert check failed: %s%n", Instant.now(), e.getMessage());
      }
      synchronized (signal) {
        long until = System.nanoTime() + RETRY_TICK.toNanos();
        while (!woken && !stopped.get()) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(signal, left);
          } catch (InterruptedException e) {
            return;
          }
        }
        woken = false;
      }
    }
  }

  @Override
  public void close() {
    stopped.set(true);
    wake();
    if (thread != null) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
