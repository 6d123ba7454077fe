package dev.sentinels.testcluster;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The loopback Kubernetes cluster of {@code scripts/testcluster.sh}: a real API server, controller
 * manager and scheduler, with KWOK nodes, and real kubelet nodes that run containers unless {@code
 * SENTINEL_TEST_REAL_NODES=0}. One per test JVM, started on first use.
 */
public final class TestCluster {

  /** Pod annotation: how long a KWOK pod runs before it completes, e.g. {@code 3s}. */
  public static final String DURATION_ANNOTATION = "sentinels.dev/kwok-duration";

  /** Pod annotation: when {@code "true"}, the KWOK pod fails instead of succeeding. */
  public static final String FAIL_ANNOTATION = "sentinels.dev/kwok-fail";

  /** Label of the real nodes, with value {@code real} (KWOK nodes have {@code type=kwok}). */
  public static final String NODE_KIND_LABEL = "sentinels.dev/node-kind";

  /** Taint of the real nodes, {@code true:NoSchedule}: only pods that tolerate it run there. */
  public static final String REAL_NODE_TAINT = "sentinels.dev/real-node";

  private final Path kubeconfig;
  private final Path binDir;
  private final Path scripts;
  private final KubernetesClient admin;
  private final Map<String, String> images = new HashMap<>();

  TestCluster(Path kubeconfig, Path binDir, Path scripts) {
    this.kubeconfig = kubeconfig;
    this.binDir = binDir;
    this.scripts = scripts;
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

  /**
   * The name of a Ready real node ({@code real-node-0}). Skips the calling test (an assumption)
   * when the cluster was started with {@code SENTINEL_TEST_REAL_NODES=0}; fails when it has none.
   */
  public String realNode() {
    assumeFalse(
        "0".equals(System.getenv("SENTINEL_TEST_REAL_NODES")), "SENTINEL_TEST_REAL_NODES=0");
    Optional<String> ready =
        admin.nodes().withLabel(NODE_KIND_LABEL, "real").list().getItems().stream()
            .filter(
                node ->
                    node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
            .map(node -> node.getMetadata().getName())
            .sorted()
            .findFirst();
    // Real nodes were asked for: none Ready is a broken cluster, not a reason to skip.
    return ready.orElseThrow(
        () ->
            new IllegalStateException(
                "the test cluster has no Ready real node (SENTINEL_TEST_REAL_NODES=0 runs without)"));
  }

  /**
   * Puts a pod on the real nodes: their label as node selector, and a toleration of their taint.
   */
  public static PodSpec onRealNode(PodSpec spec) {
    return new PodSpecBuilder(spec)
        .addToNodeSelector(NODE_KIND_LABEL, "real")
        .addNewToleration()
        .withKey(REAL_NODE_TAINT)
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .endToleration()
        .build();
  }

  /**
   * The reference by digest of image {@code name} of {@code scripts/images.sh} (python, train,
   * ...), for a pod with {@code imagePullPolicy: Never}: built if it is not (a first build from
   * Debian's packages takes a minute or two), and loaded into the real nodes.
   */
  public synchronized String image(String name) {
    return images.computeIfAbsent(
        name,
        n -> {
          Scripts.check(Map.of(), scripts.resolve("images.sh"), "build", n);
          Scripts.check(Map.of(), scripts.resolve("testcluster.sh"), "images", n);
          return Scripts.check(Map.of(), scripts.resolve("images.sh"), "ref", n).trim();
        });
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
