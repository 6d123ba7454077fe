package dev.sentinels.testcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code down} undoes everything a cluster with a real node did to the host, even with a pod still
 * running: processes, mounts, network interfaces, iptables rules, cgroups, sysctls. It runs a
 * cluster of its own in a temporary state directory, beside the shared one if that is up.
 */
class RealNodeDownTest {

  @Test
  void downLeavesNothingOfTheClusterOnTheHost(@TempDir Path tmp) throws IOException {
    assumeFalse(
        "0".equals(System.getenv("SENTINEL_TEST_REAL_NODES")), "SENTINEL_TEST_REAL_NODES=0");
    assumeTrue("root".equals(System.getProperty("user.name")), "real nodes need root");
    Path scripts = Scripts.dir();
    Path state = tmp.resolve("cluster");
    Map<String, String> env =
        Map.of(
            "SENTINEL_TESTCLUSTER_DIR", state.toString(),
            "SENTINEL_TEST_NODES", "1",
            "SENTINEL_TEST_REAL_NODES", "1");
    Scripts.check(Map.of(), scripts.resolve("images.sh"), "build", "python"); // `up` loads it
    Set<String> before = hostState(scripts, state);

    try {
      Scripts.check(env, scripts.resolve("testcluster.sh"), "up");
      String slot = slot(state);
      runAPod(state, Scripts.check(Map.of(), scripts.resolve("images.sh"), "ref", "python").trim());
      List<String> during = new ArrayList<>(hostState(scripts, state));
      // The comparison sees this cluster: its bridge, its cgroups, its processes.
      assertTrue(during.contains("link: sentinels" + slot), () -> String.join("\n", during));
      assertTrue(during.stream().anyMatch(l -> l.contains("sentinels" + slot + "-real-node-0")));
      assertTrue(during.stream().anyMatch(l -> l.startsWith("process: ")));
    } finally {
      Scripts.run(env, scripts.resolve("testcluster.sh"), "down");
    }

    List<String> left = new ArrayList<>(hostState(scripts, state));
    left.removeAll(before);
    assertEquals(List.of(), left, "left on the host by down");
    assertFalse(Files.exists(state), "the state directory is removed");
  }

  /** A pod that is still running when {@code down} comes: its container must go too. */
  private static void runAPod(Path state, String image) {
    try (KubernetesClient client = TestCluster.clientFor(state.resolve("admin.kubeconfig"), null)) {
      var pods = client.pods().inNamespace("default");
      pods.resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("sleeper")
                  .endMetadata()
                  .withSpec(
                      TestCluster.onRealNode(
                          new PodSpecBuilder()
                              .addNewContainer()
                              .withName("main")
                              .withImage(image)
                              .withImagePullPolicy("Never")
                              .withCommand("sleep", "600")
                              .endContainer()
                              .build()))
                  .build())
          .create();
      pods.withName("sleeper")
          .waitUntilCondition(
              p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()),
              120,
              TimeUnit.SECONDS);
    }
  }

  private static String slot(Path state) throws IOException {
    for (String line : Files.readAllLines(state.resolve("real-nodes.env"))) {
      if (line.startsWith("SLOT=")) {
        return line.substring("SLOT=".length());
      }
    }
    throw new IllegalStateException("no SLOT in " + state.resolve("real-nodes.env"));
  }

  /**
   * scripts/testcluster/host-state.sh: interfaces, iptables, mounts, sysctls, paths, and the
   * processes naming the state directory. Of the cgroups only the test clusters' count: other
   * software on a host keeps making cgroups of its own.
   */
  private static Set<String> hostState(Path scripts, Path state) {
    Set<String> lines = new HashSet<>();
    String text =
        Scripts.check(Map.of(), scripts.resolve("testcluster/host-state.sh"), state.toString());
    for (String line : text.split("\n")) {
      if (!line.startsWith("cgroup: ") || line.contains("sentinels")) {
        lines.add(line);
      }
    }
    return lines;
  }
}
