package dev.sentinels.cli.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.plugin.BuiltPlugins;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.mlflow.MlflowServer;
import dev.sentinels.mlflow.MlflowServerExtension;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole path: {@code sentinel submit} with MLflow and Slack configured in the namespace, jobs
 * run on KWOK, two {@code sentinel scheduler} processes deliver, and each job ends with its MLflow
 * run closed and one Slack message.
 */
@ExtendWith({TestClusterExtension.class, MlflowServerExtension.class})
class PluginsEndToEndTest {

  private ClusterFixture fixture;
  private FakeReceivers receivers;
  private Path home;
  private final List<Process> schedulers = new ArrayList<>();

  @BeforeEach
  void setUp(TestCluster cluster, @TempDir Path home) {
    this.home = home;
    fixture = new ClusterFixture(cluster, "e2e-plugins");
    receivers = new FakeReceivers(home);
  }

  @AfterEach
  void tearDown() {
    schedulers.forEach(Process::destroyForcibly);
    receivers.close();
    fixture.deleteNamespace();
  }

  private CliRun sentinel(String... args) {
    return fixture.cli(args);
  }

  /** Starts a scheduler process and waits until it has loaded its plugins. */
  private void startScheduler() throws IOException {
    File log = new File("target/scheduler-" + fixture.namespace + "-" + schedulers.size() + ".log");
    schedulers.add(
        fixture.schedulerProcess(
            log,
            "-D" + PluginHost.PLUGINS_DIR_PROPERTY + "=" + BuiltPlugins.shipped(),
            "-Dsentinel.home=" + home));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!Files.readString(log.toPath()).contains("watching namespace")) {
      assertTrue(Instant.now().isBefore(deadline), "scheduler did not start; see " + log);
      ClusterFixture.sleep(200);
    }
  }

  private String submit(String name, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
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
                "project=e2e",
                "--set",
                "params.lr=0.1"));
    args.addAll(List.of(extra));
    CliRun run = sentinel(args.toArray(String[]::new));
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    assertEquals("", run.err());
    return run.out().trim().replaceFirst("^job/", "");
  }

  /** What training code does with the run in its env: logs a metric (status unchanged). */
  private static void logAccuracy(MlflowServer mlflow, JobRecord job, double value)
      throws Exception {
    ProcessBuilder python =
        new ProcessBuilder(
            mlflow.python().toString(),
            "-c",
            "import os; from mlflow import MlflowClient; "
                + "MlflowClient().log_metric(os.environ['MLFLOW_RUN_ID'], 'accuracy', "
                + value
                + ")");
    python.environment().putAll(dev.sentinels.cli.plugin.PluginEnv.of(job));
    python.redirectErrorStream(true);
    Process process = python.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
  }

  private static JsonNode mlflowRun(MlflowServer server, String runId) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(server.url() + "/api/2.0/mlflow/runs/get?run_id=" + runId))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return RecordCodec.mapper().readTree(response.body()).path("run");
  }

  @Test
  void submittedJobsEndWithTheirRunClosedAndOneSlackMessageEach(MlflowServer mlflow)
      throws Exception {
    FakeReceivers.configure(
        fixture,
        """
        plugins:
          mlflow:
            trackingUri: %s
            submitTimeout: 60s # this machine's two cores also run the cluster and three JVMs
          slack:
            webhookUrl: {secretRef: {name: sentinel-notify, key: slack}}
        """
            .formatted(mlflow.url()),
        Map.of("slack", receivers.slackUrl()));

    CliRun plugins = sentinel("plugins");
    assertEquals(ExitCodes.OK, plugins.exitCode(), plugins.err() + plugins.out());
    assertTrue(
        plugins.out().matches("(?s).*mlflow +0\\.1\\.0-SNAPSHOT +tracking +yes +ok.*"),
        plugins.out());
    assertTrue(
        plugins.out().matches("(?s).*slack +0\\.1\\.0-SNAPSHOT +notifier +yes +ok.*"),
        plugins.out());
    assertTrue(
        plugins.out().matches("(?s).*webhook +0\\.1\\.0-SNAPSHOT +notifier +no +ok.*"),
        plugins.out());
    assertTrue(!plugins.out().contains(receivers.slackUrl()));

    startScheduler();
    startScheduler();
    String ok = submit("good", "--set", "annotations.sentinels.dev/kwok-duration=1s");
    String bad =
        submit(
            "bad",
            "--set",
            "annotations.sentinels.dev/kwok-duration=1s",
            "--set",
            "annotations.sentinels.dev/kwok-fail=\"true\"");
    String slow = submit("slow", "--set", "annotations.sentinels.dev/kwok-duration=10m");
    CliRun cancel = sentinel("cancel", slow);
    assertEquals(ExitCodes.OK, cancel.exitCode(), cancel.err());

    Map<String, String> expected = Map.of(ok, "FINISHED", bad, "FAILED", slow, "KILLED");
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    try (Engine backend = fixture.engine()) {
      while (true) {
        boolean settled = fixture.store().pendingHooks().isEmpty();
        for (String id : expected.keySet()) {
          // The stored state: the live view (from pods) can be terminal before the record is,
          // and the record's terminal write is what queues the run's closing.
          settled &= fixture.store().get(id).orElseThrow().record().state().isTerminal();
        }
        if (settled) {
          break;
        }
        assertTrue(
            Instant.now().isBefore(deadline),
            "jobs did not settle: " + backend.list(java.util.Set.of()));
        ClusterFixture.sleep(500);
      }
      for (var entry : expected.entrySet()) {
        JobRecord record = backend.get(entry.getKey());
        JsonNode run = mlflowRun(mlflow, record.attributes().get("mlflow.runId"));
        assertEquals(entry.getValue(), run.at("/info/status").asString(), entry.getKey());
        assertEquals("lr", run.at("/data/params/0/key").asString());
        assertEquals("0.1", run.at("/data/params/0/value").asString());
        CliRun describe = sentinel("describe", entry.getKey());
        assertTrue(
            describe.out().contains("Tracking:   " + mlflow.url() + "/#/experiments/"),
            describe.out());
      }
      // the Job's env carries the run, so training code continues it
      var env =
          fixture.kubeJob(ok).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
      String runId = backend.get(ok).attributes().get("mlflow.runId");
      assertTrue(
          env.stream()
              .anyMatch(v -> v.getName().equals("MLFLOW_RUN_ID") && v.getValue().equals(runId)),
          env.toString());

      logAccuracy(mlflow, backend.get(ok), 0.9);
      logAccuracy(mlflow, backend.get(bad), 0.25);
    }
    CliRun runs = sentinel("runs", "--project", "e2e");
    assertEquals(ExitCodes.OK, runs.exitCode(), runs.err());
    List<String> lines = runs.out().lines().toList();
    assertEquals(4, lines.size(), runs.out());
    assertTrue(lines.get(0).matches("JOB +RUN +NAME +STATUS +STARTED +METRICS"), lines.get(0));
    assertTrue(
        runs.out().matches("(?s).*" + ok + " .* good +FINISHED .* accuracy=0\\.9\n.*"), runs.out());
    assertTrue(runs.out().matches("(?s).*" + slow + " .* slow +KILLED .* -\n.*"), runs.out());

    CliRun compare = sentinel("compare", ok, bad);
    assertEquals(ExitCodes.OK, compare.exitCode(), compare.err());
    assertTrue(compare.out().matches("(?s).*\nstate +Succeeded +Failed +\\*\n.*"), compare.out());
    assertTrue(compare.out().matches("(?s).*\nparam lr +0\\.1 +0\\.1 +=\n.*"), compare.out());
    assertTrue(
        compare.out().matches("(?s).*\nmetric accuracy +0\\.9 +0\\.25 +\\*\n.*"), compare.out());
    Map<String, Integer> messages = new HashMap<>();
    for (LoggedRequest request : receivers.slackRequests()) {
      String headline =
          RecordCodec.mapper()
              .readTree(request.getBodyAsString())
              .at("/blocks/0/text/text")
              .asString();
      messages.merge(headline.substring(headline.indexOf(' ') + 1), 1, Integer::sum);
    }
    assertEquals(
        Map.of(ok + " Succeeded", 1, bad + " Failed", 1, slow + " Cancelled", 1), messages);
  }
}
