package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Resource alert episodes: told once when they open and once when they clear, racing or not. */
@ExtendWith(TestClusterExtension.class)
class ResourceAlertsTest {

  private ClusterFixture fixture;
  private FakeReceivers receivers;

  @BeforeEach
  void setUp(TestCluster cluster, @TempDir Path home) {
    fixture = new ClusterFixture(cluster, "alerts");
    receivers = new FakeReceivers(home);
    FakeReceivers.configure(
        fixture,
        """
        plugins:
          slack:
            webhookUrl: {secretRef: {name: sentinel-notify, key: slack}}
          alerts:
            waitingLongerThan: 30m
            usageAbove: 90%
        """,
        Map.of("slack", receivers.slackUrl()));
  }

  @AfterEach
  void tearDown() {
    receivers.close();
    fixture.deleteNamespace();
  }

  private List<String> messages() {
    List<String> texts = new ArrayList<>();
    for (LoggedRequest request : receivers.slackRequests()) {
      texts.add(RecordCodec.mapper().readTree(request.getBodyAsString()).path("text").asString());
    }
    return texts;
  }

  /** Four checkers (as four schedulers would) see the same observation at once, twice. */
  private void race(ResourceAlerts.Observation observation) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String owner = "scheduler-" + i;
      runs.add(
          pool.submit(
              () -> {
                try (KubernetesBackend backend = fixture.backend();
                    JobHooks hooks = hooks(backend, Clock.systemUTC())) {
                  ResourceAlerts alerts =
                      ResourceAlerts.configured(
                              backend.pluginsConfig(),
                              hooks.host(),
                              owner,
                              backend.target(),
                              Clock.systemUTC())
                          .orElseThrow();
                  for (int round = 0; round < 2; round++) {
                    alerts.check(observation, backend.store().alertEpisodes());
                  }
                }
                return null;
              }));
    }
    for (Future<?> run : runs) {
      run.get();
    }
    pool.shutdown();
  }

  @Test
  void eachEpisodeIsToldOnceWhenItOpensAndOnceWhenItClears() throws Exception {
    var calm = new ResourceAlerts.Observation(0, Duration.ZERO, 0.5, "GPU");
    race(calm);
    assertEquals(List.of(), messages());

    race(new ResourceAlerts.Observation(3, Duration.ofMinutes(47), 0.5, "GPU"));
    assertEquals(
        List.of(":warning: 3 jobs have waited for capacity longer than 30m (longest 47m)"),
        messages());

    race(new ResourceAlerts.Observation(3, Duration.ofMinutes(48), 0.95, "GPU"));
    assertEquals(2, messages().size(), messages().toString());
    assertEquals(":warning: GPU requests at 95% of capacity (threshold 90%)", messages().get(1));

    race(calm);
    assertEquals(4, messages().size(), messages().toString());
    assertEquals(
        java.util.Set.of(
            ":white_check_mark: Cleared: 3 jobs have waited for capacity longer than 30m"
                + " (longest 47m)",
            ":white_check_mark: Cleared: GPU requests at 95% of capacity (threshold 90%)"),
        java.util.Set.copyOf(messages().subList(2, 4)));

    race(new ResourceAlerts.Observation(1, Duration.ofMinutes(31), 0.5, "GPU"));
    assertEquals(5, messages().size(), "a new episode is told again: " + messages());
  }

  @Test
  void anAlertNoReceiverTakesIsGivenUpAfterItsAttemptsNotRetriedForever() throws Exception {
    receivers.http.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
            .willReturn(com.github.tomakehurst.wiremock.client.WireMock.serverError()));
    var clock = new AdjustableClock();
    try (KubernetesBackend backend = fixture.backend();
        JobHooks hooks = hooks(backend, clock)) {
      ResourceAlerts alerts =
          ResourceAlerts.configured(
                  backend.pluginsConfig(), hooks.host(), "one", backend.target(), clock)
              .orElseThrow();
      var crowded = new ResourceAlerts.Observation(0, Duration.ZERO, 0.95, "GPU");
      for (int attempt = 1; attempt <= ResourceAlerts.MAX_ATTEMPTS + 3; attempt++) {
        alerts.check(crowded, backend.store().alertEpisodes());
        clock.advance(ResourceAlerts.RETRY_AFTER.plusSeconds(1));
      }
      Map<String, String> state = backend.store().alertEpisodes().read().getKey();
      assertEquals("open", state.get("usage.phase"), state.toString());
      assertTrue(state.get("usage.gaveUp").startsWith("opening "), state.toString());
      assertEquals(ResourceAlerts.MAX_ATTEMPTS, receivers.slackRequests().size());
    }
  }

  /** A clock the test moves on, past retry delays. */
  private static final class AdjustableClock extends Clock {
    private java.time.Instant now = java.time.Instant.now();

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  private static JobHooks hooks(KubernetesBackend backend, Clock clock) {
    return JobHooks.fromConfig(backend::pluginsConfig, backend::secrets, backend.target(), clock);
  }
}
