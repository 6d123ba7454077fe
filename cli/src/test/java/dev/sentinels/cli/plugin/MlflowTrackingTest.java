package dev.sentinels.cli.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.RunSummary;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.mlflow.MlflowServer;
import dev.sentinels.mlflow.MlflowServerExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** The MLflow plugin against a real MLflow server, and training code continuing its run. */
@ExtendWith(MlflowServerExtension.class)
class MlflowTrackingTest {

  private static JobHooks hooks(String trackingUri) {
    PluginsConfig config =
        PluginsConfigReader.readDocument(
            "plugins:\n  mlflow:\n    trackingUri: " + trackingUri + "\n", "test plugins.yaml");
    return new JobHooks(
        config,
        () -> PluginHost.load(BuiltPlugins.all(), config, TestSecrets.env(Map.of())),
        "test",
        Clock.systemUTC());
  }

  /** GET on MLflow's REST API, as JSON. */
  private static JsonNode get(MlflowServer server, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/" + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return RecordCodec.mapper().readTree(response.body());
  }

  private static Map<String, String> pairs(JsonNode list) {
    Map<String, String> pairs = new HashMap<>();
    for (JsonNode item : list) {
      pairs.put(item.get("key").asString(), item.get("value").asString());
    }
    return pairs;
  }

  @Test
  void submitCreatesTheRunAndTrainingCodeContinuesIt(MlflowServer server, @TempDir Path dir)
      throws Exception {
    try (JobHooks hooks = hooks(server.url())) {
      List<String> warnings = new ArrayList<>();
      JobRecord record = hooks.onSubmit(Jobs.queued("mnist", "vision"), warnings::add);
      assertEquals(List.of(), warnings);
      String runId = record.attributes().get("mlflow.runId");
      Map<String, String> env = PluginEnv.of(record);
      assertEquals(runId, env.get("MLFLOW_RUN_ID"));
      assertEquals(server.url(), env.get("MLFLOW_TRACKING_URI"));
      assertEquals("mlflow", record.attributes().get(JobHooks.TRACKING));
      assertEquals(
          server.url() + "/#/experiments/" + env.get("MLFLOW_EXPERIMENT_ID") + "/runs/" + runId,
          JobHooks.trackingLink(record).orElseThrow());

      JsonNode experiment = get(server, "experiments/get-by-name?experiment_name=vision");
      assertEquals(
          env.get("MLFLOW_EXPERIMENT_ID"),
          experiment.path("experiment").path("experiment_id").asString());
      JsonNode run = get(server, "runs/get?run_id=" + runId).path("run");
      assertEquals("mnist", run.path("info").path("run_name").asString());
      Map<String, String> tags = pairs(run.path("data").path("tags"));
      assertEquals(record.id(), tags.get("sentinels.jobId"));
      assertEquals("alice", tags.get("sentinels.user"));
      assertEquals("default", tags.get("sentinels.queue"));
      assertEquals("normal", tags.get("sentinels.priority"));
      assertEquals("registry.example/train:1.4", tags.get("sentinels.image"));
      assertEquals(record.attributes().get(JobHooks.SPEC_HASH), tags.get("sentinels.specHash"));
      assertEquals("abc1234", tags.get("sentinels.codeVersion"));
      assertEquals(Map.of("lr", "0.01", "epochs", "3"), pairs(run.path("data").path("params")));

      // A stand-in for training code: mlflow.start_run() with the injected env continues the run.
      Path script = dir.resolve("train.py");
      Files.writeString(
          script,
          """
          import mlflow
          with mlflow.start_run() as run:
              mlflow.log_metric("accuracy", 0.93)
              print(run.info.run_id)
          """);
      ProcessBuilder python = new ProcessBuilder(server.python().toString(), script.toString());
      python.environment().putAll(env);
      python.redirectErrorStream(true);
      Process process = python.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, process.exitValue(), output);
      assertTrue(output.lines().anyMatch(runId::equals), output);

      JsonNode after = get(server, "runs/get?run_id=" + runId).path("run");
      assertEquals("0.93", after.path("data").path("metrics").get(0).path("value").asString());
      List<RunSummary> runs = hooks.host().tracking().orElseThrow().extension().runs("vision", 10);
      RunSummary summary =
          runs.stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow();
      assertEquals(record.id(), summary.jobId());
      assertEquals(0.93, summary.metrics().get("accuracy"));
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"Succeeded, FINISHED", "Failed, FAILED", "Cancelled, KILLED"})
  void terminalStateClosesTheRun(String state, String status, MlflowServer server)
      throws Exception {
    try (JobHooks hooks = hooks(server.url())) {
      JobRecord record = hooks.onSubmit(Jobs.queued("resnet", "status-" + state), w -> {});
      String runId = record.attributes().get("mlflow.runId");
      assertEquals(
          "RUNNING", get(server, "runs/get?run_id=" + runId).at("/run/info/status").asString());
      JobRecord ended = Jobs.ended(record, JobState.parse(state));
      hooks.host().tracking().orElseThrow().extension().finishRun(ended);
      JsonNode info = get(server, "runs/get?run_id=" + runId).path("run").path("info");
      assertEquals(status, info.path("status").asString());
      assertEquals(ended.finishedAt().toEpochMilli(), info.path("end_time").asLong());
    }
  }

  @Test
  void unreachableServerStillQueuesTheJobWithOneWarning() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (JobHooks hooks = hooks("http://127.0.0.1:" + closedPort)) {
      List<String> warnings = new ArrayList<>();
      JobRecord queued = Jobs.queued("mnist", "vision");
      Instant start = Instant.now();
      JobRecord record = hooks.onSubmit(queued, warnings::add);
      assertTrue(Duration.between(start, Instant.now()).toSeconds() < 15);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(
          warnings.get(0).startsWith("warning: mlflow tracking unavailable"), warnings.get(0));
      assertFalse(warnings.get(0).contains("\n"));
      assertFalse(record.attributes().containsKey("mlflow.runId"));
      assertTrue(PluginEnv.of(record).isEmpty());
      assertEquals(queued.id(), record.id());
    }
  }
}
