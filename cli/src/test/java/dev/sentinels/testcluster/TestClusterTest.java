package dev.sentinels.testcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test cluster is a real Kubernetes: jobs run through the real job controller and RBAC. */
@ExtendWith(TestClusterExtension.class)
class TestClusterTest {

  private static String namespace;

  @BeforeAll
  static void namespace(TestCluster cluster) {
    namespace = cluster.createNamespace("testcluster");
  }

  private static Job job(String name, Map<String, String> podAnnotations) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withNewMetadata()
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .withCommand("true")
        .withNewResources()
        .addToRequests("cpu", new Quantity("1"))
        .addToRequests("nvidia.com/gpu", new Quantity("1"))
        .addToLimits("nvidia.com/gpu", new Quantity("1"))
        .endResources()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static boolean hasCondition(Job job, String type) {
    return job != null
        && job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Creates the job and waits until it has completed or failed. */
  private static Job runToEnd(KubernetesClient client, Job job) {
    var jobs = client.batch().v1().jobs().inNamespace(namespace);
    jobs.resource(job).create();
    return jobs.withName(job.getMetadata().getName())
        .waitUntilCondition(
            j -> hasCondition(j, "Complete") || hasCondition(j, "Failed"), 90, TimeUnit.SECONDS);
  }

  @Test
  void jobRunsOnAKwokNodeAndSucceeds(TestCluster cluster) {
    KubernetesClient client = cluster.admin();
    Job done = runToEnd(client, job("succeeds", Map.of(TestCluster.DURATION_ANNOTATION, "2s")));

    assertTrue(hasCondition(done, "Complete"), () -> "job status: " + done.getStatus());
    assertEquals(1, done.getStatus().getSucceeded());
    List<Pod> pods =
        client.pods().inNamespace(namespace).withLabel("job-name", "succeeds").list().getItems();
    assertEquals(1, pods.size());
    assertTrue(pods.get(0).getSpec().getNodeName().startsWith("kwok-node-"));
    assertEquals("Succeeded", pods.get(0).getStatus().getPhase());
  }

  @Test
  void jobWhosePodFailsReachesFailed(TestCluster cluster) {
    KubernetesClient client = cluster.admin();
    Job done =
        runToEnd(
            client,
            job(
                "fails",
                Map.of(
                    TestCluster.DURATION_ANNOTATION, "1s", TestCluster.FAIL_ANNOTATION, "true")));

    assertTrue(hasCondition(done, "Failed"), () -> "job status: " + done.getStatus());
    Pod pod =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel("job-name", "fails")
            .list()
            .getItems()
            .get(0);
    assertEquals("Failed", pod.getStatus().getPhase());
    assertEquals(
        1, pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode());
  }

  @Test
  void nodesReportCapacityIncludingGpus(TestCluster cluster) {
    List<Node> nodes = cluster.admin().nodes().withLabel("type", "kwok").list().getItems();
    assertFalse(nodes.isEmpty());
    for (Node node : nodes) {
      Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
      assertTrue(allocatable.containsKey("nvidia.com/gpu"), () -> "allocatable: " + allocatable);
      assertTrue(Quantity.getAmountInBytes(allocatable.get("memory")).signum() > 0);
      assertTrue(
          node.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())),
          () -> node.getMetadata().getName() + " is not Ready");
    }
  }

  @Test
  void userWithoutRoleIsDenied(TestCluster cluster) {
    cluster
        .admin()
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("secret-plans")
                .endMetadata()
                .addToData("plan", "x")
                .build())
        .create();
    try (KubernetesClient alice = cluster.impersonating("alice")) {
      KubernetesClientException denied =
          assertThrows(
              KubernetesClientException.class,
              () -> alice.configMaps().inNamespace(namespace).withName("secret-plans").get());
      assertEquals(403, denied.getCode());
    }
    // The admin still reads it: the denial is RBAC's, not a broken connection.
    assertEquals(
        "x",
        cluster
            .admin()
            .configMaps()
            .inNamespace(namespace)
            .withName("secret-plans")
            .get()
            .getData()
            .get("plan"));
  }
}
