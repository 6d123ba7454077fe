package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.cluster.HelmChartTest.Result;
import dev.sentinels.cli.engine.Doctor;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code helm install} of the chart on the test cluster, its scheduler pods running the Sentinels
 * image for real on the real node: a user bound to {@code sentinels-user} submits and the
 * in-cluster scheduler admits; killing the active pod hands over with nothing lost or doubled;
 * upgrade and rollback reach the running scheduler; uninstall keeps the records; the scheduler's
 * ServiceAccount may do exactly what its code paths need. An integration test: the image holds the
 * packaged CLI.
 */
@ExtendWith(TestClusterExtension.class)
class HelmInstallIT {

  private static final Path CHART =
      Path.of("").toAbsolutePath().getParent().resolve("helm/sentinels");

  private TestCluster cluster;
  private String namespace;

  @Test
  void installRunsTheSchedulerThatAdmitsHandsOverUpgradesAndUninstallsKeepingRecords(
      TestCluster cluster) throws Exception {
    this.cluster = cluster;
    cluster.realNode();
    String image = cluster.image("sentinel");
    namespace = cluster.createNamespace("helm");
    String release = "it";
    String repository = image.substring(0, image.indexOf('@'));
    String digest = image.substring(image.indexOf('@') + 1);
    Path values = Files.createTempFile("helm-it", ".yaml");
    Files.writeString(
        values,
        """
        image: {repository: %s, digest: "%s", pullPolicy: Never}
        scheduler:
          nodeSelector: {%s: real}
          tolerations: [{key: %s, operator: Exists, effect: NoSchedule}]
          resources: {requests: {cpu: 50m, memory: 192Mi}, limits: {memory: 384Mi}}
        rbac:
          users: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
          userRoles: true
        """
            .formatted(
                repository, digest, TestCluster.NODE_KIND_LABEL, TestCluster.REAL_NODE_TAINT));
    try {
      Result install = HelmChartTest.install(cluster, release, namespace, values, "4m");
      assertEquals(0, install.exit(), install::all);
      assertTrue(install.out().contains("sentinel -n " + namespace + " submit"), install.out());

      List<Pod> pods = schedulerPods();
      assertEquals(2, pods.size(), pods::toString);
      for (Pod pod : pods) {
        assertEquals(cluster.realNode(), pod.getSpec().getNodeName());
      }
      String holder = awaitHolder(null);

      JobRecord first;
      try (Engine alice = aliceEngine()) {
        first =
            alice.submit(
                ClusterFixture.spec(
                    "helm-a", ClusterFixture.cpus(1), null, Duration.ofSeconds(2), false));
        ClusterFixture.awaitAdmittedByScheduler(alice, first.id());

        // doctor, as the user the chart bound: every check passes, even --strict.
        Doctor.Report report = alice.diagnose();
        assertEquals(ExitCodes.OK, report.exitCode(true), report::toString);
        assertTrue(
            HelmChartTest.check(report, "scheduler")
                .detail()
                .startsWith(holder + " holds admission"),
            report::toString);
        String version = dev.sentinels.cli.support.SentinelVersion.current();
        assertEquals(
            "client " + version + ", scheduler " + version + ", chart app " + version,
            HelmChartTest.check(report, "versions").detail());
        assertTrue(
            HelmChartTest.check(report, "configuration")
                .detail()
                .startsWith(
                    "configmap "
                        + namespace
                        + "/sentinel-config from chart sentinels-0.1.0, release it:"),
            report::toString);
        // She may not list nodes; the scheduler's snapshot in the namespace shows them to her.
        Doctor.Check capacity = HelmChartTest.check(report, "capacity");
        assertEquals(Doctor.Outcome.OK, capacity.outcome(), capacity::detail);
        assertTrue(capacity.detail().matches("\\d+ nodes take work: .*"), capacity::detail);
        alice.queue(); // the queue with why each job waits, as the scheduler sees capacity
      }

      // Kill the active scheduler pod outright: the standby takes over within the Lease.
      String holderPod = podOf(holder);
      Instant killed = Instant.now();
      cluster.admin().pods().inNamespace(namespace).withName(holderPod).withGracePeriod(0).delete();
      String next = awaitHolder(holderPod);
      Duration handover = Duration.between(killed, Instant.now());
      assertTrue(handover.compareTo(Duration.ofSeconds(40)) < 0, "handover took " + handover);
      System.out.println(
          "helm install: Lease handed over " + handover.toMillis() + " ms after the kill");
      try (Engine alice = aliceEngine()) {
        JobRecord second =
            alice.submit(
                ClusterFixture.spec(
                    "helm-b", ClusterFixture.cpus(1), null, Duration.ofSeconds(2), false));
        JobRecord admitted = ClusterFixture.awaitAdmittedByScheduler(alice, second.id());
        assertTrue(reason(admitted).contains(podOf(next)), reason(admitted));
        for (JobRecord record : alice.list(Set.of())) {
          assertEquals(
              1,
              record.timeline().stream().filter(t -> t.state() == JobState.ADMITTED).count(),
              record::toString);
        }
        assertEquals(2, alice.list(Set.of()).size());
      }

      // An upgrade changing the configuration reaches the running scheduler, no restart: a queue
      // that runs one job at a time, then classes swapped while two jobs wait in it.
      Set<String> before = podNames();
      upgrade(
          release,
          "config.queues[0].name=solo",
          "config.queues[0].quota.cpu=1",
          "config.priorityClasses[0].name=alpha",
          "config.priorityClasses[0].value=1000",
          "config.priorityClasses[1].name=beta",
          "config.priorityClasses[1].value=100",
          "config.defaultPriority=beta");
      try (Engine alice = aliceEngine()) {
        ClusterFixture.await(
            "the upgrade's classes to be in force",
            Duration.ofSeconds(60),
            () -> activeLog().contains("configuration reloaded"));
        assertTrue(alice.queueConfig().priorityClass("alpha").isPresent());
        JobRecord blocker =
            alice.submit(ClusterFixture.queued("blocker", "beta", Duration.ofMinutes(10)));
        ClusterFixture.awaitAdmittedByScheduler(alice, blocker.id());
        JobRecord alpha =
            alice.submit(ClusterFixture.queued("first", "alpha", Duration.ofSeconds(1)));
        JobRecord beta =
            alice.submit(ClusterFixture.queued("second", "beta", Duration.ofSeconds(1)));
        assertEquals(JobState.QUEUED, alice.get(alpha.id()).state());
        assertEquals(JobState.QUEUED, alice.get(beta.id()).state());
        long reloads =
            activeLog().lines().filter(l -> l.contains("configuration reloaded")).count();
        upgrade( // helm replaces a list set by index as a whole: both classes again
            release,
            "config.priorityClasses[0].name=alpha",
            "config.priorityClasses[0].value=100",
            "config.priorityClasses[1].name=beta",
            "config.priorityClasses[1].value=1000");
        ClusterFixture.await(
            "the swapped classes to be in force",
            Duration.ofSeconds(60),
            () ->
                activeLog().lines().filter(l -> l.contains("configuration reloaded")).count()
                    > reloads);
        alice.cancel(blocker.id(), "make room"); // the queue's one slot goes to the new order
        ClusterFixture.await(
            "both waiting jobs to be admitted",
            Duration.ofSeconds(120),
            () -> alice.get(alpha.id()).state() != JobState.QUEUED);
        Instant alphaAt = ClusterFixture.admittedAt(alice.get(alpha.id()));
        Instant betaAt = ClusterFixture.admittedAt(alice.get(beta.id()));
        assertTrue(
            betaAt != null && betaAt.isBefore(alphaAt),
            "beta outranks alpha after the upgrade, so 'second' goes first: "
                + alice.get(beta.id()));
      }
      assertEquals(before, podNames(), "the upgrade restarted the scheduler");
      Result rollback = helm("rollback", release, "1", "-n", namespace, "--wait");
      assertEquals(0, rollback.exit(), rollback::all);
      try (Engine alice = aliceEngine()) {
        ClusterFixture.await(
            "the rollback's defaults to be in force",
            Duration.ofSeconds(60),
            () -> alice.queueConfig().priorityClass("alpha").isEmpty());
      }

      assertEquals(expectedSchedulerPermissions(), schedulerPermissions());

      Result uninstall = helm("uninstall", release, "-n", namespace, "--wait");
      assertEquals(0, uninstall.exit(), uninstall::all);
      try (Engine admin = ClusterFixture.adminEngine(cluster, namespace)) {
        assertEquals(5, admin.list(Set.of()).size(), "records were lost with the release");
      }
      ClusterFixture.await(
          "the scheduler pods to go", Duration.ofSeconds(60), () -> schedulerPods().isEmpty());
    } finally {
      helm("uninstall", release, "-n", namespace);
      cluster.admin().namespaces().withName(namespace).delete();
    }
  }

  /** {@code helm upgrade --reuse-values} with these {@code --set}s, waiting for it. */
  private void upgrade(String release, String... sets) {
    List<String> args =
        new ArrayList<>(
            List.of("upgrade", release, CHART.toString(), "-n", namespace, "--reuse-values"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    args.add("--wait");
    Result upgrade = helm(args.toArray(String[]::new));
    assertEquals(0, upgrade.exit(), upgrade::all);
  }

  /** What the scheduler's ServiceAccount may do in its namespace, as the API server says. */
  private Map<String, Set<String>> schedulerPermissions() {
    Result list =
        kubectl(
            "auth",
            "can-i",
            "--list",
            "-n",
            namespace,
            "--as",
            "system:serviceaccount:" + namespace + ":it-sentinels-scheduler");
    assertEquals(0, list.exit(), list::all);
    Map<String, Set<String>> permissions = new TreeMap<>();
    for (String line : list.out().split("\n")) {
      String[] columns = line.trim().split("\\s{2,}");
      if (columns.length < 2
          || line.startsWith("Resources")
          || columns[0].isEmpty()
          || columns[0].startsWith("self")
          || columns[0].startsWith("[")) {
        continue; // the header, non-resource URLs, and what every authenticated user may do
      }
      String verbs = columns[columns.length - 1].replaceAll("[\\[\\]]", "");
      permissions
          .computeIfAbsent(columns[0], k -> new TreeSet<>())
          .addAll(List.of(verbs.split(" ")));
    }
    return permissions;
  }

  private static Map<String, Set<String>> expectedSchedulerPermissions() {
    Map<String, Set<String>> expected = new TreeMap<>();
    expected.put(
        "configmaps",
        new TreeSet<>(List.of("create", "delete", "get", "list", "patch", "update", "watch")));
    expected.put("jobs.batch", new TreeSet<>(List.of("create", "delete", "get", "list", "watch")));
    expected.put("leases.coordination.k8s.io", new TreeSet<>(List.of("create", "get", "update")));
    expected.put("nodes", new TreeSet<>(List.of("get", "list", "watch")));
    expected.put("pods", new TreeSet<>(List.of("get", "list", "watch")));
    expected.put("priorityclasses.scheduling.k8s.io", new TreeSet<>(List.of("get", "list")));
    expected.put("secrets", new TreeSet<>(List.of("get")));
    return expected;
  }

  private Engine aliceEngine() {
    return new Engine(
        new KubernetesBackend(cluster.impersonating("alice"), namespace, Clock.systemUTC()),
        Clock.systemUTC());
  }

  private List<Pod> schedulerPods() {
    return cluster
        .admin()
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/component", "scheduler")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private Set<String> podNames() {
    Set<String> names = new TreeSet<>();
    schedulerPods().forEach(p -> names.add(p.getMetadata().getName()));
    return names;
  }

  /** The log of the pod holding the Lease. */
  private String activeLog() {
    String holder = holderIdentity();
    return holder == null
        ? ""
        : cluster.admin().pods().inNamespace(namespace).withName(podOf(holder)).getLog();
  }

  private String holderIdentity() {
    Lease lease =
        cluster.admin().leases().inNamespace(namespace).withName(AdmissionLease.NAME).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Waits until a scheduler pod other than {@code notPod} holds the Lease; its identity. */
  private String awaitHolder(String notPod) {
    String[] seen = new String[1];
    ClusterFixture.await(
        "a scheduler pod to hold the Lease",
        Duration.ofSeconds(90),
        () -> {
          String holder = holderIdentity();
          seen[0] = holder;
          return holder != null
              && holder.startsWith("scheduler/")
              && (notPod == null || !podOf(holder).equals(notPod));
        });
    return seen[0];
  }

  /** The pod (its host name) in a holder identity {@code scheduler/user@host/pid/...}. */
  private static String podOf(String identity) {
    String userAtHost = identity.split("/")[1];
    return userAtHost.substring(userAtHost.indexOf('@') + 1);
  }

  private static String reason(JobRecord record) {
    return record.timeline().stream()
        .filter(t -> t.state() == JobState.ADMITTED)
        .findFirst()
        .orElseThrow()
        .reason();
  }

  private Result helm(String... args) {
    return HelmChartTest.helm(cluster, args);
  }

  private Result kubectl(String... args) {
    return HelmChartTest.kubectl(cluster, args);
  }
}
