package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliProcess;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs submitted with {@code sentinel submit} that run real containers on the test cluster's real
 * node (a kubelet on containerd): real Python in the training image, live logs, exit codes, cancel,
 * and images that cannot be had.
 */
@ExtendWith(TestClusterExtension.class)
class RealNodeJobsTest {

  /** What a spec adds to run on the real node: its label and a toleration of its taint. */
  static final String ON_REAL_NODE =
      "nodeSelector: {"
          + TestCluster.NODE_KIND_LABEL
          + ": real}\ntolerations: [{key: "
          + TestCluster.REAL_NODE_TAINT
          + ", operator: Exists, effect: NoSchedule}]\n";

  @TempDir Path dir;
  private ClusterFixture fixture;
  private String node;
  private String train;
  private Engine engine;

  @BeforeEach
  void setUp(TestCluster cluster) {
    node = cluster.realNode(); // skips without real nodes
    train = cluster.image("train");
    fixture = new ClusterFixture(cluster, "real");
    engine = fixture.engine();
  }

  @AfterEach
  void tearDown() {
    if (fixture == null) {
      return; // skipped
    }
    engine.close();
    fixture.deleteNamespace();
  }

  private String submit(String name, String spec) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, "name: " + name + "\nresources: {cpu: 200m, memory: 128Mi}\n" + spec);
    CliRun submit = fixture.cli("submit", "-f", file.toString(), "-o", "name");
    assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
    assertEquals("", submit.err());
    return submit.out().trim().replaceFirst("^job/", "");
  }

  private JobRecord await(String id, JobState state) {
    JobRecord record =
        ClusterFixture.awaitJob(
            engine, id, r -> r.state() == state || r.state().isTerminal(), Duration.ofSeconds(90));
    assertEquals(state, record.state(), record.id() + ": " + record.reason());
    return record;
  }

  @Test
  void trainingRunsOnTheRealNodeAndLogsFollowItsOutputLive() throws Exception {
    String id =
        submit(
            "train",
            "image: " + train + "\nparams: {lr: 0.5, epochs: 6, pause: 0.5}\n" + ON_REAL_NODE);

    Process follow =
        CliProcess.builder(
                "--kubeconfig",
                fixture.cluster.kubeconfig().toString(),
                "-n",
                fixture.namespace,
                "logs",
                "-f",
                id)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      // Live: the first line arrives while the training still runs (it takes 3 s or more).
      JobRecord during = engine.get(id);
      assertEquals(JobState.RUNNING, during.state(), during.reason());
      assertEquals(node, during.node());
      lines.add(first);
      out.lines().forEach(lines::add);
    }
    assertTrue(follow.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, follow.exitValue());
    assertEquals(id + ": logistic regression, lr=0.5 epochs=6 samples=400", lines.get(0));
    assertEquals(8, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(7).startsWith("done: loss "), lines.get(7));

    JobRecord done = await(id, JobState.SUCCEEDED);
    assertEquals(node, done.node());
    CliRun describe = fixture.cli("describe", id);
    assertTrue(
        describe
            .out()
            .contains("Tolerations:\n  " + TestCluster.REAL_NODE_TAINT + ":NoSchedule op=Exists\n"),
        describe.out());
    assertTrue(describe.out().contains("Pod/sentinel-" + id + "-"), describe.out());
  }

  @Test
  void theContainersExitCodeFailsTheJobAndACommandTheImageLacksSaysWhy() throws Exception {
    String three =
        submit(
            "three",
            "image: "
                + train
                + "\ncommand: [python3, -c, 'import sys; sys.exit(3)']\n"
                + ON_REAL_NODE);
    String absent =
        submit("absent", "image: " + train + "\ncommand: [no-such-program]\n" + ON_REAL_NODE);

    assertEquals(
        "BackoffLimitExceeded: exit code 3 (Error)", await(three, JobState.FAILED).reason());
    String reason = await(absent, JobState.FAILED).reason();
    assertTrue(reason.startsWith("BackoffLimitExceeded: exit code 128 (StartError): "), reason);
    assertTrue(reason.contains("\"no-such-program\""), reason);
  }

  @Test
  void cancelKillsTheContainer() throws Exception {
    String id = submit("endless", "image: " + train + "\ncommand: [sleep, '300']\n" + ON_REAL_NODE);
    await(id, JobState.RUNNING);

    CliRun cancel = fixture.cli("cancel", id);
    assertEquals(ExitCodes.OK, cancel.exitCode(), cancel.err());
    assertEquals(JobState.CANCELLED, engine.get(id).state());
    // The kubelet removes a pod only once its container stopped: gone means killed.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!fixture
        .cluster
        .admin()
        .pods()
        .inNamespace(fixture.namespace)
        .list()
        .getItems()
        .isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the pod outlived its cancel");
      ClusterFixture.sleep(200);
    }
    assertEquals(JobState.CANCELLED, engine.get(id).state());
  }

  @Test
  void anImageThatCannotBeHadFailsTheJobAtOnceNamingIt() throws Exception {
    // A registry on localhost that is not there: the kubelet cannot pull it, internet or not.
    String missing = "localhost/sentinels/absent:never";
    String id = submit("nope", "image: " + missing + "\n" + ON_REAL_NODE);

    JobRecord failed = await(id, JobState.FAILED);
    assertTrue(
        failed.reason().startsWith("ImagePullFailed: cannot get image " + missing + ": "),
        failed.reason());
    assertEquals(
        List.of(JobState.QUEUED, JobState.ADMITTED, JobState.FAILED),
        failed.timeline().stream().map(t -> t.state()).toList());
    // Not retried: its Job is gone.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (fixture.kubeJob(id) != null) {
      assertTrue(System.nanoTime() < deadline, "the Job of a failed pull is still there");
      ClusterFixture.sleep(200);
      engine.admit(); // the next pass removes it, as any command's or the scheduler's does
    }
  }

  @Test
  void aJobThatOnlyTheTaintedNodeWouldFitCannotRunAsConfiguredAndSubmitSaysSo() throws Exception {
    Path file = dir.resolve("intolerant.yaml");
    Files.writeString(
        file,
        "name: intolerant\nimage: "
            + train
            + "\nnodeSelector: {"
            + TestCluster.NODE_KIND_LABEL
            + ": real}\n");

    CliRun submit = fixture.cli("submit", "-f", file.toString());

    assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
    assertTrue(
        submit.err().startsWith("warning: ") && submit.err().contains("cannot run as configured"),
        submit.err());
    CliRun queue = fixture.cli("queue", "-o", "json");
    assertTrue(queue.out().contains("\"reasonType\" : \"NoEligibleNode\""), queue.out());
    // Counted as the kube-scheduler counts them: the real node's taint, the KWOK nodes' labels.
    assertTrue(
        queue
            .out()
            .contains(
                " nodes have no label "
                    + TestCluster.NODE_KIND_LABEL
                    + "=real, 1 node has untolerated taint "
                    + TestCluster.REAL_NODE_TAINT
                    + "=true:NoSchedule), so it cannot run as configured"),
        queue.out());
  }
}
