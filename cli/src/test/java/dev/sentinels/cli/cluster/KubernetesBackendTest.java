package dev.sentinels.cli.cluster;

import static dev.sentinels.cli.cluster.ClusterFixture.awaitJob;
import static dev.sentinels.cli.cluster.ClusterFixture.cpus;
import static dev.sentinels.cli.cluster.ClusterFixture.gpus;
import static dev.sentinels.cli.cluster.ClusterFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Kubernetes backend against a real API server, job controller, scheduler and KWOK nodes. */
@ExtendWith(TestClusterExtension.class)
class KubernetesBackendTest {

  private ClusterFixture fixture;
  private Engine backend;

  @BeforeEach
  void setUp(TestCluster cluster) {
    fixture = new ClusterFixture(cluster, "backend");
    backend = fixture.engine();
  }

  @AfterEach
  void tearDown() {
    // Cancel what is left so its pods give their capacity back to the next test.
    for (JobRecord job :
        backend.list(java.util.EnumSet.of(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING))) {
      backend.cancel(job.id(), "test over");
    }
    backend.close();
    fixture.deleteNamespace();
  }

  @Test
  void jobRunsOnAKwokNodeAndItsRecordFollowsToSucceeded() {
    JobRecord submitted =
        backend.submit(spec("lifecycle", cpus(1), null, Duration.ofSeconds(2), false));

    JobRecord done =
        awaitJob(backend, submitted.id(), j -> j.state().isTerminal(), Duration.ofSeconds(60));

    assertEquals(JobState.SUCCEEDED, done.state(), () -> "timeline: " + done.timeline());
    assertEquals(
        List.of(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING, JobState.SUCCEEDED),
        done.timeline().stream().map(Transition::state).toList());
    assertTrue(done.node().startsWith("kwok-node-"), done.node());
    assertEquals("normal", done.spec().priority(), "the default class is recorded explicitly");

    Job job = fixture.kubeJob(done.id());
    assertNotNull(job);
    assertEquals(done.id(), job.getMetadata().getLabels().get("sentinels.dev/job-id"));
    List<EnvVar> env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertTrue(env.contains(new EnvVar("SENTINEL_JOB_ID", done.id(), null)), env::toString);
    // The record outlives the Job: a finished job stays in history.
    assertEquals(
        JobState.SUCCEEDED, backend.list(java.util.EnumSet.of(JobState.SUCCEEDED)).get(0).state());
  }

  @Test
  void admittedJobWhosePodCannotStartSaysWhy() {
    var spec =
        new dev.sentinels.cli.spec.SpecReader(dev.sentinels.api.QueueConfig.defaults())
            .fromOverrides(
                new dev.sentinels.cli.spec.SpecOverrides()
                    .name("no-data")
                    .image("busybox")
                    .set("data=[{name: d, claim: no-such-claim, mountPath: /data}]"));
    JobRecord submitted = backend.submit(spec);

    JobRecord stuck =
        awaitJob(
            backend,
            submitted.id(),
            j -> j.reason() != null && j.reason().startsWith("Pending:"),
            Duration.ofSeconds(30));

    assertEquals(JobState.ADMITTED, stuck.state());
    assertTrue(
        stuck.reason().contains("persistentvolumeclaim \"no-such-claim\" not found"),
        stuck.reason());
  }

  @Test
  void queueQuotaFromTheConfigMapHoldsJobsBack(TestCluster cluster) {
    cluster
        .admin()
        .configMaps()
        .inNamespace(fixture.namespace)
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(KubernetesBackend.CONFIG_MAP)
                .endMetadata()
                .addToData("config.yaml", "queues:\n  - {name: research, quota: {gpu: 2}}\n")
                .build())
        .create();
    try (Engine configured = fixture.engine()) {
      var first = spec("q1", gpus(2), null, Duration.ofMinutes(10), false);
      var second = spec("q2", gpus(1), null, Duration.ofMinutes(10), false);
      JobRecord a = configured.submit(withQueue(first, "research"));
      JobRecord b = configured.submit(withQueue(second, "research"));

      assertTrue(a.state().isActive(), a::toString);
      assertEquals(JobState.QUEUED, b.state());
      assertEquals(
          "queue research at quota: 2/2 gpus held",
          configured.queue().plan().decision(b.id()).orElseThrow().message());
    }
  }

  private static dev.sentinels.api.JobSpec withQueue(dev.sentinels.api.JobSpec s, String queue) {
    return new dev.sentinels.api.JobSpec(
        s.name(),
        s.project(),
        s.image(),
        s.command(),
        s.args(),
        s.env(),
        s.params(),
        s.resources(),
        s.priority(),
        queue,
        s.data(),
        s.artifacts(),
        s.timeout(),
        s.retries(),
        s.labels(),
        s.annotations(),
        s.nodeSelector(),
        s.tolerations());
  }

  @Test
  void nodeAddedMidRunIsUsedAndCordonedNodeIsNot(TestCluster cluster) {
    // 4 GPUs on one new node: no existing node (2 GPUs each) can take this job.
    JobRecord big = backend.submit(spec("four-gpus", gpus(4), null, Duration.ofMinutes(10), false));
    assertEquals(JobState.QUEUED, big.state());
    String node = "kwok-extra-" + fixture.namespace.substring(fixture.namespace.length() - 8);
    cluster.addNode(node, "8", "32Gi", 4);
    try {
      cordon(cluster, node, true);
      cluster
          .admin()
          .nodes()
          .withName(node)
          .waitUntilCondition(
              n ->
                  n != null
                      && n.getStatus().getConditions() != null
                      && n.getStatus().getConditions().stream()
                          .anyMatch(
                              c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())),
              30,
              java.util.concurrent.TimeUnit.SECONDS);
      backend.admit();
      assertEquals(JobState.QUEUED, backend.get(big.id()).state(), "a cordoned node takes no work");

      cordon(cluster, node, false);
      JobRecord running =
          awaitJob(backend, big.id(), j -> j.state() == JobState.RUNNING, Duration.ofSeconds(30));
      assertEquals(node, running.node());
    } finally {
      backend.cancel(big.id(), "test over");
      cluster.admin().nodes().withName(node).delete();
    }
  }

  /** A merge patch without resourceVersion: KWOK updates the node's status at the same time. */
  private static void cordon(TestCluster cluster, String node, boolean unschedulable) {
    cluster
        .admin()
        .nodes()
        .withName(node)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE),
            "{\"spec\":{\"unschedulable\":" + unschedulable + "}}");
  }
}
