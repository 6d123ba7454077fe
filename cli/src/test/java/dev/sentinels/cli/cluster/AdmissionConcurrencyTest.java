package dev.sentinels.cli.cluster;

import static dev.sentinels.cli.cluster.ClusterFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.Resources;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many submitters, two schedulers, a crashed admitter: every job is admitted exactly once, none
 * beyond capacity, none lost.
 */
@ExtendWith(TestClusterExtension.class)
class AdmissionConcurrencyTest {

  private static final int SUBMITTERS = 8;
  private static final int JOBS = 500;

  @Test
  void manySubmittersAndTwoSchedulersAdmitEveryJobExactlyOnceWithinCapacity(TestCluster cluster)
      throws Exception {
    ClusterFixture fixture = new ClusterFixture(cluster, "race");
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService threads = Executors.newCachedThreadPool();
    Set<String> unschedulable = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> schedulers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Engine scheduler = fixture.engine();
        schedulers.add(
            threads.submit(
                () -> {
                  try (scheduler) {
                    scheduler.runScheduler(stop, new PrintStream(new ByteArrayOutputStream()));
                  }
                }));
      }
      // Over-admission would show as pods the kube-scheduler cannot place anywhere.
      Future<?> watcher =
          threads.submit(
              () -> {
                while (!stop.get()) {
                  for (Pod pod :
                      cluster.admin().pods().inNamespace(fixture.namespace).list().getItems()) {
                    if (pod.getStatus().getConditions() != null
                        && pod.getStatus().getConditions().stream()
                            .anyMatch(
                                c ->
                                    "PodScheduled".equals(c.getType())
                                        && "Unschedulable".equals(c.getReason()))) {
                      unschedulable.add(pod.getMetadata().getName());
                    }
                  }
                  ClusterFixture.sleep(250);
                }
              });

      List<Future<List<String>>> submitters = new ArrayList<>();
      for (int s = 0; s < SUBMITTERS; s++) {
        int share = JOBS / SUBMITTERS + (s < JOBS % SUBMITTERS ? 1 : 0);
        submitters.add(
            threads.submit(
                () -> {
                  List<String> ids = new ArrayList<>();
                  try (Engine submitter = fixture.engine()) {
                    for (int j = 0; j < share; j++) {
                      Resources request = new Resources(1000, 256L << 20, 0);
                      ids.add(
                          submitter
                              .submit(spec("race", request, null, Duration.ofMillis(500), false))
                              .id());
                    }
                  }
                  return ids;
                }));
      }
      Set<String> submitted = ConcurrentHashMap.newKeySet();
      for (Future<List<String>> f : submitters) {
        submitted.addAll(f.get(5, TimeUnit.MINUTES));
      }
      assertEquals(JOBS, submitted.size(), "every submit got its own id");

      try (Engine reader = fixture.engine()) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(8));
        List<JobRecord> records;
        do {
          ClusterFixture.sleep(2000);
          records = reader.list(Set.of());
          assertTrue(Instant.now().isBefore(deadline), () -> "not all done: " + states(reader));
        } while (records.stream().anyMatch(r -> !r.state().isTerminal()));
        stop.set(true);
        for (Future<?> f : schedulers) {
          f.get(1, TimeUnit.MINUTES);
        }
        watcher.get(1, TimeUnit.MINUTES);

        assertEquals(submitted, records.stream().map(JobRecord::id).collect(Collectors.toSet()));
        for (JobRecord record : records) {
          assertEquals(JobState.SUCCEEDED, record.state(), record::toString);
          assertEquals(
              1,
              record.timeline().stream().filter(t -> t.state() == JobState.ADMITTED).count(),
              () -> "admitted more than once: " + record.timeline());
        }
        List<Job> jobs = fixture.kubeJobs().list().getItems();
        assertEquals(JOBS, jobs.size(), "one Kubernetes Job per record");
        assertEquals(Set.of(), unschedulable, "pods admitted beyond capacity");
      }
    } finally {
      stop.set(true);
      threads.shutdownNow();
      fixture.deleteNamespace();
    }
  }

  private static Map<JobState, Long> states(Engine reader) {
    return reader.list(Set.of()).stream()
        .collect(Collectors.groupingBy(JobRecord::state, Collectors.counting()));
  }

  @Test
  void admitterThatDiesMidPassIsCompletedByTheNextAndCanChangeNothingAfter(TestCluster cluster) {
    ClusterFixture fixture = new ClusterFixture(cluster, "takeover");
    try (Engine backend = fixture.engine()) {
      var client = KubeConnection.connect(cluster.kubeconfig().toString(), null);
      JobRecordStore store = new JobRecordStore(client, fixture.namespace);
      List<JobRecord> queued = new ArrayList<>();
      Instant now = Instant.now();
      for (int i = 0; i < 4; i++) {
        JobRecord record =
            new JobRecord(
                "takeover-" + i,
                spec("takeover", ClusterFixture.cpus(1), "normal", Duration.ofMinutes(5), false),
                "tester",
                1000,
                JobState.QUEUED,
                "Submitted",
                now.plusMillis(i),
                null,
                List.of(new Transition(JobState.QUEUED, now, "Submitted")),
                Map.of());
        assertTrue(store.create(record));
        queued.add(record);
      }
      // The dead admitter took the lease, wrote its intent for jobs 0 and 1, admitted job 0's
      // record and was killed before creating its Job or touching job 1.
      AdmissionLease dead =
          new AdmissionLease(
              KubeAccess.of(client),
              fixture.namespace,
              "dead-admitter",
              AdmissionLease.HolderKind.SCHEDULER,
              Duration.ofSeconds(3),
              Clock.systemUTC());
      AdmissionLease.Held held = dead.tryAcquire().orElseThrow();
      held = dead.writeIntent(held, List.of("takeover-0", "takeover-1"));
      StoredRecord first = store.get("takeover-0").orElseThrow();
      store.replace(
          first.record().transition(JobState.ADMITTED, "Admitted by dead-admitter", now),
          first.version());

      PassReport whileHeld = backend.admit();
      assertEquals("dead-admitter", whileHeld.heldBy(), "a live lease is respected");

      ClusterFixture.sleep(3500); // the lease expires
      PassReport takeover = backend.admit();
      assertEquals(null, takeover.heldBy());

      for (JobRecord record : queued) {
        JobRecord now2 = backend.get(record.id());
        assertTrue(now2.state().isActive(), () -> record.id() + " is " + now2.state());
        assertEquals(
            1,
            now2.timeline().stream().filter(t -> t.state() == JobState.ADMITTED).count(),
            () -> "admitted twice: " + now2.timeline());
        assertTrue(
            client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(fixture.namespace)
                    .withName(JobLauncher.jobName(record.id()))
                    .get()
                != null,
            () -> "no Job for " + record.id());
      }
      // The dead admitter comes back: its fence is gone, so it cannot write an intent.
      AdmissionLease.Held stale = held;
      assertThrows(
          AdmissionLease.LostLeaseException.class,
          () -> dead.writeIntent(stale, List.of("takeover-3")));
      client.close();
    } finally {
      fixture.deleteNamespace();
    }
  }
}
