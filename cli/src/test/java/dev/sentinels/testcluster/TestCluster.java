package dev.sentinels.testcluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The loopback Kubernetes cluster of {@code scripts/testcluster.sh}: a real API server, controller
 * manager and scheduler, with KWOK nodes. One per test JVM, started on first use.
 */
public final class TestCluster {

  /** Pod annotation: how long a KWOK pod runs before it completes, e.g. {@code 3s}. */
  public static final String DURATION_ANNOTATION = "sentinels.dev/kwok-duration";

  /** Pod annotation: when {@code "true"}, the KWOK pod fails instead of succeeding. */
  public static final String FAIL_ANNOTATION = "sentinels.dev/kwok-fail";

  private final Path kubeconfig;
  private final Path binDir;
  private final KubernetesClient admin;

  TestCluster(Path kubeconfig, Path binDir) {
    this.kubeconfig = kubeconfig;
    this.binDir = binDir;
    this.admin = clientFor(kubeconfig, null);
  }

  /** The admin kubeconfig (client certificate in {@code system:masters}). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The directory holding this cluster's kubectl, etcd and control-plane binaries. */
  public Path binDir() {
    return binDir;
  }

  /** A client with cluster-admin rights, shared by the tests; do not close it. */
  public KubernetesClient admin() {
    return admin;
  }

  /** A new client that impersonates {@code user}: RBAC decides what it may do. Close it. */
  public KubernetesClient impersonating(String user, String... groups) {
    return clientFor(kubeconfig, new String[] {user, String.join(",", groups)});
  }

  /** Creates a namespace with a unique name starting with {@code prefix}. */
  public String createNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    // Pods need the namespace's default service account, created asynchronously by the
    // controller manager.
    admin
        .serviceAccounts()
        .inNamespace(name)
        .withName("default")
        .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
    return name;
  }

  /** Adds a KWOK node with the given allocatable resources; it becomes Ready within seconds. */
  public void addNode(String name, String cpu, String memory, int gpus) {
    Map<String, Quantity> resources =
        Map.of(
            "cpu", new Quantity(cpu),
            "memory", new Quantity(memory),
            "pods", new Quantity("110"),
            "nvidia.com/gpu", new Quantity(Integer.toString(gpus)));
    admin
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToAnnotations("kwok.x-k8s.io/node", "fake")
                .addToLabels("type", "kwok")
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewStatus()
                .withAllocatable(resources)
                .withCapacity(resources)
                .endStatus()
                .build())
        .create();
  }

  static KubernetesClient clientFor(Path kubeconfig, String[] impersonate) {
    String text;
    try {
      text = Files.readString(kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Config config = Config.fromKubeconfig(null, text, kubeconfig.toString());
    if (impersonate != null) {
      config.setImpersonateUsername(impersonate[0]);
      if (!impersonate[1].isEmpty()) {
        config.setImpersonateGroups(impersonate[1].split(","));
      }
    }
    // Fail fast: a test cluster that does not answer is a broken test setup, not a flaky network.
    config.setRequestRetryBackoffLimit(1);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  void close() {
    admin.close();
  }
}
