package dev.sentinels.cli.metrics;

import com.sun.net.httpserver.HttpHandler;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.engine.port.SchedulerObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code sentinel scheduler}'s own metrics, served at {@code /metrics} (docs/metrics.md lists
 * them). Gauges are read from what each namespace's last pass saw, so a scrape costs no API call;
 * counters and histograms count what this process did and start again at zero when it restarts, as
 * Prometheus expects.
 */
public final class SchedulerMetrics {

  /** Seconds from submit to admission: a minute's wait to a day's. */
  private static final double[] WAIT_BUCKETS = {
    1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400
  };

  private static final double[] PASS_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private volatile Capacity capacity;
  private final Counter admissions;
  private final Counter finished;
  private final Counter deliveryFailures;
  private final Histogram admissionWait;
  private final Histogram passDuration;

  /** What one namespace's loop saw last. */
  private record Seen(
      Map<JobKey, Long> jobs,
      Map<String, Instant> oldestQueued,
      Map<HolderKey, Resources> held,
      String holder,
      boolean holding) {}

  private record HolderKey(String queue, String user) {}

  private record JobKey(String queue, String priorityClass, String state) {}

  public SchedulerMetrics(String version) {
    JvmMetrics.builder().register(registry);
    Info.builder()
        .name("sentinels_build")
        .help("The Sentinels version this scheduler runs")
        .labelNames("version")
        .register(registry)
        .addLabelValues(version);
    admissions =
        counter(
            "sentinels_admissions_total",
            "Jobs this scheduler admitted",
            "namespace",
            "queue",
            "priority_class");
    finished =
        counter(
            "sentinels_jobs_finished_total",
            "Jobs this scheduler saw end, by final state (succeeded, failed)",
            "namespace",
            "queue",
            "state");
    deliveryFailures =
        counter(
            "sentinels_plugin_delivery_failures_total",
            "Plugin calls for a job's events that failed (each is retried)",
            "plugin",
            "kind");
    admissionWait =
        histogram(
            "sentinels_admission_wait_seconds",
            "Time from submit to admission",
            WAIT_BUCKETS,
            "namespace",
            "queue",
            "priority_class");
    passDuration =
        histogram(
            "sentinels_scheduler_pass_duration_seconds",
            "Time one admission pass took",
            PASS_BUCKETS,
            "namespace");
    GaugeWithCallback.builder()
        .name("sentinels_queue_jobs")
        .help(
            "Jobs not yet finished, by queue, priority class and state, as the last pass saw them")
        .labelNames("namespace", "queue", "priority_class", "state")
        .callback(
            callback ->
                seen.forEach(
                    (namespace, last) ->
                        last.jobs()
                            .forEach(
                                (key, count) ->
                                    callback.call(
                                        count,
                                        namespace,
                                        key.queue(),
                                        key.priorityClass(),
                                        key.state()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("sentinels_queue_oldest_queued_seconds")
        .help("How long the queue's longest-waiting job has been queued (absent when none waits)")
        .unit(Unit.SECONDS)
        .labelNames("namespace", "queue")
        .callback(
            callback -> {
              Instant now = Instant.now();
              seen.forEach(
                  (namespace, last) ->
                      last.oldestQueued()
                          .forEach(
                              (queue, since) ->
                                  callback.call(
                                      Math.max(0, Duration.between(since, now).toMillis() / 1e3),
                                      namespace,
                                      queue)));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("sentinels_jobs_requested")
        .help(
            "What admitted and running jobs request, by queue and user (cpu in cores, memory in"
                + " bytes, gpu in devices)")
        .labelNames("namespace", "queue", "user", "resource", "unit")
        .callback(
            callback ->
                seen.forEach(
                    (namespace, last) ->
                        last.held()
                            .forEach(
                                (key, r) -> {
                                  callback.call(
                                      r.cpuMillis() / 1000.0,
                                      namespace,
                                      key.queue(),
                                      key.user(),
                                      "cpu",
                                      "core");
                                  callback.call(
                                      r.memoryBytes(),
                                      namespace,
                                      key.queue(),
                                      key.user(),
                                      "memory",
                                      "byte");
                                  callback.call(
                                      r.gpus(),
                                      namespace,
                                      key.queue(),
                                      key.user(),
                                      "gpu",
                                      "device");
                                })))
        .register(registry);
    GaugeWithCallback.builder()
        .name("sentinels_scheduler_lease_held")
        .help("1 while this scheduler holds the namespace's admission lease, 0 while it stands by")
        .labelNames("namespace")
        .callback(
            callback ->
                seen.forEach((namespace, last) -> callback.call(last.holding() ? 1 : 0, namespace)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("sentinels_scheduler_lease_holder")
        .help("1 for the admitter holding the namespace's lease, as this scheduler last saw it")
        .labelNames("namespace", "holder")
        .callback(
            callback ->
                seen.forEach(
                    (namespace, last) -> {
                      if (last.holder() != null) {
                        callback.call(1, namespace, last.holder());
                      }
                    }))
        .register(registry);
    capacityGauge(
        "sentinels_capacity_allocatable", "What accepting nodes can take", NodeView::allocatable);
    capacityGauge(
        "sentinels_capacity_requested",
        "What is requested of accepting nodes",
        NodeView::requested);
    capacityGauge("sentinels_capacity_free", "What accepting nodes have free", NodeView::free);
    GaugeWithCallback.builder()
        .name("sentinels_nodes")
        .help("Nodes by state: accepting work, not ready, or cordoned")
        .labelNames("state")
        .callback(
            callback -> {
              Capacity last = capacity;
              if (last == null) {
                return;
              }
              Map<String, Long> states =
                  last.nodes().stream()
                      .collect(
                          Collectors.groupingBy(
                              SchedulerMetrics::nodeState, Collectors.counting()));
              for (String state : List.of("accepting", "not_ready", "cordoned")) {
                callback.call(states.getOrDefault(state, 0L), state);
              }
            })
        .register(registry);
  }

  /** Serves {@code /metrics} on a JDK HTTP server, in the format the scraper asks for. */
  public HttpHandler handler() {
    return new MetricsHandler(registry);
  }

  PrometheusRegistry registry() {
    return registry;
  }

  /** The observer of one namespace's loop ({@code local} for the local runner). */
  public SchedulerObserver scope(String namespace) {
    return new SchedulerObserver() {
      @Override
      public void passed(PassReport report, Duration took) {
        record(namespace, report, took);
      }

      @Override
      public void standingBy(String holder) {
        // A standby has no view of the queue: what it saw while it held would go stale.
        seen.put(namespace, new Seen(Map.of(), Map.of(), Map.of(), holder, false));
      }

      @Override
      public void deliveryFailed(String target) {
        int dot = target.indexOf('.');
        deliveryFailures
            .labelValues(
                dot < 0 ? target : target.substring(dot + 1),
                dot < 0 ? "" : target.substring(0, dot))
            .inc();
      }
    };
  }

  /** Forgets a namespace whose loop ended (deleted namespace): its gauges go with it. */
  public void forget(String namespace) {
    seen.remove(namespace);
  }

  private void record(String namespace, PassReport report, Duration took) {
    passDuration.labelValues(namespace).observe(took.toNanos() / 1e9);
    Map<JobKey, Long> jobs = new HashMap<>();
    Map<String, JobRecord> byId = new HashMap<>();
    Map<String, Instant> oldestQueued = new HashMap<>();
    Map<HolderKey, Resources> held = new HashMap<>();
    for (JobRecord job : report.live()) {
      byId.put(job.id(), job);
      if (job.state() == JobState.ADMITTED || job.state() == JobState.RUNNING) {
        held.merge(
            new HolderKey(queue(job), Objects.requireNonNullElse(job.user(), "")),
            job.spec().resources(),
            Resources::plus);
      }
      if (job.state() == JobState.QUEUED && job.submittedAt() != null) {
        oldestQueued.merge(queue(job), job.submittedAt(), (a, b) -> a.isBefore(b) ? a : b);
      }
      if (!job.state().isTerminal()) {
        jobs.merge(
            new JobKey(queue(job), priorityClass(job), job.state().display().toLowerCase()),
            1L,
            Long::sum);
      }
    }
    for (String id : report.admitted()) {
      JobRecord job = byId.get(id);
      if (job == null) {
        continue;
      }
      admissions.labelValues(namespace, queue(job), priorityClass(job)).inc();
      Instant admitted = job.enteredAt(JobState.ADMITTED);
      if (admitted != null && job.submittedAt() != null) {
        admissionWait
            .labelValues(namespace, queue(job), priorityClass(job))
            .observe(Math.max(0, Duration.between(job.submittedAt(), admitted).toNanos() / 1e9));
      }
    }
    for (String id : report.updated()) {
      JobRecord job = byId.get(id);
      if (job != null && job.state().isTerminal()) {
        finished.labelValues(namespace, queue(job), job.state().display().toLowerCase()).inc();
      }
    }
    seen.put(
        namespace,
        new Seen(Map.copyOf(jobs), Map.copyOf(oldestQueued), Map.copyOf(held), null, true));
    if (report.capacity() != null) {
      capacity = report.capacity();
    }
  }

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
  }

  private Histogram histogram(String name, String help, double[] buckets, String... labels) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .unit(Unit.SECONDS)
        .classicUpperBounds(buckets)
        .classicOnly()
        .labelNames(labels)
        .register(registry);
  }

  private void capacityGauge(String name, String help, Function<NodeView, Resources> figure) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help + " (cpu in cores, memory in bytes, gpu in devices), summed over nodes")
        .labelNames("resource", "unit")
        .callback(
            callback -> {
              Capacity last = capacity;
              if (last == null) {
                return;
              }
              long cpuMillis = 0;
              long memory = 0;
              long gpus = 0;
              for (NodeView node : last.nodes()) {
                if (!node.accepting()) {
                  continue;
                }
                Resources r = figure.apply(node);
                cpuMillis = bounded(cpuMillis, r.cpuMillis());
                memory = bounded(memory, r.memoryBytes());
                gpus = bounded(gpus, r.gpus());
              }
              // An unbounded figure (a local machine told to take anything) is no number to plot.
              if (cpuMillis < Resources.UNBOUNDED) {
                callback.call(cpuMillis / 1000.0, "cpu", "core");
              }
              if (memory < Resources.UNBOUNDED) {
                callback.call(memory, "memory", "byte");
              }
              if (gpus < Resources.UNBOUNDED) {
                callback.call(gpus, "gpu", "device");
              }
            })
        .register(registry);
  }

  private static long bounded(long sum, long value) {
    return sum >= Resources.UNBOUNDED || value >= Resources.UNBOUNDED
        ? Resources.UNBOUNDED
        : sum + value;
  }

  private static String nodeState(NodeView node) {
    return !node.ready() ? "not_ready" : node.schedulable() ? "accepting" : "cordoned";
  }

  private static String queue(JobRecord job) {
    return job.spec().queueOrDefault();
  }

  private static String priorityClass(JobRecord job) {
    return Objects.requireNonNullElse(job.spec().priority(), "");
  }
}
