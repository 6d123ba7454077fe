package dev.sentinels.cli.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.plugin.HookDelivery;
import dev.sentinels.cli.plugin.Jobs;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Slack and webhook notifications through the real plugins and the real record store on the test
 * cluster; WireMock plays Slack (which cannot run here) and the faults.
 */
@ExtendWith(TestClusterExtension.class)
class NotifierDeliveryTest {

  private ClusterFixture fixture;
  private FakeReceivers receivers;
  private WireMockServer http;

  @BeforeEach
  void setUp(TestCluster cluster, @TempDir Path home) {
    fixture = new ClusterFixture(cluster, "notify");
    receivers = new FakeReceivers(home);
    http = receivers.http;
  }

  @AfterEach
  void tearDown() {
    receivers.close();
    fixture.deleteNamespace();
  }

  private void configureNotifiers(String slackExtra) {
    FakeReceivers.configure(
        fixture,
        """
        plugins:
          slack:
            webhookUrl: {secretRef: {name: sentinel-notify, key: slack}}
            timeout: 1s
        """
            + slackExtra
            + """
          webhook:
            url: {secretRef: {name: sentinel-notify, key: hook}}
            on: [Failed]
        """,
        Map.of("slack", receivers.slackUrl(), "hook", receivers.hookUrl()));
  }

  /** Records that reached a terminal state, as a pass writes them (pending marked). */
  private List<JobRecord> endedJobs(Engine backend, JobState... states) {
    JobRecordStore store =
        new JobRecordStore(
            KubeConnection.connect(fixture.cluster.kubeconfig().toString(), null),
            fixture.namespace);
    List<JobRecord> records = new ArrayList<>();
    for (JobState state : states) {
      JobRecord ended = Jobs.ended(Jobs.queued("train", "vision"), state);
      assertTrue(store.create(ended));
      records.add(ended);
    }
    return records;
  }

  private Map<String, Integer> slackMessagesPerJob() {
    Map<String, Integer> counts = new HashMap<>();
    for (LoggedRequest request : http.findAll(postRequestedFor(urlPathEqualTo("/slack")))) {
      JsonNode message = RecordCodec.mapper().readTree(request.getBodyAsString());
      String headline = message.at("/blocks/0/text/text").asString();
      counts.merge(headline.split(" ")[1], 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void slackGetsABlockKitMessageAndTheWebhookOnlyWhatItAskedFor() {
    configureNotifiers("");
    try (Engine backend = fixture.engine()) {
      List<JobRecord> jobs = endedJobs(backend, JobState.SUCCEEDED, JobState.FAILED);
      HookDelivery.Report report =
          backend.hooks().deliver(fixture.store(), "test", Duration.ofSeconds(20));
      assertEquals(Map.of(), report.failed());
      assertEquals(
          List.of("notify.slack"), report.delivered().get(jobs.get(0).id()), report.toString());
      assertEquals(
          List.of("notify.slack", "notify.webhook"), report.delivered().get(jobs.get(1).id()));

      LoggedRequest failed =
          http.findAll(postRequestedFor(urlPathEqualTo("/slack"))).stream()
              .filter(r -> r.getBodyAsString().contains(jobs.get(1).id() + " Failed"))
              .findFirst()
              .orElseThrow();
      JsonNode message = RecordCodec.mapper().readTree(failed.getBodyAsString());
      assertEquals("header", message.at("/blocks/0/type").asString());
      assertEquals(
          ":x: " + jobs.get(1).id() + " Failed", message.at("/blocks/0/text/text").asString());
      assertEquals("section", message.at("/blocks/1/type").asString());
      String fields = message.at("/blocks/1/fields").toString();
      assertTrue(fields.contains("*Duration*\\n41s"), fields);
      assertTrue(fields.contains("*User*\\nalice"), fields);
      assertTrue(message.path("text").asString().contains("Failed"));

      List<LoggedRequest> hooks = http.findAll(postRequestedFor(urlPathEqualTo("/hook")));
      assertEquals(1, hooks.size());
      JsonNode event = RecordCodec.mapper().readTree(hooks.get(0).getBodyAsString());
      assertEquals("job", event.path("kind").asString());
      assertEquals(jobs.get(1).id() + "/Failed", event.path("eventId").asString());
      assertEquals(jobs.get(1).id(), event.at("/job/id").asString());
      assertEquals("Failed", event.at("/job/state").asString());
      assertEquals(41, event.at("/job/durationSeconds").asLong());
      assertEquals(jobs.get(1).id() + "/Failed", hooks.get(0).getHeader("X-Sentinels-Event"));

      // Delivered work is acknowledged in the records: nothing is pending, a new run sends nothing.
      for (JobRecord job : jobs) {
        JobRecord now = backend.get(job.id());
        assertFalse(
            now.attributes().containsKey(JobRecord.HOOKS_PENDING), now.attributes().toString());
        assertEquals(
            job.state().display(), now.attributes().get("sentinel.hooks.done.notify.slack"));
      }
      assertTrue(fixture.store().pendingHooks().isEmpty());
      backend.hooks().deliver(fixture.store(), "test", Duration.ofSeconds(5));
      assertEquals(
          3, http.findAll(postRequestedFor(urlPathEqualTo("/slack"))).size() + hooks.size());
    }
  }

  @Test
  void workForJobsThatEndedLongBeforeIsDroppedNotSent() {
    configureNotifiers("");
    try (Engine backend = fixture.engine()) {
      JobRecordStore store =
          new JobRecordStore(
              KubeConnection.connect(fixture.cluster.kubeconfig().toString(), null),
              fixture.namespace);
      JobRecord old =
          Jobs.ended(
              Jobs.queued("train", "vision", Instant.now().minus(Duration.ofDays(3))),
              JobState.FAILED);
      assertTrue(store.create(old));
      JobRecord recent = endedJobs(backend, JobState.FAILED).get(0);

      HookDelivery.Report report =
          backend.hooks().deliver(fixture.store(), "test", Duration.ofSeconds(20));
      assertEquals(java.util.Set.of(recent.id()), report.delivered().keySet());
      assertEquals(Map.of(recent.id(), 1), slackMessagesPerJob());
      JobRecord skipped = backend.get(old.id());
      assertFalse(skipped.attributes().containsKey(JobRecord.HOOKS_PENDING));
      assertEquals(
          "ended more than 24h before delivery",
          skipped.attributes().get("sentinel.hooks.skipped"));
      assertTrue(fixture.store().pendingHooks().isEmpty());
    }
  }

  @Test
  void malformedPluginsConfigurationTurnsPluginsOffButNeverStopsASubmission() {
    FakeReceivers.configure(fixture, "plugins: [slack]\n", Map.of());
    CliRun submit =
        fixture.cli("submit", "--name", "x", "--image", "busybox", "--cpu", "100m", "-o", "name");
    assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
    assertEquals(
        "warning: plugins off: configmap "
            + fixture.namespace
            + "/sentinel-config plugins.yaml: plugins: must be a mapping from plugin id to its"
            + " settings\n",
        submit.err());
    CliRun plugins = fixture.cli("plugins");
    assertEquals(ExitCodes.FAILED, plugins.exitCode());
    assertTrue(plugins.err().contains("error: plugins configuration: configmap "), plugins.err());
  }

  @Test
  void runsWithoutATrackingPluginIsAUsageErrorNamingTheFix() {
    configureNotifiers("");
    CliRun runs =
        CliRun.of(
            "runs",
            "--kubeconfig",
            fixture.cluster.kubeconfig().toString(),
            "-n",
            fixture.namespace);
    assertEquals(ExitCodes.USAGE, runs.exitCode());
    assertTrue(
        runs.err().startsWith("error: no tracking plugin is configured for cluster "), runs.err());
    assertTrue(runs.err().contains("see: sentinel plugins"), runs.err());
    assertEquals(1, runs.err().lines().count(), runs.err());
  }

  @Test
  void twoDeliverersRacingSendEachMessageExactlyOnce() throws Exception {
    configureNotifiers("");
    int jobs = 12;
    List<JobRecord> ended;
    try (Engine setup = fixture.engine()) {
      JobState[] states = new JobState[jobs];
      java.util.Arrays.fill(states, JobState.SUCCEEDED);
      ended = endedJobs(setup, states);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String owner = "scheduler-" + i;
      runs.add(
          pool.submit(
              () -> {
                try (Engine backend = fixture.engine()) {
                  backend.hooks().host(); // load plugins before the race starts
                  start.await();
                  for (int round = 0; round < 3; round++) {
                    backend.hooks().deliver(fixture.store(), owner, Duration.ofSeconds(30));
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> run : runs) {
      run.get();
    }
    pool.shutdown();
    Map<String, Integer> expected = new HashMap<>();
    ended.forEach(j -> expected.put(j.id(), 1));
    assertEquals(expected, slackMessagesPerJob());
  }

  @Test
  void failuresAreRetriedWithBackoffWithoutDuplicates() {
    configureNotifiers("");
    http.resetMappings();
    http.stubFor(
        post(urlPathEqualTo("/slack"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(serverError())
            .willSetStateTo("slow"));
    http.stubFor(
        post(urlPathEqualTo("/slack"))
            .inScenario("flaky")
            .whenScenarioStateIs("slow")
            .willReturn(aResponse().withStatus(200).withFixedDelay(3000))
            .willSetStateTo("fine"));
    http.stubFor(
        post(urlPathEqualTo("/slack"))
            .inScenario("flaky")
            .whenScenarioStateIs("fine")
            .willReturn(ok("ok")));
    try (Engine backend = fixture.engine()) {
      JobRecord job = endedJobs(backend, JobState.SUCCEEDED).get(0);

      HookDelivery.Report first =
          backend.hooks().deliver(fixture.store(), "test", Duration.ofSeconds(20));
      assertTrue(first.failed().get(job.id()).contains("HTTP 500"), first.toString());
      JobRecord after = backend.get(job.id());
      assertEquals("1", after.attributes().get("sentinel.hooks.attempts"));
      assertTrue(after.attributes().get("sentinel.hooks.error").contains("HTTP 500"));
      assertEquals(JobState.SUCCEEDED.display(), after.attributes().get(JobRecord.HOOKS_PENDING));

      // Backing off: an immediate pass does not call Slack again.
      backend.hooks().deliver(fixture.store(), "test", Duration.ofSeconds(20));
      assertEquals(1, http.findAll(postRequestedFor(urlPathEqualTo("/slack"))).size());

      // Past the backoff, Slack hangs longer than the 1s timeout: a failure, quickly.
      ClusterFixture.sleep(2100); // first backoff: 2s
      Instant start = Instant.now();
      HookDelivery.Report slow =
          backend.hooks().deliver(fixture.store(), "test", Duration.ofSeconds(20));
      assertTrue(Duration.between(start, Instant.now()).toMillis() < 2900);
      assertTrue(slow.failed().get(job.id()).contains("timed out"), slow.toString());
      assertEquals("2", backend.get(job.id()).attributes().get("sentinel.hooks.attempts"));

      ClusterFixture.sleep(4100); // second backoff: 4s
      HookDelivery.Report third =
          backend.hooks().deliver(fixture.store(), "test", Duration.ofSeconds(20));
      assertEquals(List.of("notify.slack"), third.delivered().get(job.id()), third.toString());
      JobRecord done = backend.get(job.id());
      assertFalse(done.attributes().containsKey(JobRecord.HOOKS_PENDING));
      assertFalse(done.attributes().containsKey("sentinel.hooks.attempts"));
      assertEquals(3, http.findAll(postRequestedFor(urlPathEqualTo("/slack"))).size());
    }
  }
}
