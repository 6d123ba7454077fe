package dev.sentinels.cli.local;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.cluster.FakeReceivers;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.plugin.PluginsConfig;
import dev.sentinels.cli.plugin.SecretResolver;
import dev.sentinels.cli.spec.RepositoryFiles;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.cli.support.Sleeping;
import dev.sentinels.mlflow.MlflowServer;
import dev.sentinels.mlflow.MlflowServerExtension;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Plugins on the local backend, end to end: a real MLflow server and a real detached runner; Slack
 * and a webhook receiver played by WireMock (they cannot run here), with CLI processes and the
 * runner delivering at once.
 */
@ExtendWith(MlflowServerExtension.class)
class LocalPluginsTest {

  private static final String HOME_BASE =
      """
      backend: local
      local:
        capacity: {cpu: 2, memory: 64Gi, gpu: 0}
        idleTimeout: 5s
        engine: none
      """;

  /** Notifier URLs reach the plugins as {@code {env: NAME}} secrets, as users configure them. */
  private static final String NOTIFIERS =
      """
      plugins:
        slack:
          webhookUrl: {env: SENTINEL_TEST_SLACK}
        webhook:
          url: {env: SENTINEL_TEST_HOOK}
      """;

  @TempDir Path dir;
  private LocalHome local;
  private FakeReceivers receivers;
  private Map<String, String> env;

  @BeforeEach
  void setUp() {
    receivers = new FakeReceivers(dir); // also points this JVM at the built plugins
    env =
        Map.of(
            "SENTINEL_TEST_SLACK", receivers.slackUrl(), "SENTINEL_TEST_HOOK", receivers.hookUrl());
  }

  @AfterEach
  void tearDown() {
    if (local != null) {
      local.close();
    }
    receivers.close();
    System.clearProperty(PluginHost.PLUGINS_DIR_PROPERTY);
    System.clearProperty("sentinel.home");
  }

  private static String submitted(CliRun run) {
    assertEquals(ExitCodes.OK, run.exitCode(), run.err() + run.out());
    return run.out().trim().replaceFirst("^job/", "");
  }

  /** Waits until every job is terminal and no plugin work is pending. */
  private void awaitSettled(List<String> ids, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try (LocalBackend backend = local.backend()) {
        boolean settled = backend.store().pendingHooks().isEmpty();
        for (String id : ids) {
          settled &= backend.store().get(id).orElseThrow().record().state().isTerminal();
        }
        if (settled) {
          return;
        }
        assertTrue(
            System.nanoTime() < deadline,
            () ->
                "not settled: " + backend.store().list(Set.of()) + "\nrunner log:\n" + runnerLog());
      }
      Sleeping.sleep(250);
    }
  }

  private String runnerLog() {
    try {
      return Files.readString(local.home.runnerLog());
    } catch (java.io.IOException e) {
      return "(none)";
    }
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

  private static String mlflowSection(MlflowServer mlflow) {
    return """
        plugins:
          mlflow:
            trackingUri: %s
            submitTimeout: 60s # two shared cores: the server may answer slowly
        """
        .formatted(mlflow.url());
  }

  @Test
  void trackedJobsLogIntoTheirRunWhichEndsWithTheJob(MlflowServer mlflow) throws Exception {
    local = new LocalHome(dir, HOME_BASE + mlflowSection(mlflow));
    String logAccuracy =
        "import os; from mlflow import MlflowClient; "
            + "MlflowClient().log_metric(os.environ['MLFLOW_RUN_ID'], 'accuracy', %s)";
    String python = mlflow.python().toString();
    String ok = submit("good", python, "-c", logAccuracy.formatted("0.9"));
    String bad =
        submit("bad", python, "-c", logAccuracy.formatted("0.25") + "; raise SystemExit(3)");
    String slow = submit("slow", "sleep", "600");
    local.awaitState(slow, JobState.RUNNING);
    assertEquals(ExitCodes.OK, local.cli("cancel", slow).exitCode());

    awaitSettled(List.of(ok, bad, slow), Duration.ofSeconds(120));
    Map<String, String> expected = Map.of(ok, "FINISHED", bad, "FAILED", slow, "KILLED");
    for (var entry : expected.entrySet()) {
      JobRecord record = local.get(entry.getKey());
      JsonNode run = mlflowRun(mlflow, record.attributes().get("mlflow.runId"));
      assertEquals(entry.getValue(), run.at("/info/status").asString(), entry.getKey());
      assertEquals("lr", run.at("/data/params/0/key").asString());
      assertEquals("0.1", run.at("/data/params/0/value").asString());
      CliRun describe = local.cli("describe", entry.getKey());
      assertTrue(
          describe.out().contains("Tracking:   " + mlflow.url() + "/#/experiments/"),
          describe.out());
    }
    assertEquals(JobState.SUCCEEDED, local.get(ok).state());
    assertEquals(JobState.FAILED, local.get(bad).state());

    CliRun runs = local.cli("runs", "--project", "local-e2e");
    assertEquals(ExitCodes.OK, runs.exitCode(), runs.err());
    assertTrue(
        runs.out().matches("(?s).*" + ok + " .* good +FINISHED .* accuracy=0\\.9\n.*"), runs.out());
    assertTrue(runs.out().matches("(?s).*" + slow + " .* slow +KILLED .* -\n.*"), runs.out());
    CliRun compare = local.cli("compare", ok, bad);
    assertEquals(ExitCodes.OK, compare.exitCode(), compare.err());
    assertTrue(compare.out().matches("(?s).*\nstate +Succeeded +Failed +\\*\n.*"), compare.out());
    assertTrue(
        compare.out().matches("(?s).*\nmetric accuracy +0\\.9 +0\\.25 +\\*\n.*"), compare.out());
  }

  private String submit(String name, String... command) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "submit",
                "--image",
                "x",
                "--name",
                name,
                "--cpu",
                "100m",
                "-o",
                "name",
                "--set",
                "project=local-e2e",
                "--set",
                "params.lr=0.1",
                "--"));
    args.addAll(List.of(command));
    return submitted(local.cli(args.toArray(String[]::new)));
  }

  @Test
  void quickstartTrainingLogsIntoThePreCreatedRun(MlflowServer mlflow) throws Exception {
    Path quickstart = RepositoryFiles.resolve("examples/quickstart");
    local =
        new LocalHome(
            dir, Files.readString(quickstart.resolve("config.yaml")) + mlflowSection(mlflow));
    String id =
        submitted(
            local.cli(
                "submit",
                "-f",
                quickstart.resolve("urgent.yaml").toString(),
                "--set",
                "params.epochs=5",
                "--set",
                "params.pause=0",
                "-o",
                "name",
                "--",
                mlflow.python().toString(),
                quickstart.resolve("train.py").toString()));
    awaitSettled(List.of(id), Duration.ofSeconds(120));
    assertEquals(JobState.SUCCEEDED, local.get(id).state(), () -> local.cli("logs", id).out());
    JsonNode run = mlflowRun(mlflow, local.get(id).attributes().get("mlflow.runId"));
    assertEquals("FINISHED", run.at("/info/status").asString());
    List<String> metrics = new ArrayList<>();
    run.at("/data/metrics").forEach(m -> metrics.add(m.path("key").asString()));
    assertEquals(Set.of("loss", "accuracy"), Set.copyOf(metrics), run.toString());
  }

  /** Successful (200) deliveries per event: webhook event id, Slack headline. */
  private Map<String, Integer> delivered(String path) {
    Map<String, Integer> counts = new TreeMap<>();
    for (ServeEvent event : receivers.http.getAllServeEvents()) {
      if (!event.getRequest().getUrl().startsWith(path) || event.getResponse().getStatus() != 200) {
        continue;
      }
      JsonNode body = RecordCodec.mapper().readTree(event.getRequest().getBodyAsString());
      String key;
      if (path.equals("/hook")) {
        key = body.path("eventId").asString();
      } else {
        String headline = body.at("/blocks/0/text/text").asString();
        key = headline.isEmpty() ? body.path("text").asString() : headline;
      }
      counts.merge(key, 1, Integer::sum);
    }
    return counts;
  }

  private long failedCalls(String path) {
    return receivers.http.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().startsWith(path))
        .filter(e -> e.getResponse().getStatus() == 500)
        .count();
  }

  @Test
  void eachTerminalStateIsNotifiedExactlyOnceThoughManyProcessesDeliver() throws Exception {
    local = new LocalHome(dir, HOME_BASE + NOTIFIERS);
    // First the receivers fail: the work stays pending, with its error, for retries.
    List<StubMapping> failing =
        List.of(
            receivers.http.stubFor(
                post(urlPathEqualTo("/slack")).atPriority(1).willReturn(serverError())),
            receivers.http.stubFor(
                post(urlPathEqualTo("/hook")).atPriority(1).willReturn(serverError())));
    String ok =
        submitted(
            local.process(
                env, "submit", "--image", "x", "--name", "ok", "-o", "name", "--", "true"));
    String bad =
        submitted(
            local.process(
                env, "submit", "--image", "x", "--name", "bad", "-o", "name", "--", "sh", "-c",
                "exit 3"));
    String slow =
        submitted(
            local.process(
                env, "submit", "--image", "x", "--name", "slow", "-o", "name", "--", "sleep",
                "600"));
    local.awaitState(slow, JobState.RUNNING);
    assertEquals(ExitCodes.OK, local.process(env, "cancel", slow).exitCode());
    for (String id : List.of(ok, bad, slow)) {
      local.await(
          id,
          r -> r.state().isTerminal() && r.attributes().containsKey("sentinel.hooks.error"),
          Duration.ofSeconds(60));
    }
    // Targets go in order and a failure stops the run, so the first notifier takes the 500s.
    assertTrue(failedCalls("/slack") + failedCalls("/hook") >= 3, "the notifiers were not tried");
    assertEquals(Map.of(), delivered("/slack"));

    // Then they answer. The runner stops (as when it idles out), and four deliverers, each with its
    // own store connection as a process has, take the backlog at the same moment.
    local.killRunners();
    failing.forEach(receivers.http::removeStub);
    for (String id : List.of(ok, bad, slow)) {
      local.await(
          id,
          r -> {
            String retryAt = r.attributes().get("sentinel.hooks.retryAt");
            return retryAt == null || Instant.parse(retryAt).isBefore(Instant.now());
          },
          Duration.ofSeconds(60));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CyclicBarrier together = new CyclicBarrier(4);
    List<Future<?>> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String owner = "test-deliverer-" + i;
      threads.add(pool.submit(() -> deliverTogether(owner, together)));
    }
    for (Future<?> thread : threads) {
      thread.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    // Then new jobs: four CLI processes (each delivering after its pass) and the runner they start.
    List<Process> racing = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      racing.add(
          local.start(
              env,
              List.of(),
              "submit",
              "--image",
              "x",
              "--name",
              "extra-" + i,
              "-o",
              "name",
              "--",
              "true"));
    }
    List<String> ids = new ArrayList<>(List.of(ok, bad, slow));
    for (Process process : racing) {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, process.exitValue(), err);
      ids.add(out.trim().replaceFirst("^job/", ""));
    }
    awaitSettled(ids, Duration.ofSeconds(120));

    Map<String, Integer> expectedHooks = new TreeMap<>();
    Map<String, Integer> expectedSlack = new TreeMap<>();
    for (String id : ids) {
      JobState state = local.get(id).state();
      expectedHooks.put(id + "/" + state.display(), 1);
      expectedSlack.put(id + " " + state.display(), 1);
    }
    assertEquals(expectedHooks, delivered("/hook"));
    Map<String, Integer> slack = new HashMap<>();
    delivered("/slack")
        .forEach(
            (headline, n) ->
                slack.merge(headline.substring(headline.indexOf(' ') + 1), n, Integer::sum));
    assertEquals(expectedSlack, new TreeMap<>(slack));
    assertEquals(JobState.FAILED, local.get(bad).state());
    assertEquals(JobState.CANCELLED, local.get(slow).state());
  }

  /** One delivery run, started at the same moment as the others waiting on {@code together}. */
  private Void deliverTogether(String owner, CyclicBarrier together) throws Exception {
    try (LocalBackend backend = local.backend()) {
      PluginsConfig config = backend.pluginsConfig();
      SecretResolver secrets =
          new SecretResolver() {
            @Override
            public Optional<String> secret(String name, String key) {
              return Optional.empty();
            }

            @Override
            public Optional<String> env(String name) {
              return Optional.ofNullable(env.get(name)); // the env the CLI processes get
            }
          };
      try (JobHooks hooks =
          new JobHooks(
              config,
              () -> PluginHost.load(PluginHost.defaultRoots(), config, secrets),
              backend.target(),
              Clock.systemUTC())) {
        hooks.host(); // loaded before the start, so the runs overlap
        together.await(60, TimeUnit.SECONDS);
        hooks.deliver(backend.store(), owner, Duration.ofSeconds(30));
      }
    }
    return null;
  }

  private List<String> slackTexts() {
    List<String> texts = new ArrayList<>();
    for (var request : receivers.slackRequests()) {
      texts.add(RecordCodec.mapper().readTree(request.getBodyAsString()).path("text").asString());
    }
    return texts;
  }

  private void awaitSlackTexts(int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (slackTexts().size() < count) {
      assertTrue(
          System.nanoTime() < deadline,
          () -> "alerts so far: " + slackTexts() + "\nrunner log:\n" + runnerLog());
      Sleeping.sleep(250);
    }
  }

  @Test
  void resourceAlertsFireOnceAndClearOnce() throws Exception {
    local =
        new LocalHome(
            dir,
            HOME_BASE
                + """
                plugins:
                  slack:
                    webhookUrl: {env: SENTINEL_TEST_SLACK}
                    on: [Failed]
                  alerts:
                    waitingLongerThan: 2s
                    usageAbove: 90%
                """);
    String first =
        submitted(
            local.process(
                env, "submit", "--image", "x", "--name", "big", "--cpu", "2", "-o", "name", "--",
                "sleep", "600"));
    local.awaitState(first, JobState.RUNNING);
    String second =
        submitted(
            local.process(
                env, "submit", "--image", "x", "--name", "next", "--cpu", "2", "-o", "name", "--",
                "sleep", "600"));
    awaitSlackTexts(2);
    Sleeping.sleep(6000); // a worker tick or more: still open, nothing told again
    List<String> opened = slackTexts();
    assertEquals(2, opened.size(), opened.toString());
    assertTrue(
        opened.contains(":warning: CPU requests at 100% of capacity (threshold 90%)"),
        opened.toString());
    assertTrue(
        opened.stream()
            .anyMatch(t -> t.startsWith(":warning: 1 job has waited for capacity longer than 2s")),
        opened.toString());

    assertEquals(ExitCodes.OK, local.process(env, "cancel", second).exitCode());
    assertEquals(ExitCodes.OK, local.process(env, "cancel", first).exitCode());
    awaitSlackTexts(4);
    Sleeping.sleep(6000);
    List<String> all = slackTexts();
    assertEquals(4, all.size(), all.toString());
    assertTrue(
        all.subList(2, 4).stream().allMatch(t -> t.startsWith(":white_check_mark: Cleared: ")),
        all.toString());
    // Cancelled is not in on: [Failed]: the alerts were the only messages.
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "queue", "nodes", "plugins"})
  void onlyThePluginsCommandLoadsPf4j(String command) throws Exception {
    local = new LocalHome(dir, HOME_BASE + NOTIFIERS);
    Process process = local.start(env, List.of("-verbose:class"), command);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), err);
    boolean loadedPf4j = output.contains("org.pf4j.DefaultPluginManager");
    assertEquals(command.equals("plugins"), loadedPf4j, command + " loaded pf4j: " + loadedPf4j);
  }

  @Test
  void mlflowsOwnVariableConfiguresTrackingAndPluginsSaysWhenItsServerIsDown() throws Exception {
    local = new LocalHome(dir, HOME_BASE);
    CliRun plugins =
        local.process(Map.of("MLFLOW_TRACKING_URI", "http://127.0.0.1:9"), "plugins", "-o", "json");
    assertEquals(ExitCodes.FAILED, plugins.exitCode(), plugins.err() + plugins.out());
    JsonNode mlflow = null;
    for (JsonNode item : RecordCodec.mapper().readTree(plugins.out()).path("items")) {
      if (item.at("/metadata/name").asString().equals("mlflow")) {
        mlflow = item;
      }
    }
    assertEquals("yes", mlflow.path("configured").asString(), plugins.out());
    assertTrue(
        mlflow.path("error").asString().startsWith("configured server unreachable: cannot connect"),
        mlflow.toString());
    assertFalse(mlflow.path("error").asString().contains("Exception"), mlflow.toString());
  }

  @Test
  void doctorSaysWhichConfiguredPluginAnswersAndFailsWhenOneDoesNot(MlflowServer mlflow)
      throws Exception {
    local = new LocalHome(dir, HOME_BASE + mlflowSection(mlflow));
    CliRun healthy = local.process(Map.of(), "doctor", "-o", "json");
    assertEquals(ExitCodes.OK, healthy.exitCode(), healthy.err() + healthy.out());
    JsonNode check = checkNamed(healthy, "plugin mlflow");
    assertEquals("ok", check.path("status").asString(), healthy.out());
    assertTrue(check.path("detail").asString().startsWith("tracking, answers"), healthy.out());

    // The same tracking server, gone: doctor names the plugin and the reason, exit code 1.
    local.close();
    local = new LocalHome(dir, HOME_BASE);
    CliRun down =
        local.process(Map.of("MLFLOW_TRACKING_URI", "http://127.0.0.1:9"), "doctor", "-o", "json");
    assertEquals(ExitCodes.FAILED, down.exitCode(), down.err() + down.out());
    JsonNode failed = checkNamed(down, "plugin mlflow");
    assertEquals("fail", failed.path("status").asString(), down.out());
    assertTrue(
        failed.path("detail").asString().startsWith("does not answer: cannot connect"), down.out());
    assertFalse(RecordCodec.mapper().readTree(down.out()).path("passed").asBoolean());
  }

  private static JsonNode checkNamed(CliRun run, String name) throws Exception {
    for (JsonNode check : RecordCodec.mapper().readTree(run.out()).path("checks")) {
      if (check.path("name").asString().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + run.out());
  }
}
