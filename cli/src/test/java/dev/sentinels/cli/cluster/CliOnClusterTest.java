package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.cli.CliProcess;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** Submits a 100m-CPU job whose pod runs for {@code runFor}; returns its id. */
  private String submitSmall(String name, String runFor) {
    CliRun submit =
        sentinel(
            "submit",
            "--name",
            name,
            "--image",
            "busybox",
            "--cpu",
            "100m",
            "-o",
            "name",
            "--set",
            "annotations.sentinels.dev/kwok-duration=" + runFor);
    assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
    return submit.out().trim().replaceFirst("^job/", "");
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
  void statusWatchPrintsEachStateAsItHappensWithNoSchedulerRunning() throws Exception {
    Process watch =
        CliProcess.builder(
                "status",
                "--watch",
                "--kubeconfig",
                fixture.cluster.kubeconfig().toString(),
                "-n",
                fixture.namespace)
            .start();
    try {
      var lines =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  watch.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      // The listing comes once the watch is in place; here it says the namespace is empty.
      String listing =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      watch.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
      assertEquals("No jobs found.", listing);
      String id = submitSmall("watched", "2s");

      // Nothing but the watch moves the job on from Admitted: its rows come from Job and pod
      // events, as the states are derived from them.
      List<String> states = new ArrayList<>();
      var done =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  for (String line; (line = lines.readLine()) != null; ) {
                    String[] cells = line.trim().split("\\s+");
                    if (cells[0].equals(id)) {
                      states.add(cells[1]);
                      if (cells[1].equals("Succeeded")) {
                        return;
                      }
                    }
                  }
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      done.get(60, java.util.concurrent.TimeUnit.SECONDS);
      // Admitted may be folded into Running when both land within one batch of events.
      List<String> seen = states.stream().distinct().toList();
      assertEquals(List.of("Running", "Succeeded"), seen.subList(seen.size() - 2, seen.size()));
    } finally {
      watch.destroy();
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

    // doctor says it as its one failed check, with the same exit code.
    CliRun doctor = CliRun.of("doctor", "--kubeconfig", kubeconfig.toString());
    assertEquals(ExitCodes.UNREACHABLE, doctor.exitCode(), doctor::toString);
    List<String> lines = doctor.out().lines().toList();
    assertEquals(2, lines.size(), doctor.out());
    assertTrue(
        lines.get(1).matches("connection +fail +cannot reach the Kubernetes API server: .*"),
        doctor.out());
    assertEquals("", doctor.err());
  }
}
