package dev.sentinels.testcluster;

import static dev.sentinels.testcluster.RealNodePods.log;
import static dev.sentinels.testcluster.RealNodePods.oneContainer;
import static dev.sentinels.testcluster.RealNodePods.pod;
import static dev.sentinels.testcluster.RealNodePods.runToEnd;
import static dev.sentinels.testcluster.RealNodePods.terminated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real node runs real containers: code from the project's images, their output as the pod's
 * log, their exit code as the pod's end, cluster networking (a Service found by its DNS name), and
 * the sentinel image talking to the API server from a pod.
 */
@ExtendWith(TestClusterExtension.class)
class RealNodeTest {

  private static String namespace;
  private String node;

  @BeforeAll
  static void namespace(TestCluster cluster) {
    namespace = cluster.createNamespace("realnode");
  }

  @BeforeEach
  void realNode(TestCluster cluster) {
    node = cluster.realNode(); // skips the test without real nodes
  }

  @Test
  void trainingImageRunsItsPythonAndThePodLogShowsItsOutput(TestCluster cluster) {
    String image = cluster.image("train");
    KubernetesClient client = cluster.admin();
    Pod done =
        runToEnd(
            client,
            namespace,
            "train",
            image,
            List.of(), // the image's own: python3 train.py
            Map.of("SENTINEL_PARAM_EPOCHS", "3", "SENTINEL_ARTIFACTS_DIR", "/tmp/out"));

    assertEquals("Succeeded", done.getStatus().getPhase(), () -> "status: " + done.getStatus());
    assertEquals(node, done.getSpec().getNodeName());
    assertEquals(0, terminated(done).getExitCode());
    String log = log(client, namespace, "train");
    assertTrue(log.contains("logistic regression, lr=0.1 epochs=3"), log);
    assertTrue(log.contains("epoch   3  loss"), log);
    assertTrue(log.contains("done: loss"), log);
  }

  @Test
  void exitCodeThreeFailsThePodWithExitCodeThree(TestCluster cluster) {
    String image = cluster.image("python");
    KubernetesClient client = cluster.admin();
    Pod done =
        runToEnd(
            client,
            namespace,
            "exits-3",
            image,
            List.of("python3", "-c", "import sys; print('giving up', flush=True); sys.exit(3)"),
            Map.of());

    assertEquals("Failed", done.getStatus().getPhase(), () -> "status: " + done.getStatus());
    assertEquals(3, terminated(done).getExitCode());
    assertEquals("Error", terminated(done).getReason());
    assertEquals("giving up\n", log(client, namespace, "exits-3"));
  }

  @Test
  void podFindsAServiceByItsDnsNameAndReachesIt(TestCluster cluster) {
    String image = cluster.image("python");
    KubernetesClient client = cluster.admin();
    // A web server whose answer names the pod that served it: /etc/hostname is the pod's name.
    PodSpec server =
        new PodSpecBuilder(
                oneContainer(
                    image, List.of("python3", "-m", "http.server", "8000", "-d", "/etc"), Map.of()))
            .editFirstContainer()
            .addNewPort()
            .withContainerPort(8000)
            .endPort()
            .withNewReadinessProbe()
            .withNewTcpSocket()
            .withNewPort(8000)
            .endTcpSocket()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .endContainer()
            .build();
    client
        .pods()
        .inNamespace(namespace)
        .resource(pod("web", Map.of("app", "web"), server))
        .create();
    var service =
        client
            .services()
            .inNamespace(namespace)
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .addToSelector("app", "web")
                    .addNewPort()
                    .withPort(8080)
                    .withNewTargetPort(8000)
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    client
        .pods()
        .inNamespace(namespace)
        .withName("web")
        .waitUntilCondition(
            p ->
                p != null
                    && p.getStatus() != null
                    && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())),
            120,
            TimeUnit.SECONDS);

    // The client retries briefly: kube-proxy and CoreDNS learn of the new endpoint within moments.
    String fetch =
        String.join(
            "\n",
            "import socket, sys, time, urllib.request",
            "name = 'web." + namespace + ".svc'",
            "for attempt in range(30):",
            "    try:",
            "        body = urllib.request.urlopen(f'http://{name}:8080/hostname', timeout=5).read()",
            "        print(socket.gethostbyname(name), body.decode().strip(), flush=True)",
            "        sys.exit(0)",
            "    except OSError as e:",
            "        print('retrying:', e, flush=True)",
            "        time.sleep(1)",
            "sys.exit(1)");
    Pod done =
        runToEnd(client, namespace, "client", image, List.of("python3", "-c", fetch), Map.of());

    String log = log(client, namespace, "client");
    assertEquals("Succeeded", done.getStatus().getPhase(), log);
    String[] lines = log.strip().split("\n");
    assertEquals(service.getSpec().getClusterIP() + " web", lines[lines.length - 1], log);
    // On the pods' bridge network, not the node's.
    assertNotEquals(done.getStatus().getHostIP(), done.getStatus().getPodIP());
  }
}
