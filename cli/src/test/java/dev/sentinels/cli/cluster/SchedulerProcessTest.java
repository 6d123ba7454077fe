package dev.sentinels.cli.cluster;

import static dev.sentinels.cli.cluster.ClusterFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code sentinel scheduler} as a real process: signals, crashes and takeover. */
@ExtendWith(TestClusterExtension.class)
class SchedulerProcessTest {

  private ClusterFixture fixture;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp(TestCluster cluster) {
    fixture = new ClusterFixture(cluster, "sched");
  }

  @AfterEach
  void tearDown() {
    processes.forEach(Process::destroyForcibly);
    fixture.deleteNamespace();
  }

  private Process startScheduler() throws IOException {
    Process process =
        fixture.schedulerProcess(
            new File("target/scheduler-" + fixture.namespace + "-" + processes.size() + ".log"));
    processes.add(process);
    return process;
  }

  private Lease lease() {
    return fixture
        .cluster
        .admin()
        .leases()
        .inNamespace(fixture.namespace)
        .withName(AdmissionLease.NAME)
        .get();
  }

  /** The pid in the live holder's identity ({@code scheduler/user@host/PID/...}), or -1. */
  private long holderPid() {
    Lease lease = lease();
    if (lease == null || lease.getSpec().getHolderIdentity() == null) {
      return -1;
    }
    String[] parts = lease.getSpec().getHolderIdentity().split("/");
    return parts.length >= 3 && parts[0].equals("scheduler") ? Long.parseLong(parts[2]) : -1;
  }

  private void awaitHolder(Process process) {
    Instant deadline = Instant.now().plusSeconds(60);
    while (holderPid() != process.pid()) {
      assertTrue(process.isAlive(), "scheduler exited early");
      assertTrue(Instant.now().isBefore(deadline), "scheduler never took the lease");
      ClusterFixture.sleep(200);
    }
  }

  @Test
  void schedulerAdmitsOnItsOwnAndReleasesTheLeaseOnSigterm() throws Exception {
    Process scheduler = startScheduler();
    awaitHolder(scheduler);

    try (Engine backend = fixture.engine()) {
      JobRecord job =
          backend.submit(
              spec("by-scheduler", ClusterFixture.cpus(1), null, Duration.ofMinutes(5), false));
      // The submit handed over: the scheduler, not the CLI, admits it.
      Instant deadline = Instant.now().plusSeconds(30);
      JobRecord seen = backend.get(job.id());
      while (!seen.state().isActive()) {
        assertTrue(
            Instant.now().isBefore(deadline), () -> "not admitted: " + backend.get(job.id()));
        ClusterFixture.sleep(200);
        seen = backend.get(job.id());
      }
      Transition admitted =
          seen.timeline().stream()
              .filter(t -> t.state() == JobState.ADMITTED)
              .findFirst()
              .orElseThrow();
      assertTrue(admitted.reason().startsWith("Admitted by scheduler/"), admitted.reason());
    }

    scheduler.destroy(); // SIGTERM
    assertTrue(scheduler.waitFor(30, TimeUnit.SECONDS), "scheduler did not stop on SIGTERM");
    String holder = lease().getSpec().getHolderIdentity();
    assertTrue(holder == null || holder.isEmpty(), "lease still held by " + holder);
  }

  @Test
  void killedSchedulersLoseNothingAndDoubleNothing() throws Exception {
    int jobs = 80;
    JobRecordStore store =
        new JobRecordStore(
            KubeConnection.connect(fixture.cluster.kubeconfig().toString(), null),
            fixture.namespace);
    Instant base = Instant.now();
    for (int i = 0; i < jobs; i++) {
      Instant at = base.plusMillis(i);
      assertTrue(
          store.create(
              new JobRecord(
                  String.format("kill-%03d", i),
                  spec("kill", ClusterFixture.cpus(4), "normal", Duration.ofSeconds(2), false),
                  "tester",
                  1000,
                  JobState.QUEUED,
                  "Submitted",
                  at,
                  null,
                  List.of(new Transition(JobState.QUEUED, at, "Submitted")),
                  Map.of())));
    }
    startScheduler();
    startScheduler();
    // SIGKILL the lease holder again and again while it admits; start a replacement each time.
    try (Engine reader = fixture.engine()) {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
      int kills = 0;
      while (reader.list(Set.of(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING)).size() > 0) {
        assertTrue(Instant.now().isBefore(deadline), "jobs did not finish");
        long pid = holderPid();
        if (kills < 4 && pid > 0) {
          for (Process p : List.copyOf(processes)) {
            if (p.pid() == pid && p.isAlive()) {
              p.destroyForcibly(); // SIGKILL: no release, no cleanup
              kills++;
              startScheduler();
            }
          }
        }
        ClusterFixture.sleep(1500);
      }
      assertTrue(kills >= 3, "only " + kills + " schedulers were killed");

      List<JobRecord> records = reader.list(Set.of());
      assertEquals(jobs, records.size());
      for (JobRecord record : records) {
        assertEquals(JobState.SUCCEEDED, record.state(), record::toString);
        assertEquals(
            1,
            record.timeline().stream().filter(t -> t.state() == JobState.ADMITTED).count(),
            () -> "admitted twice: " + record.timeline());
      }
      assertEquals(jobs, fixture.kubeJobs().list().getItems().size());
    }
  }
}
