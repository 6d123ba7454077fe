package dev.sentinels.cli.cluster;

import static dev.sentinels.cli.cluster.ClusterFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliProcess;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Helm chart's scheduler Deployment relies on, against a real API server: probes, several
 * namespaces in one process, and configuration changes taking effect without a restart.
 */
@ExtendWith(TestClusterExtension.class)
class SchedulerOptionsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ClusterFixture teamA;
  private ClusterFixture teamB;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp(TestCluster cluster) {
    teamA = new ClusterFixture(cluster, "opt-a");
    teamB = new ClusterFixture(cluster, "opt-b");
  }

  @AfterEach
  void tearDown() {
    processes.forEach(Process::destroyForcibly);
    teamA.deleteNamespace();
    teamB.deleteNamespace();
  }

  private Process scheduler(Path log, String... args) throws IOException {
    List<String> all =
        new ArrayList<>(
            List.of("scheduler", "--kubeconfig", teamA.cluster.kubeconfig().toString()));
    all.addAll(List.of(args));
    Process process =
        CliProcess.builder(all.toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> probe(int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void oneProcessManagesSeveralNamespacesAndAnswersItsProbes() throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("scheduler-namespaces", ".log");
    Process process =
        scheduler(
            log,
            "--namespaces",
            teamA.namespace + "," + teamB.namespace,
            "--health-port",
            Integer.toString(port),
            "--health-address",
            "127.0.0.1");
    ClusterFixture.await(
        "/readyz to answer 200",
        Duration.ofSeconds(60),
        () -> {
          assertTrue(process.isAlive(), () -> "scheduler exited: " + read(log));
          HttpResponse<String> ready = probe(port, "/readyz");
          return ready != null && ready.statusCode() == 200;
        });
    // Ready means every loop runs; "holding admission" only once its first pass held the lease.
    ClusterFixture.await(
        "/readyz to say both namespaces are held",
        Duration.ofSeconds(60),
        () -> {
          String body = probe(port, "/readyz").body();
          return body.contains(teamA.namespace + " holding admission")
              && body.contains(teamB.namespace + " holding admission");
        });
    for (ClusterFixture team : List.of(teamA, teamB)) {
      assertTrue(heldByScheduler(team), team.namespace + " lease not held by the scheduler");
    }
    assertEquals(200, probe(port, "/healthz").statusCode());
    assertEquals(404, probe(port, "/healthz/nothing").statusCode());

    try (Engine a = teamA.engine();
        Engine b = teamB.engine()) {
      JobRecord inA =
          a.submit(spec("in-a", ClusterFixture.cpus(1), null, Duration.ofMinutes(5), false));
      JobRecord inB =
          b.submit(spec("in-b", ClusterFixture.cpus(1), null, Duration.ofMinutes(5), false));
      ClusterFixture.awaitAdmittedByScheduler(a, inA.id());
      ClusterFixture.awaitAdmittedByScheduler(b, inB.id());
    }
    // The same port serves each namespace's metrics, from its own loop.
    String metrics = probe(port, "/metrics").body();
    for (ClusterFixture team : List.of(teamA, teamB)) {
      String ns = "namespace=\"" + team.namespace + "\"";
      assertTrue(metrics.contains("sentinels_scheduler_lease_held{" + ns + "} 1.0"), () -> metrics);
      assertTrue(
          metrics
              .lines()
              .anyMatch(
                  l -> l.startsWith("sentinels_admissions_total{" + ns) && l.endsWith("} 1.0")),
          () -> metrics);
    }
    assertTrue(metrics.contains("sentinels_nodes{state=\"accepting\"}"), () -> metrics);
    String text = read(log);
    assertTrue(text.contains("[" + teamA.namespace + "] "), text);
    assertTrue(text.contains("[" + teamB.namespace + "] "), text);

    process.destroy(); // SIGTERM: every namespace's lease is released
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "scheduler did not stop on SIGTERM");
    for (ClusterFixture team : List.of(teamA, teamB)) {
      String holder =
          team.cluster
              .admin()
              .leases()
              .inNamespace(team.namespace)
              .withName(AdmissionLease.NAME)
              .get()
              .getSpec()
              .getHolderIdentity();
      assertTrue(holder == null || holder.isEmpty(), team.namespace + " still held by " + holder);
    }
  }

  @Test
  void aChangedPriorityClassReordersTheQueueAndABadEditIsRefused() throws Exception {
    // A queue that runs one job at a time, and two classes whose order the edit swaps.
    writeConfig(
        """
        priorityClasses:
          - {name: alpha, value: 1000}
          - {name: beta, value: 100}
        defaultPriority: beta
        queues:
          - name: solo
            quota: {cpu: "1"}
        """);
    Path log = Files.createTempFile("scheduler-reload", ".log");
    Process process = scheduler(log, "-n", teamA.namespace);
    ClusterFixture.await(
        "the scheduler to hold the lease", Duration.ofSeconds(60), () -> heldByScheduler(teamA));
    try (Engine engine = teamA.engine()) {
      JobRecord blocker =
          engine.submit(ClusterFixture.queued("blocker", "beta", Duration.ofSeconds(6)));
      ClusterFixture.awaitAdmittedByScheduler(engine, blocker.id());
      JobRecord first =
          engine.submit(ClusterFixture.queued("first", "alpha", Duration.ofSeconds(1)));
      JobRecord second =
          engine.submit(ClusterFixture.queued("second", "beta", Duration.ofSeconds(1)));
      assertEquals(JobState.QUEUED, engine.get(first.id()).state());
      assertEquals(JobState.QUEUED, engine.get(second.id()).state());

      // A broken edit first: the scheduler says so and keeps the last good configuration.
      writeConfig("priorityClasses: [{name: alpha, value: lots}]\n");
      ClusterFixture.await(
          "the scheduler to refuse the bad edit",
          Duration.ofSeconds(30),
          () -> read(log).contains("rejected, keeping the last good one"));
      writeConfig(
          """
          priorityClasses:
            - {name: alpha, value: 100}
            - {name: beta, value: 1000}
          defaultPriority: beta
          queues:
            - name: solo
              quota: {cpu: "1"}
          """);
      ClusterFixture.await(
          "the scheduler to reload",
          Duration.ofSeconds(30),
          () -> read(log).contains("configuration reloaded"));

      ClusterFixture.await(
          "both jobs to be admitted",
          Duration.ofSeconds(90),
          () ->
              engine.get(first.id()).state().isActive()
                  || engine.get(first.id()).state().isTerminal());
      Instant firstAt = ClusterFixture.admittedAt(engine.get(first.id()));
      Instant secondAt = ClusterFixture.admittedAt(engine.get(second.id()));
      assertTrue(
          secondAt != null && secondAt.isBefore(firstAt),
          "beta now outranks alpha, so 'second' goes first: " + engine.get(second.id()));
    } finally {
      assertTrue(process.isAlive(), () -> "scheduler exited: " + read(log));
    }
  }

  private static boolean heldByScheduler(ClusterFixture team) {
    var lease =
        team.cluster
            .admin()
            .leases()
            .inNamespace(team.namespace)
            .withName(AdmissionLease.NAME)
            .get();
    return lease != null
        && lease.getSpec().getHolderIdentity() != null
        && lease.getSpec().getHolderIdentity().startsWith("scheduler/");
  }

  private void writeConfig(String yaml) {
    teamA
        .cluster
        .admin()
        .configMaps()
        .inNamespace(teamA.namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(KubernetesBackend.CONFIG_MAP)
                .endMetadata()
                .addToData("config.yaml", yaml)
                .build())
        .serverSideApply();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
