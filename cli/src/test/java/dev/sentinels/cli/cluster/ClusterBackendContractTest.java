package dev.sentinels.cli.cluster;

import dev.sentinels.cli.BackendContract;
import dev.sentinels.cli.CliProcess;
import dev.sentinels.cli.CliRun;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The backend contract on the test cluster, with {@code sentinel scheduler} running as the chart
 * deploys it: KWOK nodes with two GPUs each, so a two-GPU job takes a node's slot.
 */
@ExtendWith(TestClusterExtension.class)
class ClusterBackendContractTest extends BackendContract {

  private static ClusterFixture fixture;
  private static Process scheduler;

  @BeforeAll
  static void setUp(TestCluster cluster) throws IOException {
    fixture = new ClusterFixture(cluster, "contract");
    File log = File.createTempFile("contract-scheduler", ".log");
    log.deleteOnExit();
    scheduler = fixture.schedulerProcess(log);
  }

  @AfterAll
  static void tearDown() throws InterruptedException {
    scheduler.destroy();
    scheduler.waitFor();
    fixture.deleteNamespace();
  }

  @Override
  protected CliRun sentinel(String... args) {
    return fixture.cli(args);
  }

  @Override
  protected Process start(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of("--kubeconfig", fixture.cluster.kubeconfig().toString(), "-n", fixture.namespace));
    return CliProcess.builder(all.toArray(String[]::new)).start();
  }

  @Override
  protected List<String> slot() {
    return List.of("--image", "busybox", "--cpu", "100m", "--memory", "64Mi", "--gpus", "2");
  }

  @Override
  protected int slots() {
    return (int)
        fixture.cluster.admin().nodes().list().getItems().stream()
            .mapToLong(
                n -> {
                  var gpus = n.getStatus().getAllocatable().get("nvidia.com/gpu");
                  return gpus == null ? 0 : Long.parseLong(gpus.getAmount()) / 2;
                })
            .sum();
  }

  @Override
  protected List<String> printsAndRuns(String line, Duration time) {
    return List.of(
        "--set",
        "annotations.sentinels.dev/kwok-duration=" + time.toMillis() + "ms",
        "--",
        "echo",
        line);
  }

  @Override
  protected List<String> failsWith(int exitCode) {
    return List.of(
        "--set",
        "annotations.sentinels.dev/kwok-fail=\"true\"",
        "--set",
        "annotations.sentinels.dev/kwok-exit-code=\"" + exitCode + "\"");
  }

  /** KWOK runs no code: its pods print one line of their own. */
  @Override
  protected String shownAsOutput(String line) {
    return "kwok: simulated container";
  }

  @Override
  protected List<String> tooLargeForAnyNode() {
    return List.of("--image", "busybox", "--cpu", "64");
  }

  @Override
  protected boolean stillRuns(String jobId) {
    return fixture.kubeJob(jobId) != null
        || !fixture
            .cluster
            .admin()
            .pods()
            .inNamespace(fixture.namespace)
            .withLabel(Labels.JOB_ID, jobId)
            .list()
            .getItems()
            .isEmpty();
  }
}
