package dev.sentinels.cli.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.support.Sleeping;
import dev.sentinels.prometheus.PrometheusTools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The alerting path end to end, all real but Slack: a local {@code sentinel scheduler} serves its
 * metrics, a real Prometheus scrapes them and evaluates the chart's rules (rendered by helm, the
 * wait threshold lowered to seconds), and a real Alertmanager sends to a WireMock Slack, its
 * webhook read from a file as the chart mounts the secret. A job waiting behind another fires the
 * alert once; admitting it resolves it once.
 */
class LocalAlertingTest {

  @TempDir Path dir;

  @Test
  void aJobWaitingTooLongAlertsSlackOnceAndResolvesOnce() throws Exception {
    WireMockServer slack = new WireMockServer(wireMockConfig().dynamicPort());
    slack.start();
    slack.stubFor(post(urlEqualTo("/services/T0/B0/x")).willReturn(aResponse().withBody("ok")));
    int metricsPort = PrometheusTools.freePort();
    Path gate = dir.resolve("gate");
    try (LocalHome local =
        new LocalHome(
            dir.resolve("home"),
            "backend: local\n"
                + "local:\n"
                + "  capacity: {cpu: 1, memory: 8Gi, gpu: 0}\n"
                + "  idleTimeout: 5m\n"
                + "  engine: none\n")) {
      Process scheduler =
          local.start(
              "scheduler",
              "--health-port",
              Integer.toString(metricsPort),
              "--health-address",
              "127.0.0.1");
      String metricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
      await("the scheduler's /metrics", Duration.ofSeconds(60), () -> scrape(metricsUrl) != null);

      Path alertmanagerDir = Files.createDirectories(dir.resolve("alertmanager"));
      Files.writeString(
          alertmanagerDir.resolve("slack-webhook"),
          "http://127.0.0.1:" + slack.port() + "/services/T0/B0/x\n");
      Path prometheusDir = Files.createDirectories(dir.resolve("prometheus"));
      Files.writeString(
          prometheusDir.resolve("sentinels.rules.yaml"),
          PrometheusTools.chartRules("alerts.queueWait.seconds=3", "alerts.queueWait.for=2s"));
      try (var alertmanager =
              PrometheusTools.alertmanager(
                  alertmanagerDir,
                  "route:\n"
                      + "  receiver: slack\n"
                      + "  group_by: [alertname, namespace, queue]\n"
                      + "  group_wait: 1s\n"
                      + "  group_interval: 1s\n"
                      + "  repeat_interval: 4h\n"
                      + "receivers:\n"
                      + "  - name: slack\n"
                      + "    slack_configs:\n"
                      + "      - api_url_file: "
                      + alertmanagerDir.resolve("slack-webhook")
                      + "\n"
                      + "        channel: '#ml-platform'\n"
                      + "        send_resolved: true\n");
          var prometheus =
              PrometheusTools.prometheus(
                  prometheusDir,
                  "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                      + "rule_files: [sentinels.rules.yaml]\n"
                      + "alerting:\n"
                      + "  alertmanagers:\n"
                      + "    - static_configs: [{targets: ['"
                      + alertmanager.url.substring("http://".length())
                      + "']}]\n"
                      + "scrape_configs:\n"
                      + "  - job_name: sentinels-scheduler\n"
                      + "    static_configs: [{targets: ['127.0.0.1:"
                      + metricsPort
                      + "']}]\n")) {
        String running = local.submit("first", "1", LocalHome.untilExists(gate));
        local.awaitState(running, JobState.RUNNING);
        String waiting = local.submit("second", "1", "true");

        await(
            "Prometheus to see the queued job",
            Duration.ofSeconds(30),
            () -> prometheus.query("sentinels_queue_jobs{state=\"queued\"} == 1").size() == 1);
        // Every query of the chart's dashboard runs; those about what is there now show it.
        await(
            "the dashboard's panels about the queue and what is held to show data",
            Duration.ofSeconds(30),
            () -> {
              Map<String, List<String>> queries = dashboardQueries();
              for (List<String> exprs : queries.values()) {
                exprs.forEach(prometheus::query); // throws unless Prometheus answers success
              }
              return List.of(
                      "Jobs queued, by queue",
                      "Jobs running, by queue",
                      "CPU held, by queue and user",
                      "Longest wait now, by queue",
                      "Cluster capacity requested",
                      "Nodes",
                      "Admitting scheduler")
                  .stream()
                  .allMatch(title -> !prometheus.query(queries.get(title).get(0)).isEmpty());
            });
        assertEquals(
            1.0,
            prometheus
                .query(dashboardQueries().get("CPU held, by queue and user").get(0))
                .get(0)
                .path("value")
                .get(1)
                .asDouble(),
            "the running job's one CPU");
        await(
            "Slack to get the firing alert",
            Duration.ofSeconds(60),
            () -> requests(slack, "[FIRING:1] SentinelsJobsWaitingTooLong") == 1);

        Files.writeString(gate, ""); // the first job ends: the second is admitted
        local.awaitState(waiting, JobState.SUCCEEDED);
        await(
            "Slack to get the resolved alert",
            Duration.ofSeconds(60),
            () -> requests(slack, "[RESOLVED] SentinelsJobsWaitingTooLong") == 1);
        Sleeping.sleep(5000); // several evaluation and group intervals: nothing more comes
        assertEquals(1, requests(slack, "[FIRING:1] SentinelsJobsWaitingTooLong"));
        assertEquals(1, requests(slack, "[RESOLVED] SentinelsJobsWaitingTooLong"));
        assertEquals(2, slack.getAllServeEvents().size(), "no other alert fired");

        // Every rule ran without error against these metrics.
        for (JsonNode group : prometheus.get("/api/v1/rules").path("data").path("groups")) {
          for (JsonNode rule : group.path("rules")) {
            assertEquals("ok", rule.path("health").asString(), rule.toString());
          }
        }
        assertEquals(
            1.0,
            prometheus
                .query("sentinels_admissions_total{namespace=\"local\",queue=\"default\"}")
                .get(0)
                .path("value")
                .get(1)
                .asDouble());
        assertTrue(
            prometheus.query("sentinels_admission_wait_seconds_count").size() > 0,
            "the wait histogram is scraped");
      }

      // Prometheus' own lint of what the scheduler serves: names, units, help.
      PrometheusTools.Result lint = PrometheusTools.checkMetrics(scrape(metricsUrl));
      assertEquals(0, lint.exitCode(), lint.output());
      scheduler.destroy();
      scheduler.waitFor();
    } finally {
      slack.stop();
    }
  }

  /**
   * {@code local.metricsPort}: the runner a command starts serves {@code /metrics} on loopback; a
   * port already taken costs the metrics, with a warning in the runner's log, never the jobs.
   */
  @Test
  void theRunnerACommandStartsServesMetricsWhenAskedAndRunsJobsWithoutThem() throws Exception {
    int port = PrometheusTools.freePort();
    String config =
        "backend: local\n"
            + "local:\n"
            + "  capacity: {cpu: 2, memory: 8Gi, gpu: 0}\n"
            + "  idleTimeout: 5s\n"
            + "  engine: none\n"
            + "  metricsPort: "
            + port
            + "\n";
    try (LocalHome local = new LocalHome(dir.resolve("served"), config)) {
      Path gate = dir.resolve("served-gate");
      String id = local.submit("served", "1", LocalHome.untilExists(gate));
      local.awaitState(id, JobState.RUNNING);
      String url = "http://127.0.0.1:" + port + "/metrics";
      // Commands admit too; what only the runner reports is the job it watches running.
      await(
          "the running job in the runner's /metrics",
          Duration.ofSeconds(30),
          () -> {
            String text = scrape(url);
            return text != null
                && text.contains("sentinels_scheduler_lease_held{namespace=\"local\"} 1.0")
                && text.contains(
                    "sentinels_queue_jobs{namespace=\"local\",priority_class=\"normal\","
                        + "queue=\"default\",state=\"running\"} 1.0");
          });
      Files.writeString(gate, "");
      local.awaitState(id, JobState.SUCCEEDED);
    }
    try (java.net.ServerSocket taken = new java.net.ServerSocket(port);
        LocalHome local = new LocalHome(dir.resolve("taken"), config)) {
      String id = local.submit("taken", "1", "true");
      local.awaitState(id, JobState.SUCCEEDED);
      String log = Files.readString(local.home.runnerLog());
      assertTrue(log.contains("warning: no /metrics: --health-port: cannot listen on"), log);
    }
  }

  private static Map<String, List<String>> dashboardQueries() {
    try {
      return PrometheusTools.dashboardQueries();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int requests(WireMockServer slack, String text) {
    return slack
        .findAll(
            postRequestedFor(urlEqualTo("/services/T0/B0/x")).withRequestBody(containing(text)))
        .size();
  }

  private static String scrape(String url) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, Duration within, BooleanSupplier done) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Sleeping.sleep(250);
    }
  }
}
