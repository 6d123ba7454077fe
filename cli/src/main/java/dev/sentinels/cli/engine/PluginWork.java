package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.PluginConfigException;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.engine.port.SchedulerObserver;
import dev.sentinels.cli.plugin.HookWorker;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.queue.WaitReason;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The plugins' side of every use case: the hooks (built on first need, so a command that needs no
 * plugin loads none), a command's brief delivery after its writes, and the scheduler's background
 * worker with its resource alerts.
 */
final class PluginWork implements AutoCloseable {

  /** How long a command spends on pending deliveries after its own work. */
  static final Duration BRIEF_DELIVERY = Duration.ofSeconds(3);

  private final Backend backend;
  private final Clock clock;
  private JobHooks hooks;
  private Optional<ResourceAlerts> alerts = Optional.empty();

  PluginWork(Backend backend, Clock clock) {
    this.backend = backend;
    this.clock = clock;
  }

  /**
   * The plugin seam, from the backend's plugins section. A malformed section turns plugins off with
   * a one-line warning (and an error in {@code sentinel plugins}): never a failed command.
   */
  synchronized JobHooks hooks() {
    if (hooks == null) {
      hooks =
          JobHooks.fromConfig(backend::pluginsConfig, backend::secrets, backend.target(), clock);
    }
    return hooks;
  }

  /**
   * A command's bounded attempt at pending plugin work after its writes (a cancel just now); what
   * is left (a slow or failing service) waits for the scheduler or the next command.
   */
  void deliverBriefly() {
    if (hooks().configured()) {
      try {
        hooks().deliver(backend.store(), Identity.of("cli"), BRIEF_DELIVERY);
      } catch (RuntimeException e) {
        // Never fail the user's command for a notification: the next pass retries.
      }
    }
  }

  /**
   * The scheduler's deliverer, woken after every pass; it also checks resource alerts. With no
   * plugin configured it starts nothing.
   */
  HookWorker startWorker(
      String owner,
      PrintStream log,
      Supplier<QueueView> queue,
      Supplier<List<NodeView>> nodes,
      SchedulerObserver observer) {
    if (hooks().configured()) {
      try {
        alerts =
            ResourceAlerts.configured(
                backend.pluginsConfig(), hooks().host(), owner, backend.target(), clock);
      } catch (PluginConfigException e) {
        log.printf("%s resource alerts off: %s%n", clock.instant(), e.getMessage());
      }
    }
    Optional<ResourceAlerts> checks = alerts;
    return HookWorker.start(
        hooks(),
        backend.store(),
        owner,
        log,
        observer::deliveryFailed,
        () ->
            checks.ifPresent(
                a ->
                    a.check(
                        observe(a, queue.get(), nodes.get(), clock.instant()),
                        backend.store().alertEpisodes())));
  }

  /**
   * Where the local runner ships output, when a plugin takes it. A sink that fails to load is
   * reported by {@code sentinel plugins}; shipping then only indexes.
   */
  Optional<dev.sentinels.cli.engine.port.OutputShipping.Sink> logSink() {
    if (!hooks().configured()) {
      return Optional.empty();
    }
    dev.sentinels.cli.plugin.JobLogs logs = hooks().logs();
    try {
      return logs.hasSink() ? Optional.of(logs::ship) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The scheduler's start: the log sink readies its store (Elasticsearch's index template) before
   * any shipper's first line. On a cluster the shipper writes, not the sink, so a store that is not
   * up yet (the chart's Elasticsearch starts after the scheduler) is tried again, 5 s apart and
   * then up to a minute, until it is ready; each new failure is one line in the log.
   */
  void prepareLogs(PrintStream log) {
    if (!hooks().configured()) {
      return;
    }
    // Beside the loop: a sink that is down must not hold up admission.
    Thread prepare =
        new Thread(
            () -> {
              String last = null;
              for (long wait = 5_000; ; wait = Math.min(wait * 2, 60_000)) {
                try {
                  hooks().logs().prepare();
                  if (last != null) {
                    log.printf("%s log sink ready%n", clock.instant());
                  }
                  return;
                } catch (Exception e) {
                  String message = String.valueOf(e.getMessage());
                  if (!message.equals(last)) {
                    log.printf(
                        "%s log sink not ready (trying again): %s%n", clock.instant(), message);
                  }
                  last = message;
                }
                try {
                  Thread.sleep(wait);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "sentinel-log-sink-prepare");
    prepare.setDaemon(true);
    prepare.start();
  }

  /**
   * Plugin work still to do: pending deliveries, or an alert episode not closed yet. A runner that
   * idles out does not leave over it, or notifications would wait for the next command.
   */
  boolean outstanding() {
    if (!hooks().configured() || !hooks().delivers()) {
      return false; // a log plugin alone: records still say pending, but nobody delivers them
    }
    if (!backend.store().pendingHooks().isEmpty()) {
      return true;
    }
    if (alerts.isPresent()
        && backend.store().alertEpisodes().read().getKey().entrySet().stream()
            .anyMatch(e -> e.getKey().endsWith(".phase") && !e.getValue().equals("closed"))) {
      return true;
    }
    // A waiting-for-capacity alert needs someone to see the wait grow: with one configured,
    // queued jobs keep the runner (otherwise a queued job alone does not).
    return alerts.flatMap(ResourceAlerts::waitingLongerThan).isPresent()
        && backend.store().count(EnumSet.of(JobState.QUEUED)) > 0;
  }

  /**
   * What the alerts look at: jobs waiting for capacity longer than the threshold, and the GPU (else
   * CPU) requests against what accepting nodes have.
   */
  static ResourceAlerts.Observation observe(
      ResourceAlerts alerts, QueueView view, List<NodeView> nodes, Instant now) {
    int tooLong = 0;
    Duration longest = Duration.ZERO;
    Duration threshold = alerts.waitingLongerThan().orElse(null);
    for (var decision : view.plan().waiting()) {
      JobRecord record = view.pending().get(decision.jobId());
      if (record == null || !(decision.reason() instanceof WaitReason.InsufficientCapacity)) {
        continue;
      }
      Duration waited = Duration.between(record.submittedAt(), now);
      if (threshold != null && waited.compareTo(threshold) > 0) {
        tooLong++;
        longest = waited.compareTo(longest) > 0 ? waited : longest;
      }
    }
    long gpus = 0;
    long gpusRequested = 0;
    long cpu = 0;
    long cpuRequested = 0;
    for (NodeView node : nodes) {
      if (node.accepting()) {
        gpus += node.allocatable().gpus();
        gpusRequested += node.requested().gpus();
        cpu += node.allocatable().cpuMillis();
        cpuRequested += node.requested().cpuMillis();
      }
    }
    return gpus > 0
        ? new ResourceAlerts.Observation(tooLong, longest, (double) gpusRequested / gpus, "GPU")
        : new ResourceAlerts.Observation(
            tooLong, longest, cpu == 0 ? 0 : (double) cpuRequested / cpu, "CPU");
  }

  @Override
  public synchronized void close() {
    if (hooks != null) {
      hooks.close();
      hooks = null;
    }
  }
}
