package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.port.AdmissionGuard;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.JobRuntime;
import dev.sentinels.cli.engine.port.JobStore;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.queue.AdmissionPlan;
import dev.sentinels.cli.queue.Decision;
import dev.sentinels.cli.support.Retry;
import dev.sentinels.cli.support.Retry.Attempt;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * One admission pass, the same on every backend, run under its {@link AdmissionGuard}:
 *
 * <ol>
 *   <li>finish the admissions a previous holder intended and did not complete;
 *   <li>let the runtime bring active records up to date (Running, Succeeded, Failed) and write
 *       them;
 *   <li>read capacity, plan with the policy, write the ids it admits into the fence, then mark each
 *       record Admitted (conditional write) and launch it (idempotent);
 *   <li>clear the fence.
 * </ol>
 *
 * A holder that lost the guard fails at the fence and changes nothing; one that died after it is
 * completed by the next. Capacity of admitted jobs not placed yet is counted from their records, so
 * no pass gives it away twice.
 */
final class AdmissionPass implements AdmissionGuard.Pass {

  static final Set<JobState> LIVE =
      EnumSet.of(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING);

  private static final int ADMIT_ATTEMPTS = 5;

  private final JobStore store;
  private final JobRuntime runtime;
  private final Supplier<QueueConfig> config;
  private final String identity;
  private final Clock clock;

  AdmissionPass(
      JobStore store,
      JobRuntime runtime,
      Supplier<QueueConfig> config,
      String identity,
      Clock clock) {
    this.store = store;
    this.runtime = runtime;
    this.config = config;
    this.identity = identity;
    this.clock = clock;
  }

  @Override
  public PassReport run(AdmissionGuard.Fence fence) {
    Instant now = clock.instant();
    Map<String, StoredRecord> live = new LinkedHashMap<>();
    store.list(LIVE).forEach(s -> live.put(s.record().id(), s));
    List<String> admitted = new ArrayList<>();

    List<String> unfinished = fence.unfinished();
    if (!unfinished.isEmpty()) {
      for (String id : unfinished) {
        if (admitOne(live.get(id), null, now, live)) {
          admitted.add(id);
        }
      }
      fence.done();
    }

    List<String> updated = writeReconciled(live);
    Capacity capacity = runtime.capacity();
    AdmissionPlan plan =
        Admission.plan(config.get(), records(live), capacity, now, Admission.MAX_PER_PASS);
    List<Decision> decisions = plan.admitted();
    if (!decisions.isEmpty()) {
      fence.intend(decisions.stream().map(Decision::jobId).toList());
      admitted.addAll(admitAll(decisions, capacity.placementFinal(), now, live));
      fence.done();
    }
    return new PassReport(admitted, updated, null, records(live), capacity);
  }

  /** Writes what the runtime says changed; a record written meanwhile is left for the next pass. */
  private List<String> writeReconciled(Map<String, StoredRecord> live) {
    List<String> updated = new ArrayList<>();
    for (JobRecord next : runtime.reconcile(records(live))) {
      StoredRecord stored = live.get(next.id());
      var written = stored == null ? null : store.replace(next, stored.version()).orElse(null);
      if (written != null) {
        live.put(next.id(), written);
        updated.add(next.id());
      } else {
        live.remove(next.id()); // changed concurrently (cancelled?): the next pass sees it
      }
    }
    return updated;
  }

  private static List<JobRecord> records(Map<String, StoredRecord> live) {
    return live.values().stream().map(StoredRecord::record).toList();
  }

  private List<String> admitAll(
      List<Decision> decisions, boolean placed, Instant now, Map<String, StoredRecord> live) {
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    int writers = Math.min(store.writeConcurrency(), decisions.size());
    if (writers <= 1) {
      for (Decision d : decisions) {
        if (admitOne(live.get(d.jobId()), placed ? d.node() : null, now, live)) {
          done.add(d.jobId());
        }
      }
      return done;
    }
    // Each admission is two independent writes; a few in flight hide the round-trip latency.
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Decision d : decisions) {
        StoredRecord stored = live.get(d.jobId());
        futures.add(
            pool.submit(
                () -> {
                  if (admitOne(stored, placed ? d.node() : null, now, live)) {
                    done.add(d.jobId());
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtimeError) {
        throw runtimeError;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return done;
  }

  /**
   * Queued to Admitted (on {@code node} when placement is final), then launched. Idempotent: an
   * admitted record only gets its launch ensured, a cancelled one is left alone. True when this
   * call admitted it.
   */
  private boolean admitOne(
      StoredRecord first, String node, Instant now, Map<String, StoredRecord> live) {
    StoredRecord[] current = {first};
    return Retry.upToOrElse(
        ADMIT_ATTEMPTS,
        () -> {
          StoredRecord stored = current[0];
          if (stored == null || stored.record().state() != JobState.QUEUED) {
            if (stored != null && stored.record().state() == JobState.ADMITTED) {
              runtime.launch(stored.record());
            }
            return Attempt.done(false);
          }
          JobRecord record = node == null ? stored.record() : stored.record().withNode(node);
          JobRecord next = record.transition(JobState.ADMITTED, "Admitted by " + identity, now);
          var written = store.replace(next, stored.version());
          if (written.isEmpty()) {
            // Changed under us (priority, cancel): decide again on what is there now.
            current[0] = store.get(stored.record().id()).orElse(null);
            return Attempt.again();
          }
          synchronized (live) {
            live.put(next.id(), written.get());
          }
          runtime.launch(next);
          return Attempt.done(true);
        },
        false);
  }
}
