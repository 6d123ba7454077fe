package dev.sentinels.testcluster;

import static dev.sentinels.testcluster.RealNodePods.log;
import static dev.sentinels.testcluster.RealNodePods.oneContainer;
import static dev.sentinels.testcluster.RealNodePods.pod;
import static dev.sentinels.testcluster.RealNodePods.runToEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Sentinels image (this checkout's packaged CLI, scheduler and plugins on the JRE image) in a
 * pod on the real node: the CLI finds its cluster from the pod's ServiceAccount (in-cluster
 * configuration, no kubeconfig) and reaches the API server through the kubernetes Service, as
 * non-root on a read-only root filesystem. An integration test: it needs the package phase's jar.
 */
@ExtendWith(TestClusterExtension.class)
class SentinelImageIT {

  @Test
  void theCliRunsInAPodWithItsServiceAccount(TestCluster cluster) {
    cluster.realNode(); // skips without real nodes
    String namespace = cluster.createNamespace("image");
    String image = cluster.image("sentinel");
    KubernetesClient client = cluster.admin();
    // In a pod, the CLI's cluster is the pod's: its service account, here with the namespace's
    // admin role.
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("cli").endMetadata().build())
        .create();
    client
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("cli-admin")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "admin")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("cli")
                .withNamespace(namespace)
                .endSubject()
                .build())
        .create();
    PodSpec spec =
        new PodSpecBuilder(
                oneContainer(
                    image, List.of("sh", "-c", "sentinel --version && sentinel status"), Map.of()))
            .withServiceAccountName("cli")
            .editFirstContainer()
            .withNewSecurityContext()
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withAllowPrivilegeEscalation(false)
            .endSecurityContext()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .endContainer()
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .build();
    try {
      Pod done = runToEnd(client, namespace, pod("cli", Map.of(), spec));

      String log = log(client, namespace, "cli");
      assertEquals("Succeeded", done.getStatus().getPhase(), log);
      String[] lines = log.strip().split("\n");
      assertTrue(lines[0].startsWith("sentinel "), log);
      assertEquals("No jobs found.", lines[lines.length - 1], log);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }
}
