package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.command.ExitCodes;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The sentinel command line against the test cluster: what a user types, what they see. */
@ExtendWith(TestClusterExtension.class)
class CliOnClusterTest {

  private ClusterFixture fixture;

  @BeforeEach
  void setUp(TestCluster cluster) {
    fixture = new ClusterFixture(cluster, "cli");
  }

  @AfterEach
  void tearDown() {
    fixture.deleteNamespace();
  }

  private CliRun sentinel(String... args) {
    return fixture.cli(args);
  }

  private int recordCount() {
    return fixture
        .cluster
        .admin()
        .configMaps()
        .inNamespace(fixture.namespace)
        .withLabel("app.kubernetes.io/component", "job-record")
        .list()
        .getItems()
        .size();
  }

  @Test
  void badSpecIsRejectedWithOneLineNamingTheFieldAndNothingWritten(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, "name: demo\nimage: busybox\nresources: {gpu: 1.5}\n");

    CliRun run = sentinel("submit", "-f", spec.toString());

    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertEquals("error: resources.gpu: must be a whole number >= 0, got \"1.5\"\n", run.err());
    assertEquals(0, recordCount());

    CliRun unknownPriority =
        sentinel("submit", "--name", "x", "--image", "busybox", "--priority", "hihg");
    assertEquals(ExitCodes.USAGE, unknownPriority.exitCode());
    assertTrue(
        unknownPriority.err().startsWith("error: priority: unknown priority class \"hihg\""),
        unknownPriority.err());
    assertEquals(0, recordCount());
  }

  @Test
  void submitPrintsTheIdAndStatusShowsItAsJson() {
    CliRun submit =
        sentinel(
            "submit", "--name", "hello", "--image", "busybox", "--cpu", "1", "-o", "name", "--",
            "echo", "hi");
    assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
    String id = submit.out().trim();
    assertTrue(id.matches("hello-[a-z0-9]{5}"), id);

    CliRun status = sentinel("status", id, "-o", "json");
    assertEquals(ExitCodes.OK, status.exitCode(), status.err());
    assertTrue(status.out().contains("\"id\" : \"" + id + "\""), status.out());
    assertTrue(status.out().contains("\"command\" : [ \"echo\", \"hi\" ]"), status.out());

    CliRun missing = sentinel("describe", "no-such-job");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertFalse(missing.err().contains("Exception"), missing.err());
  }

  @Test
  void logsFollowsTheJobToItsEnd() {
    CliRun submit =
        sentinel(
            "submit",
            "--name",
            "talker",
            "--image",
            "busybox",
            "--cpu",
            "100m",
            "-o",
            "name",
            "--set",
            "annotations.sentinels.dev/kwok-duration=3s");
    assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
    String id = submit.out().trim();

    CliRun logs = sentinel("logs", "-f", id);

    assertEquals(ExitCodes.OK, logs.exitCode(), logs.err());
    assertTrue(logs.out().contains("kwok: simulated container"), logs.out());
    // The pod has ended; the Job controller marks the Job complete a moment later.
    try (KubernetesBackend backend = fixture.backend()) {
      ClusterFixture.awaitJob(
          backend,
          id,
          j -> j.state() == dev.sentinels.api.JobState.SUCCEEDED,
          java.time.Duration.ofSeconds(30));
    }
  }

  @Test
  void unreachableClusterIsExitCodeFourWithAClearMessage(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: gone, context: {cluster: gone, user: u}}]
        current-context: gone
        """);
    CliRun run = CliRun.of("status", "--kubeconfig", kubeconfig.toString());
    int code = run.exitCode();
    String text = run.err();
    assertEquals(ExitCodes.UNREACHABLE, code, text);
    assertTrue(text.startsWith("error: cannot reach the Kubernetes API server"), text);
    assertEquals(1, text.lines().count(), text);
  }
}
