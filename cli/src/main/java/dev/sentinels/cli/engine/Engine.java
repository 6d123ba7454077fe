package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.DescribeSection;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.engine.port.OutputShipping;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.engine.port.SchedulerDriver;
import dev.sentinels.cli.engine.port.SchedulerObserver;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.plugin.HookWorker;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import dev.sentinels.cli.support.Sleeping;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Every use case, written once over a backend's ports: commands call this and nothing below it, so
 * a cluster and the local backend behave the same. Admission always goes through the one policy in
 * {@code dev.sentinels.cli.queue}.
 */
public final class Engine implements AutoCloseable {

  private final Backend backend;
  private final Clock clock;
  private final PluginWork plugins;

  public Engine(Backend backend, Clock clock) {
    this.backend = backend;
    this.clock = clock;
    this.plugins = new PluginWork(backend, clock);
  }

  /** For people: which cluster and namespace, or which local home. */
  public String target() {
    return backend.target();
  }

  /** The namespace jobs live in; empty for the local backend. */
  public Optional<String> namespace() {
    return backend.namespace();
  }

  public QueueConfig queueConfig() {
    return backend.queueConfig();
  }

  /** The plugin seam (tracking, notifications); loads plugins only when a path needs them. */
  public JobHooks hooks() {
    return plugins.hooks();
  }

  /** Queues the job (Queued), runs a pass, and returns the record after it. */
  public JobRecord submit(JobSpec spec) {
    backend.runtime().submitWarnings(spec).forEach(w -> System.err.println("warning: " + w));
    JobRecord record =
        Submission.store(
            spec,
            queueConfig(),
            backend.currentUser(),
            clock.instant(),
            hooks(),
            logsNamespace(),
            backend.store()::create);
    passAfterWrite();
    return get(record.id());
  }

  /** The job as it is now, or not found. */
  public JobRecord get(String jobId) {
    JobRecord stored = stored(jobId).record();
    JobRecord live = backend.runtime().observe(List.of(stored)).get(0);
    if (live.state().isActive()) {
      backend.runtime().keepAlive(); // a runner that was killed would leave it Running forever
    }
    return live;
  }

  private StoredRecord stored(String jobId) {
    return backend.store().get(jobId).orElseThrow(() -> notFound(jobId));
  }

  private SentinelException notFound(String jobId) {
    return SentinelException.notFound(
        "no job '" + jobId + "' in " + target() + " (see: sentinel status)");
  }

  /** Jobs in any of {@code states} (all when empty) as they are now, newest first. */
  public List<JobRecord> list(Set<JobState> states) {
    // Stored states may lag the runtime (no pass since a job ended): also read the active
    // records, bring them up to date, then filter.
    Set<JobState> query = EnumSet.noneOf(JobState.class);
    query.addAll(states);
    if (!states.isEmpty() && !states.equals(Set.of(JobState.QUEUED))) {
      query.addAll(EnumSet.of(JobState.ADMITTED, JobState.RUNNING));
    }
    List<JobRecord> stored =
        backend.store().list(query).stream().map(StoredRecord::record).toList();
    dev.sentinels.cli.support.Timing.mark("records read");
    List<JobRecord> records = new ArrayList<>(backend.runtime().observe(stored));
    dev.sentinels.cli.support.Timing.mark("live state read");
    if (records.stream().anyMatch(r -> r.state().isActive())) {
      backend.runtime().keepAlive();
    }
    if (!states.isEmpty()) {
      records.removeIf(r -> !states.contains(r.state()));
    }
    records.sort(
        Comparator.comparing(JobRecord::submittedAt).reversed().thenComparing(JobRecord::id));
    return records;
  }

  /** The queued jobs in admission order, with why each waits. */
  public QueueView queue() {
    // The two reads are independent; on a long queue each takes a while.
    CompletableFuture<Capacity> capacity =
        CompletableFuture.supplyAsync(backend.runtime()::capacity);
    List<JobRecord> live =
        backend.store().list(AdmissionPass.LIVE).stream().map(StoredRecord::record).toList();
    Capacity known;
    try {
      known = capacity.join();
    } catch (java.util.concurrent.CompletionException e) {
      // The read's own failure (a refused list, say), as if it had been made here.
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    var plan = Admission.plan(queueConfig(), live, known, clock.instant(), Admission.MAX_PER_PASS);
    Map<String, JobRecord> pending = new LinkedHashMap<>();
    live.stream().filter(r -> r.state() == JobState.QUEUED).forEach(r -> pending.put(r.id(), r));
    return new QueueView(pending, plan);
  }

  /** Capacity against requests, per node. */
  public List<NodeView> nodes() {
    return backend.runtime().capacity().nodes();
  }

  /** {@code sentinel doctor}: whether this backend is ready for work, check by check. */
  public Doctor.Report diagnose() {
    return new Doctor(backend, this::nodes, this::hooks).run();
  }

  /** Cancels a queued or running job; the record stays, as Cancelled. */
  public JobRecord cancel(String jobId, String why) {
    AtomicReference<JobRecord> before = new AtomicReference<>();
    JobRecord record =
        change(
            jobId,
            current -> {
              before.set(current);
              if (current.state() == JobState.CANCELLED) {
                return null; // already: nothing to write, nothing to stop
              }
              if (current.state().isTerminal()) {
                throw new SentinelException(
                    ExitCodes.FAILED,
                    "job " + jobId + " already " + current.state() + "; nothing to cancel");
              }
              return current.transition(JobState.CANCELLED, why, clock.instant());
            });
    if (before.get().state() != JobState.CANCELLED) {
      if (before.get().state().isActive()) {
        backend.runtime().stop(before.get());
      }
      passAfterWrite(); // its capacity may let the next job in
    }
    return record;
  }

  /**
   * Deletes a job as {@code kubectl delete} does: cancels it first when it is queued or running,
   * removes what running it left (its Kubernetes Job and pods, or its local directory), then its
   * record, conditionally ({@link dev.sentinels.cli.engine.port.JobStore#remove}), so a record
   * another process is changing is read again, never lost half-way. Notifications still pending for
   * it go with it.
   */
  public JobRecord delete(String jobId, String why) {
    JobRecord record = get(jobId);
    if (!record.state().isTerminal()) {
      record = cancel(jobId, why);
    }
    backend.runtime().remove(record);
    return backend.store().remove(jobId).orElse(record); // empty: another delete was first
  }

  /** Moves the job to another priority class; it re-sorts in the queue at once. */
  public JobRecord setPriority(String jobId, String className) {
    PriorityClass priority = Submission.priorityClass(queueConfig(), className);
    change(
        jobId,
        current -> {
          if (current.state().isTerminal()) {
            throw new SentinelException(
                ExitCodes.FAILED,
                "job " + jobId + " already " + current.state() + "; priority no longer matters");
          }
          return current.withPriority(priority.name(), priority.value());
        });
    passAfterWrite();
    return get(jobId);
  }

  /**
   * Applies {@code change} to the job's record with a conditional write (re-read on conflict) and
   * returns the record after it; {@code change} returns null to leave the record as it is.
   */
  private JobRecord change(String jobId, java.util.function.UnaryOperator<JobRecord> change) {
    boolean[] found = {false};
    Optional<JobRecord> written =
        backend
            .store()
            .update(
                jobId,
                current -> {
                  found[0] = true;
                  // Decide on the job as it is now: a stored Running may have ended meanwhile.
                  return change.apply(backend.runtime().observe(List.of(current)).get(0));
                });
    if (!found[0]) {
      throw notFound(jobId);
    }
    return written.orElseGet(() -> stored(jobId).record());
  }

  /**
   * Copies the job's output to {@code out}: from the backend while it has it, else (or when {@code
   * source} says so) from the log source; with {@code follow}, until the job ends.
   *
   * @param source {@code cluster} or {@code local} for the backend, a log source's plugin id, or
   *     null for the backend while it has output and the log source after
   */
  public void logs(
      String jobId,
      String source,
      boolean follow,
      Integer tailLines,
      java.time.Instant since,
      PrintStream out) {
    new LogReading(backend.runtime(), this::get, () -> hooks().logs(), logsNamespace())
        .copy(new LogReading.Request(jobId, origin(source), follow, tailLines, since), out);
  }

  /** The same from wherever the output is, all of it since the job started. */
  public void logs(String jobId, boolean follow, Integer tailLines, PrintStream out) {
    logs(jobId, null, follow, tailLines, null, out);
  }

  private LogReading.Origin origin(String source) {
    if (source == null) {
      return LogReading.Origin.AUTO;
    }
    if (source.equals("cluster") || source.equals("local")) {
      return LogReading.Origin.RUNTIME;
    }
    Optional<String> configured = hooks().logs().sourceId();
    if (configured.isEmpty() || !configured.get().equals(source)) {
      throw SentinelException.invalid(
          "--source: "
              + source
              + (configured.isEmpty()
                  ? " is not configured (configure plugins." + source + "; see: sentinel plugins)"
                  : " is not a log source here; use cluster, local or " + configured.get()));
    }
    return LogReading.Origin.SOURCE;
  }

  /**
   * Lines matching {@code text} in the log source, newest first.
   *
   * @param allNamespaces every namespace's jobs, not only this one's
   */
  public void searchLogs(
      String text,
      String project,
      java.time.Instant since,
      int limit,
      boolean allNamespaces,
      Consumer<dev.sentinels.api.plugin.LogSource.LogMatch> sink) {
    hooks()
        .logs()
        .search(
            new dev.sentinels.api.plugin.LogSource.LogSearch(
                text, allNamespaces ? null : logsNamespace(), project, since, limit),
            sink);
  }

  /** The namespace of this backend's jobs in a log source: the cluster's, or {@code local}. */
  private String logsNamespace() {
    return backend.namespace().orElse("local");
  }

  /** One admission pass now (not waiting for another admitter), then brief plugin delivery. */
  public PassReport admit() {
    String identity = Identity.of("cli");
    PassReport report = backend.admission(identity, false).run(pass(identity));
    backend.runtime().keepAlive();
    plugins.deliverBriefly();
    return report;
  }

  /** After a write: a pass that sees it (ours, or another admitter's), then brief delivery. */
  private void passAfterWrite() {
    String identity = Identity.of("cli");
    backend.admission(identity, false).runAfterWrite(pass(identity));
    backend.runtime().keepAlive();
    plugins.deliverBriefly();
  }

  private AdmissionPass pass(String identity) {
    return new AdmissionPass(
        backend.store(), backend.runtime(), backend::queueConfig, identity, clock);
  }

  /** Runtime detail for {@code describe}: Kubernetes objects and events, or the local process. */
  public List<DescribeSection> describe(JobRecord record) {
    return backend.runtime().describe(record);
  }

  /**
   * Calls {@code onChange} with jobs' current records as they change, until {@code stop} is set or
   * the thread is interrupted; it may repeat unchanged records. {@code onReady} runs once the watch
   * is in place, before any change is reported, so a listing made then misses nothing.
   */
  public void watch(Runnable onReady, Consumer<JobRecord> onChange, AtomicBoolean stop) {
    if (backend.runtime().watch(onReady, onChange, stop)) {
      return;
    }
    onReady.run(); // no change notifications: look again every second
    while (!stop.get() && !Thread.currentThread().isInterrupted()) {
      Sleeping.sleep(1000);
      list(Set.of()).forEach(onChange);
    }
  }

  /** Admits continuously until {@code stop} is set (or, for a local runner, it idles out). */
  public void runScheduler(AtomicBoolean stop, PrintStream log) {
    runScheduler(stop, log, new SchedulerHealth(clock).scope(target()), SchedulerObserver.NONE);
  }

  /**
   * The same, beating {@code health} every time round (the health endpoint's probes) and telling
   * {@code observer} what each pass did (its metrics).
   */
  public void runScheduler(
      AtomicBoolean stop,
      PrintStream log,
      SchedulerHealth.Scope health,
      SchedulerObserver observer) {
    String identity = Identity.of("scheduler");
    var guard = backend.admission(identity, true);
    try (SchedulerDriver driver = backend.schedulerDriver(identity)) {
      if (!driver.open(stop, log)) {
        return;
      }
      log.println(clock.instant() + " scheduler " + identity + " on " + target());
      plugins.prepareLogs(log);
      try (HookWorker worker =
              plugins.startWorker(identity, log, this::queue, this::nodes, observer);
          OutputShipping shipping = backend.runtime().shipOutput(plugins.logSink(), log)) {
        new SchedulerLoop(
                driver,
                guard,
                pass(identity),
                () -> plugins.outstanding() || shipping.behind(),
                clock,
                log,
                health,
                observer)
            .run(stop, worker);
      } finally {
        guard.release();
        log.println(clock.instant() + " scheduler stopped");
      }
    }
  }

  @Override
  public void close() {
    plugins.close();
    backend.close();
  }
}
