package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.cluster.HelmChartTest.Result;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.plugin.BuiltPlugins;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's own Elasticsearch ({@code elasticsearch.enabled}, the {@code elasticsearch} image:
 * Elastic's distribution laid out as Elastic's image is) on the observability node, which here is
 * the real node, fed by the chart's shipper: {@code logs.elasticsearch.url} defaults to its
 * Service, for the shipper and in {@code sentinel-config}. A job's lines come back through {@code
 * sentinel logs} once its pods are gone, and {@code --search} finds one. With Elasticsearch
 * stopped, a live job's logs still come from the cluster, and a finished one's is one line with the
 * exit code for an unreachable server.
 *
 * <p>This host reaches Elasticsearch through a port-forward to its pod, not by the Service's name,
 * so the test rewrites the name to the forward's address in {@code sentinel-config}'s entry.
 */
@ExtendWith(TestClusterExtension.class)
class HelmElasticsearchIT {

  private static final int LINES = 2_000;

  @Test
  void theChartsElasticsearchKeepsAJobsLinesAndItsAbsenceIsOneLine(TestCluster cluster)
      throws Exception {
    String node = cluster.realNode();
    String train = cluster.image("train");
    String otelcol = cluster.image("otelcol");
    String elasticsearch = cluster.image("elasticsearch");
    String sentinel = cluster.image("sentinel");
    ClusterFixture fixture = new ClusterFixture(cluster, "chartes");
    String namespace = fixture.namespace;
    String release = "es";
    String service = release + "-sentinels-elasticsearch";
    Path values = Files.createTempFile("helm-es", ".yaml");
    Files.writeString(
        values,
        """
        image: {repository: %9$s, digest: "%10$s", pullPolicy: Never}
        # The scheduler installs Sentinels' index template once Elasticsearch answers.
        scheduler:
          replicas: 1
          nodeSelector: {%1$s: real}
          tolerations: [{key: %2$s, operator: Exists, effect: NoSchedule}]
          resources: {requests: {cpu: 50m, memory: 192Mi}, limits: {memory: 384Mi}}
        rbac: {userRoles: false}
        observability:
          nodeSelector: {%1$s: real}
          tolerations: [{key: %2$s, operator: Exists, effect: NoSchedule}]
        elasticsearch:
          enabled: true
          image: {repository: %3$s, digest: "%4$s"}
          heap: 512m
          persistence: {enabled: false}
          # The test host's disk is shared and busy: never go read-only for want of space.
          settings: {cluster.routing.allocation.disk.threshold_enabled: false}
          resources: {requests: {cpu: 100m, memory: 1Gi}, limits: {memory: 1536Mi}}
        logs:
          shipper:
            enabled: true
            image: {repository: %5$s, digest: "%6$s"}
            podLogsDir: %7$s
            checkpointDir: /var/lib/sentinels-otelcol-%8$s
            nodeSelector: {%1$s: real}
            tolerations: [{key: %2$s, operator: Exists, effect: NoSchedule}]
            resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {memory: 256Mi}}
        """
            .formatted(
                TestCluster.NODE_KIND_LABEL,
                TestCluster.REAL_NODE_TAINT,
                elasticsearch.substring(0, elasticsearch.indexOf('@')),
                elasticsearch.substring(elasticsearch.indexOf('@') + 1),
                otelcol.substring(0, otelcol.indexOf('@')),
                otelcol.substring(otelcol.indexOf('@') + 1),
                HelmLogShippingIT.podLogsDir(cluster, node),
                namespace,
                sentinel.substring(0, sentinel.indexOf('@')),
                sentinel.substring(sentinel.indexOf('@') + 1)));
    // The commands run in this JVM load the bundled plugins, as the installed CLI does.
    System.setProperty(PluginHost.PLUGINS_DIR_PROPERTY, BuiltPlugins.shipped().toString());
    try (Engine engine = fixture.engine()) {
      Result install = HelmChartTest.install(cluster, release, namespace, values, "5m");
      assertEquals(0, install.exit(), install::all);
      Pod server = serverPod(cluster, namespace);
      assertEquals(node, server.getSpec().getNodeName(), "Elasticsearch on the observability node");

      // The plugin's entry names the Service; this host reads through a port-forward to the pod
      // (the real node has a network namespace of its own: Service IPs route there, not here).
      String byName = "http://" + service + "." + namespace + ".svc:9200";
      var forward =
          cluster
              .admin()
              .pods()
              .inNamespace(namespace)
              .withName(server.getMetadata().getName())
              .portForward(9200);
      String direct = "http://127.0.0.1:" + forward.getLocalPort();
      // Before the entry is rewritten: the scheduler reads it too, and 127.0.0.1 is its own pod.
      HttpClient http = HttpClient.newHttpClient();
      ClusterFixture.await(
          "the scheduler to install Sentinels' index template",
          Duration.ofSeconds(120),
          () -> status(http, direct + "/_index_template/logs-sentinels") == 200);

      ConfigMap config =
          cluster.admin().configMaps().inNamespace(namespace).withName("sentinel-config").get();
      String plugins = config.getData().get("plugins.yaml");
      assertTrue(plugins.contains("url: " + byName + "\n"), plugins);
      config.getData().put("plugins.yaml", plugins.replace(byName, direct));
      cluster.admin().configMaps().resource(config).update();

      List<String> expected =
          IntStream.range(0, LINES).mapToObj(i -> "line %05d".formatted(i)).toList();
      String id =
          HelmLogShippingIT.submit(
              fixture,
              "numbered",
              "[print(f\"line {i:05d}\") for i in range(%d)]".formatted(LINES),
              train);
      JobRecord done =
          ClusterFixture.awaitJob(engine, id, r -> r.state().isTerminal(), Duration.ofSeconds(120));
      assertEquals(JobState.SUCCEEDED, done.state(), done::toString);
      CliRun fromPod = fixture.cli("logs", id);
      assertEquals(expected, fromPod.out().lines().toList(), fromPod.err());
      awaitCount(direct, namespace, id, LINES);

      cluster.admin().pods().inNamespace(namespace).withLabel(Labels.JOB_ID, id).delete();
      ClusterFixture.await(
          "the job's pods to be gone",
          Duration.ofSeconds(60),
          () -> jobPods(cluster, namespace, id).isEmpty());
      CliRun fromEs = fixture.cli("logs", id);
      assertEquals(ExitCodes.OK, fromEs.exitCode(), fromEs.err());
      assertEquals(expected, fromEs.out().lines().toList(), "sentinel logs from Elasticsearch");
      CliRun tail = fixture.cli("logs", id, "--tail", "5");
      assertEquals(expected.subList(LINES - 5, LINES), tail.out().lines().toList(), tail.err());
      CliRun search = fixture.cli("logs", "--search", "line 01234");
      assertEquals(ExitCodes.OK, search.exitCode(), search.err());
      assertTrue(
          search.out().lines().anyMatch(l -> l.contains(id) && l.contains("line 01234")),
          search::out);

      // Elasticsearch stopped: a live job's logs still come from its pod; a finished job whose
      // pods are gone gets one line, and the exit code for an unreachable server.
      String live =
          HelmLogShippingIT.submit(
              fixture,
              "live",
              "import sys, time; print(\"alive\"); sys.stdout.flush(); time.sleep(300)",
              train);
      ClusterFixture.await(
          "the live job to print",
          Duration.ofSeconds(120),
          () -> fixture.cli("logs", live).out().contains("alive"));
      cluster.admin().apps().statefulSets().inNamespace(namespace).withName(service).scale(0);
      ClusterFixture.await(
          "Elasticsearch's pod to be gone",
          Duration.ofSeconds(180),
          () -> serverPodOrNull(cluster, namespace) == null);
      forward.close(); // its port refuses now, as the Service does
      CliRun liveLogs = fixture.cli("logs", live);
      assertEquals(ExitCodes.OK, liveLogs.exitCode(), liveLogs.err());
      assertEquals(List.of("alive"), liveLogs.out().lines().toList());
      CliRun gone = fixture.cli("logs", id);
      assertEquals(ExitCodes.UNREACHABLE, gone.exitCode(), gone::err);
      assertEquals("", gone.out());
      assertEquals(1, gone.err().lines().count(), gone::err);
      assertTrue(gone.err().startsWith("error: elasticsearch did not answer"), gone::err);
      CliRun cancel = fixture.cli("cancel", live);
      assertEquals(ExitCodes.OK, cancel.exitCode(), cancel.err());

      Result uninstall =
          HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace, "--wait");
      assertEquals(0, uninstall.exit(), uninstall::all);
    } finally {
      System.clearProperty(PluginHost.PLUGINS_DIR_PROPERTY);
      HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace);
      fixture.deleteNamespace();
      Files.deleteIfExists(values);
    }
  }

  private static List<Pod> jobPods(TestCluster cluster, String namespace, String id) {
    return cluster
        .admin()
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.JOB_ID, id)
        .list()
        .getItems();
  }

  private static Pod serverPodOrNull(TestCluster cluster, String namespace) {
    return HelmChartTest.componentPod(cluster, namespace, "elasticsearch");
  }

  private static Pod serverPod(TestCluster cluster, String namespace) {
    Pod pod = serverPodOrNull(cluster, namespace);
    assertTrue(pod != null, "no Elasticsearch pod");
    return pod;
  }

  private static int status(HttpClient http, String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void awaitCount(String url, String namespace, String id, long want) {
    HttpClient http = HttpClient.newHttpClient();
    long[] got = {-1};
    try {
      ClusterFixture.await(
          want + " documents of " + id,
          Duration.ofSeconds(120),
          () -> {
            got[0] = count(http, url, namespace, id);
            return got[0] >= want;
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (last count " + got[0] + ")", e);
    }
    assertEquals(want, count(http, url, namespace, id), "documents of " + id);
  }

  private static long count(HttpClient http, String url, String namespace, String id) {
    try {
      String index = "/logs-sentinels-" + namespace;
      http.send(
          HttpRequest.newBuilder(URI.create(url + index + "/_refresh"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url + index + "/_count"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"query\":{\"term\":{\"sentinels.job_id\":\"" + id + "\"}}}"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return RecordCodec.mapper().readTree(response.body()).path("count").asLong(-1);
    } catch (Exception e) {
      return -1;
    }
  }
}
