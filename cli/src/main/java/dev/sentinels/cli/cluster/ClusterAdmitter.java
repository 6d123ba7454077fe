package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.backend.NodeView;
import dev.sentinels.cli.backend.PassReport;
import dev.sentinels.cli.cluster.AdmissionLease.Held;
import dev.sentinels.cli.cluster.AdmissionLease.LostLeaseException;
import dev.sentinels.cli.cluster.JobRecordStore.StaleRecordException;
import dev.sentinels.cli.cluster.JobRecordStore.Stored;
import dev.sentinels.cli.queue.ActiveJob;
import dev.sentinels.cli.queue.AdmissionInput;
import dev.sentinels.cli.queue.AdmissionPlan;
import dev.sentinels.cli.queue.AdmissionPolicy;
import dev.sentinels.cli.queue.Decision;
import dev.sentinels.cli.queue.NodeCapacity;
import dev.sentinels.cli.queue.PendingJob;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * One admission pass on the cluster, under the {@link AdmissionLease}:
 *
 * <ol>
 *   <li>roll forward the intent a previous holder left unfinished;
 *   <li>bring active records up to date with their Jobs and pods (Running, Succeeded, Failed);
 *   <li>read capacity, run the {@link AdmissionPolicy}, write the ids it admits into the lease
 *       (fenced by resourceVersion), then mark each record Admitted (conditional update) and create
 *       its Job (idempotent by name);
 *   <li>clear the intent.
 * </ol>
 *
 * A holder that lost the lease fails at the intent write and changes nothing; one that died after
 * it is completed by the next. Capacity of admitted jobs whose pods are not yet bound is counted
 * from their records, so no pass gives it away twice.
 */
final class ClusterAdmitter {

  /** Bounds one pass's intent (kept in a Lease annotation) and its duration. */
  static final int MAX_ADMISSIONS_PER_PASS = 1000;

  private static final int WRITERS = 32;

  private final KubeAccess access;
  private final String namespace;
  private final JobRecordStore store;
  private final JobLauncher launcher;
  private final ResourceMonitor monitor;
  private final Supplier<QueueConfig> config;
  private final AdmissionLease lease;
  private final Clock clock;
  private Held held;

  ClusterAdmitter(
      KubeAccess access,
      String namespace,
      JobRecordStore store,
      JobLauncher launcher,
      ResourceMonitor monitor,
      Supplier<QueueConfig> config,
      AdmissionLease lease,
      Clock clock) {
    this.access = access;
    this.namespace = namespace;
    this.store = store;
    this.launcher = launcher;
    this.monitor = monitor;
    this.config = config;
    this.lease = lease;
    this.clock = clock;
  }

  AdmissionLease lease() {
    return lease;
  }

  /**
   * Runs one pass if the lease can be had; {@code release} gives it up afterwards (one-shot CLI
   * passes) instead of keeping it (the scheduler).
   */
  PassReport pass(boolean release) {
    Optional<Held> acquired = lease.tryAcquire();
    if (acquired.isEmpty()) {
      return PassReport.skipped(
          lease.holder().map(AdmissionLease.Holder::identity).orElse("another admitter"));
    }
    held = acquired.get();
    try {
      return passHolding();
    } catch (LostLeaseException e) {
      held = null;
      return PassReport.skipped("another admitter (took over during the pass)");
    } finally {
      if (release && held != null) {
        lease.release(held);
        held = null;
      }
    }
  }

  /** Extends the lease between passes (scheduler); false when it was lost. */
  boolean renew() {
    if (held == null) {
      return false;
    }
    try {
      held = lease.renew(held);
      return true;
    } catch (LostLeaseException e) {
      held = null;
      return false;
    }
  }

  /** Gives the lease up (scheduler shutdown). */
  void release() {
    if (held != null) {
      lease.release(held);
      held = null;
    }
  }

  private PassReport passHolding() {
    Instant now = clock.instant();
    Map<String, Stored> records = new LinkedHashMap<>();
    for (Stored stored : store.list(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING)) {
      records.put(stored.record().id(), stored);
    }
    Map<String, JsonNode> jobs = JobObjects.jobsById(access.reads(), namespace);
    Map<String, List<JsonNode>> pods = JobObjects.podsByJobId(access.reads(), namespace);
    Set<String> priorityClasses = priorityClasses();
    List<String> admitted = new ArrayList<>();
    List<String> updated = new ArrayList<>();

    if (!held.intent().isEmpty()) {
      // A previous holder decided these and died before finishing: finish for it.
      for (String id : held.intent()) {
        Stored stored = records.get(id);
        if (stored != null && admitOne(stored, priorityClasses, now, records)) {
          admitted.add(id);
        }
      }
      held = lease.clearIntent(held);
    }

    sync(records, jobs, pods, priorityClasses, now, updated);
    cleanUpOrphans(jobs, records);

    ResourceMonitor.Snapshot capacity = monitor.read();
    AdmissionPlan plan = plan(config.get(), records, capacity, now);
    List<Decision> decisions = plan.admitted();
    if (decisions.isEmpty()) {
      return new PassReport(admitted, updated, null);
    }
    List<String> ids = decisions.stream().map(Decision::jobId).toList();
    held = lease.writeIntent(held, ids);
    admitted.addAll(admitAll(ids, records, priorityClasses, now));
    held = lease.clearIntent(held);
    return new PassReport(admitted, updated, null);
  }

  /** The policy's plan for the current records and capacity, without changing anything. */
  static AdmissionPlan plan(
      QueueConfig config,
      Map<String, Stored> records,
      ResourceMonitor.Snapshot capacity,
      Instant now) {
    List<NodeCapacity> nodes = new ArrayList<>();
    for (NodeView node : capacity.nodes()) {
      if (node.accepting()) {
        nodes.add(new NodeCapacity(node.name(), node.allocatable(), node.free()));
      }
    }
    List<ActiveJob> active = new ArrayList<>();
    List<PendingJob> pending = new ArrayList<>();
    for (Stored stored : records.values()) {
      JobRecord record = stored.record();
      if (record.state() == JobState.QUEUED) {
        pending.add(PendingJob.of(record));
      } else if (record.state().isActive()) {
        // Bound pods are already in the node's requests; unbound ones the policy places itself.
        active.add(
            new ActiveJob(
                record.id(),
                record.spec().queueOrDefault(),
                record.spec().resources(),
                capacity.boundJobs().get(record.id())));
      }
    }
    AdmissionInput input = new AdmissionInput(nodes, active, pending, now, MAX_ADMISSIONS_PER_PASS);
    return new AdmissionPolicy(config).plan(input);
  }

  private List<String> admitAll(
      List<String> ids, Map<String, Stored> records, Set<String> priorityClasses, Instant now) {
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    if (ids.size() == 1) {
      if (admitOne(records.get(ids.get(0)), priorityClasses, now, records)) {
        done.add(ids.get(0));
      }
      return done;
    }
    // Each admission is two independent writes; a few in flight hide the round-trip latency.
    ExecutorService writers = Executors.newFixedThreadPool(Math.min(WRITERS, ids.size()));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (String id : ids) {
        Stored stored = records.get(id);
        futures.add(
            writers.submit(
                () -> {
                  if (admitOne(stored, priorityClasses, now, records)) {
                    done.add(id);
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      writers.shutdownNow();
    }
    return done;
  }

  /**
   * Queued to Admitted, then the Job. Idempotent: an already admitted record only gets its Job
   * ensured; a cancelled one is left alone. True when this call admitted it.
   */
  private boolean admitOne(
      Stored stored, Set<String> priorityClasses, Instant now, Map<String, Stored> records) {
    for (int attempt = 0; attempt < 5 && stored != null; attempt++) {
      JobRecord record = stored.record();
      if (record.state() == JobState.ADMITTED) {
        launcher.launch(record, priorityClasses);
        return false;
      }
      if (record.state() != JobState.QUEUED) {
        return false;
      }
      JobRecord next = record.transition(JobState.ADMITTED, "Admitted by " + lease.identity(), now);
      try {
        Stored written = store.update(next, stored.resourceVersion());
        synchronized (records) {
          records.put(next.id(), written);
        }
        launcher.launch(next, priorityClasses);
        return true;
      } catch (StaleRecordException e) {
        // Changed under us (priority, cancel): decide again on what is there now.
        stored = store.get(record.id()).orElse(null);
      }
    }
    return false;
  }

  /** Brings active records in line with their Jobs; relaunches admitted jobs whose Job is gone. */
  private void sync(
      Map<String, Stored> records,
      Map<String, JsonNode> jobs,
      Map<String, List<JsonNode>> pods,
      Set<String> priorityClasses,
      Instant now,
      List<String> updated) {
    for (Stored stored : new ArrayList<>(records.values())) {
      JobRecord record = stored.record();
      if (!record.state().isActive()) {
        continue;
      }
      JsonNode job = jobs.get(record.id());
      if (job == null && record.state() == JobState.ADMITTED) {
        Instant admittedAt = record.enteredAt(JobState.ADMITTED);
        if (admittedAt == null || admittedAt.plus(JobStatusDeriver.RELAUNCH_AFTER).isBefore(now)) {
          launcher.launch(record, priorityClasses);
        }
        continue;
      }
      Optional<JobRecord> derived =
          JobStatusDeriver.derive(record, job, pods.getOrDefault(record.id(), List.of()), now);
      if (derived.isPresent()) {
        try {
          records.put(record.id(), store.update(derived.get(), stored.resourceVersion()));
          updated.add(record.id());
        } catch (StaleRecordException e) {
          records.remove(record.id()); // changed concurrently (cancelled?): next pass sees it
        }
      }
    }
  }

  /** A Job still running for a record that is cancelled (a cancel raced a launch): delete it. */
  private void cleanUpOrphans(Map<String, JsonNode> jobs, Map<String, Stored> records) {
    for (Map.Entry<String, JsonNode> entry : jobs.entrySet()) {
      String id = entry.getKey();
      if (records.containsKey(id) || JobStatusDeriver.isFinished(entry.getValue())) {
        continue;
      }
      Optional<Stored> stored = store.get(id);
      if (stored.isEmpty() || stored.get().record().state() == JobState.CANCELLED) {
        launcher.delete(id);
      }
    }
  }

  /** PriorityClasses the cluster defines; none when this user may not list them. */
  Set<String> priorityClasses() {
    try {
      Set<String> names = new HashSet<>();
      access
          .client()
          .scheduling()
          .v1()
          .priorityClasses()
          .list()
          .getItems()
          .forEach(p -> names.add(p.getMetadata().getName()));
      return names;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return Set.of();
      }
      throw e;
    }
  }
}
