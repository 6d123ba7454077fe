package dev.sentinels.cli.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.cluster.HelmChartTest.Result;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The DevOps path of one chart on the real node: the scheduler, the chart's Prometheus (stand-in
 * image of Debian's build) scraping it through the headless metrics Service's DNS and evaluating
 * the chart's rules, and the chart's Alertmanager (stand-in image) sending to Slack, its webhook a
 * mounted Secret. Slack is WireMock on this host's bridge address, the only part not real. A job no
 * node can hold waits past the (lowered) threshold: Slack gets one FIRING; cancelling it gets one
 * RESOLVED.
 */
@ExtendWith(TestClusterExtension.class)
class HelmAlertingIT {

  private static final String HOOK = "/services/T0/B0/alerts";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aJobWaitingTooLongReachesSlackOnceAndResolvesOnce(TestCluster cluster) throws Exception {
    String node = cluster.realNode();
    String sentinel = cluster.image("sentinel");
    String prometheus = cluster.image("prometheus");
    String alertmanager = cluster.image("alertmanager");
    ClusterFixture fixture = new ClusterFixture(cluster, "alerting");
    String namespace = fixture.namespace;
    String release = "alerts";
    String bridge = HelmLogShippingIT.hostForPods(cluster); // pods reach this host there
    WireMockServer slack = new WireMockServer(wireMockConfig().bindAddress(bridge).dynamicPort());
    slack.start();
    slack.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withBody("ok")));
    Path values = Files.createTempFile("helm-alerting", ".yaml");
    try {
      cluster
          .admin()
          .secrets()
          .inNamespace(namespace)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("sentinel-notify")
                  .endMetadata()
                  .addToStringData("slack", "http://" + bridge + ":" + slack.port() + HOOK)
                  .build())
          .create();
      Files.writeString(
          values,
          """
          image: {repository: %3$s, digest: "%4$s", pullPolicy: Never}
          scheduler:
            replicas: 1
            nodeSelector: {%1$s: real}
            tolerations: [{key: %2$s, operator: Exists, effect: NoSchedule}]
            resources: {requests: {cpu: 50m, memory: 192Mi}, limits: {memory: 384Mi}}
          rbac: {userRoles: false}
          observability:
            nodeSelector: {%1$s: real}
            tolerations: [{key: %2$s, operator: Exists, effect: NoSchedule}]
          alerts:
            queueWait: {seconds: 5, for: 4s}
          prometheus:
            enabled: true
            image: {repository: %5$s, digest: "%6$s"}
            scrapeInterval: 2s
            evaluationInterval: 2s
            resources: {requests: {cpu: 50m, memory: 128Mi}, limits: {memory: 512Mi}}
          alertmanager:
            enabled: true
            image: {repository: %7$s, digest: "%8$s"}
            slack:
              webhookSecretRef: {name: sentinel-notify, key: slack}
              channel: "#ml-platform"
            groupWait: 1s
            groupInterval: 1s
          """
              .formatted(
                  TestCluster.NODE_KIND_LABEL,
                  TestCluster.REAL_NODE_TAINT,
                  repository(sentinel),
                  digest(sentinel),
                  repository(prometheus),
                  digest(prometheus),
                  repository(alertmanager),
                  digest(alertmanager)));
      Result install = HelmChartTest.install(cluster, release, namespace, values, "5m");
      assertEquals(0, install.exit(), install::all);
      Pod server = HelmChartTest.componentPod(cluster, namespace, "prometheus");
      assertEquals(node, server.getSpec().getNodeName(), "Prometheus on the observability node");
      // The real node has a network namespace of its own: this host reads through a forward.
      try (var forward =
          cluster
              .admin()
              .pods()
              .inNamespace(namespace)
              .withName(server.getMetadata().getName())
              .portForward(9090)) {
        String api = "http://127.0.0.1:" + forward.getLocalPort();
        HttpClient http = HttpClient.newHttpClient();
        ClusterFixture.await(
            "Prometheus to scrape the scheduler found by the metrics Service's DNS",
            Duration.ofSeconds(120),
            () ->
                query(http, api, "sentinels_scheduler_lease_held{namespace=\"" + namespace + "\"}")
                        .size()
                    == 1);

        CliRun submit =
            fixture.cli(
                "submit",
                "--name",
                "huge",
                "--image",
                repository(sentinel),
                "--gpus",
                "64",
                "-o",
                "name",
                "--",
                "true");
        assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
        String id = submit.out().trim().replaceFirst("^job/", "");
        ClusterFixture.await(
            "Slack to get the firing alert",
            Duration.ofSeconds(120),
            () -> requests(slack, "[FIRING:1] SentinelsJobsWaitingTooLong") == 1);

        CliRun cancel = fixture.cli("cancel", id);
        assertEquals(ExitCodes.OK, cancel.exitCode(), cancel.err());
        ClusterFixture.await(
            "Slack to get the resolved alert",
            Duration.ofSeconds(120),
            () -> requests(slack, "[RESOLVED] SentinelsJobsWaitingTooLong") == 1);
        ClusterFixture.sleep(6000); // several evaluation and group intervals: nothing more comes
        assertEquals(1, requests(slack, "[FIRING:1] SentinelsJobsWaitingTooLong"));
        assertEquals(1, requests(slack, "[RESOLVED] SentinelsJobsWaitingTooLong"));
        assertEquals(
            2, requests(slack, "\"channel\":\"#ml-platform\""), "both to the configured channel");
        assertEquals(2, slack.getAllServeEvents().size(), "no other alert fired");

        JsonNode rules = get(http, api + "/api/v1/rules").path("data").path("groups");
        for (JsonNode group : rules) {
          for (JsonNode rule : group.path("rules")) {
            assertEquals("ok", rule.path("health").asString(), rule.toString());
          }
        }
      }
      Result uninstall =
          HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace, "--wait");
      assertEquals(0, uninstall.exit(), uninstall::all);
    } finally {
      slack.stop();
      HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace);
      fixture.deleteNamespace();
      Files.deleteIfExists(values);
    }
  }

  private static String repository(String reference) {
    return reference.substring(0, reference.indexOf('@'));
  }

  private static String digest(String reference) {
    return reference.substring(reference.indexOf('@') + 1);
  }

  private static int requests(WireMockServer slack, String text) {
    return slack
        .findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing(text)))
        .size();
  }

  private static JsonNode query(HttpClient http, String api, String promql) {
    JsonNode answer =
        get(http, api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    return answer.path("data").path("result");
  }

  private static JsonNode get(HttpClient http, String url) {
    try {
      return JSON.readTree(
          http.send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    } catch (Exception e) {
      return JSON.createObjectNode(); // not answering yet
    }
  }
}
