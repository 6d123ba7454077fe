package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.LogSink.ShippedLine;
import dev.sentinels.api.plugin.LogSource;
import dev.sentinels.api.plugin.LogSource.LogLine;
import dev.sentinels.api.plugin.LogSource.LogQuery;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.cluster.HelmChartTest.Result;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.plugin.BuiltPlugins;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.plugin.PluginsConfigReader;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.elasticsearch.ElasticsearchServer;
import dev.sentinels.elasticsearch.ElasticsearchServerExtension;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The chart's log shipper (an OpenTelemetry Collector DaemonSet of the {@code otelcol} image) on
 * the real node, writing to a real Elasticsearch: a job prints 10,000 numbered lines; once they are
 * all in Elasticsearch and the job's pods are deleted, the elasticsearch plugin, configured from
 * the {@code sentinel-config} the chart wrote, reads back exactly what {@code sentinel logs} showed
 * from the pod, in order, and its last 100. A restarted shipper sends nothing twice and carries on.
 *
 * <p>Elasticsearch has security on (TLS with a CA of its own, a user and password): the shipper
 * takes the password and the CA from Secrets, the plugin its password from the Secret the chart's
 * entry names. It listens on this host's loopback; pods reach the host at its address on the real
 * node's bridge, so the test relays that address's port to Elasticsearch.
 */
@ExtendWith(TestClusterExtension.class)
class HelmLogShippingIT {

  private static final int LINES = 10_000;

  @Test
  void everyLineOfAJobIsInElasticsearchAfterItsPodsAreGone(TestCluster cluster) throws Exception {
    String node = cluster.realNode();
    String train = cluster.image("train");
    String otelcol = cluster.image("otelcol");
    ClusterFixture fixture = new ClusterFixture(cluster, "eslogs");
    String namespace = fixture.namespace;
    String release = "logs";
    String host = hostForPods(cluster);
    Path values = Files.createTempFile("helm-logs", ".yaml");
    List<Relay> relays = new ArrayList<>();
    // Security on: TLS with a CA of its own, user sentinel with a password. The shipper gets the
    // password and the CA from Secrets of the release namespace.
    try (ElasticsearchServerExtension.Handle secure = ElasticsearchServerExtension.startSecure();
        Engine engine = fixture.engine()) {
      ElasticsearchServer server = secure.server;
      URI local = URI.create(server.url());
      Es es = new Es(server);
      Relay relay = new Relay(host, local.getHost(), local.getPort());
      relays.add(relay);
      String url = "https://" + host + ":" + relay.port();
      cluster
          .admin()
          .secrets()
          .inNamespace(namespace)
          .resource(
              new io.fabric8.kubernetes.api.model.SecretBuilder()
                  .withNewMetadata()
                  .withName("es-credentials")
                  .endMetadata()
                  .addToStringData("password", es.password)
                  .build())
          .create();
      cluster
          .admin()
          .secrets()
          .inNamespace(namespace)
          .resource(
              new io.fabric8.kubernetes.api.model.SecretBuilder()
                  .withNewMetadata()
                  .withName("es-ca")
                  .endMetadata()
                  .addToStringData("ca.crt", Files.readString(server.dir().resolve("ca.crt")))
                  .build())
          .create();
      String podLogsDir = podLogsDir(cluster, node);
      Files.writeString(
          values,
          """
          scheduler: {enabled: false}
          rbac: {userRoles: false}
          logs:
            elasticsearch:
              url: "%s"
              username: sentinel
              passwordSecretRef: {name: es-credentials, key: password}
              caSecretRef: {name: es-ca, key: ca.crt}
              tlsServerName: localhost   # its certificate names localhost and 127.0.0.1
            shipper:
              enabled: true
              image: {repository: %s, digest: "%s"}
              podLogsDir: %s
              checkpointDir: /var/lib/sentinels-otelcol-%s
              nodeSelector: {%s: real}
              tolerations: [{key: %s, operator: Exists, effect: NoSchedule}]
              resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {memory: 256Mi}}
          image: {pullPolicy: Never}
          """
              .formatted(
                  url,
                  otelcol.substring(0, otelcol.indexOf('@')),
                  otelcol.substring(otelcol.indexOf('@') + 1),
                  podLogsDir,
                  namespace,
                  TestCluster.NODE_KIND_LABEL,
                  TestCluster.REAL_NODE_TAINT));
      Result install = HelmChartTest.install(cluster, release, namespace, values, "3m");
      assertEquals(0, install.exit(), install::all);
      assertEquals(node, shipperPod(cluster, namespace).getSpec().getNodeName());

      // The plugin as the CLI gets it: the elasticsearch entry the chart wrote in sentinel-config,
      // its password read from the Secret it names. Only its address differs: the server's
      // certificate names loopback, so this host reads there, with the CA file a reader gives.
      String written =
          cluster
              .admin()
              .configMaps()
              .inNamespace(namespace)
              .withName("sentinel-config")
              .get()
              .getData()
              .get("plugins.yaml");
      assertTrue(
          written.contains("    url: " + url + "\n")
              && written.contains("    username: sentinel\n")
              && written.contains("name: es-credentials"),
          written);
      String plugins =
          written.replace(
              "    url: " + url + "\n",
              "    url: "
                  + server.url()
                  + "\n    caFile: "
                  + server.dir().resolve("ca.crt")
                  + "\n");
      try (PluginHost host0 =
          PluginHost.load(
              BuiltPlugins.all(),
              PluginsConfigReader.readDocument(plugins, "sentinel-config"),
              (name, key) ->
                  Optional.ofNullable(
                          cluster.admin().secrets().inNamespace(namespace).withName(name).get())
                      .map(secret -> secret.getData().get(key))
                      .map(b64 -> new String(java.util.Base64.getDecoder().decode(b64))))) {
        var active = host0.logSource().orElseThrow(() -> new AssertionError(plugins));
        assertNull(
            host0.statuses().stream()
                .filter(s -> s.id().equals("elasticsearch"))
                .findFirst()
                .orElseThrow()
                .error());
        // Sentinels' index template (@timestamp in nanoseconds, the retention) is installed by
        // the plugin as it first ships a line: a line of another namespace does it here.
        host0
            .logSink()
            .orElseThrow()
            .extension()
            .write(
                List.of(
                    new ShippedLine(
                        "probe", "probe", "probe", "probe", "test", 1, 0, Instant.now(), "probe")));
        assertEquals(200, es.get("/_index_template/logs-sentinels").statusCode());

        List<String> expected =
            IntStream.range(0, LINES)
                .mapToObj(i -> "line %05d %s".formatted(i, "x".repeat(40)))
                .toList();
        String id =
            submit(
                fixture,
                "numbered",
                // A pause halfway, so a --since between the halves picks the second half.
                ("import sys, time; [(print(f\"line {i:05d} \" + \"x\"*40),"
                        + " i == %d and (sys.stdout.flush(), time.sleep(2.5))) for i in range(%d)]")
                    .formatted(LINES / 2 - 1, LINES),
                train);
        JobRecord done =
            ClusterFixture.awaitJob(
                engine, id, r -> r.state().isTerminal(), Duration.ofSeconds(120));
        assertEquals(JobState.SUCCEEDED, done.state(), done::toString);
        CliRun logs = fixture.cli("logs", id);
        assertEquals(ExitCodes.OK, logs.exitCode(), logs.err());
        List<String> fromPod = logs.out().lines().toList();
        assertEquals(expected, fromPod, "sentinel logs from the pod");

        awaitCount(es, id, LINES);
        // --since the whole second after the first half's last line: the second half, from the pod
        String since = sinceSecondHalf(es, namespace, id);
        CliRun sinceLogs = fixture.cli("logs", id, "--since", since);
        assertEquals(ExitCodes.OK, sinceLogs.exitCode(), sinceLogs.err());
        assertEquals(
            fromPod.subList(LINES / 2, LINES),
            sinceLogs.out().lines().toList(),
            "--since " + since);
        JsonNode doc = first(es, namespace, id);
        assertTrue(
            doc.at("/_index").asString().startsWith(".ds-logs-sentinels-" + namespace + "-"),
            doc::toString);
        JsonNode source = doc.path("_source");
        assertEquals(
            "line 00000 " + "x".repeat(40), source.path("message").asString(), doc::toString);
        assertEquals(id, field(source, "sentinels.job_id"), doc::toString);
        assertEquals("numbered", field(source, "sentinels.project"), doc::toString);
        assertEquals(namespace, field(source, "data_stream.namespace"), doc::toString);
        assertEquals("sentinels", field(source, "data_stream.dataset"), doc::toString);
        assertEquals("0", field(source, "log.offset"), doc::toString);

        // A restarted shipper resumes from its checkpoint: nothing sent twice, new lines sent.
        Pod old = shipperPod(cluster, namespace);
        cluster.admin().pods().resource(old).delete();
        ClusterFixture.await(
            "a new shipper pod to be ready",
            Duration.ofSeconds(90),
            () -> {
              Pod now = shipperPodOrNull(cluster, namespace);
              return now != null
                  && !now.getMetadata().getUid().equals(old.getMetadata().getUid())
                  && now.getStatus().getConditions().stream()
                      .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            });
        // A pod that is not a Sentinels job (no sentinels.dev/job-id), though named like one, is
        // not shipped; a line longer than the runtime's 16 KiB records is written in parts (P) and
        // shipped whole.
        cluster
            .admin()
            .pods()
            .inNamespace(namespace)
            .resource(
                new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata()
                    .withName("sentinel-imposter")
                    .endMetadata()
                    .withSpec(
                        TestCluster.onRealNode(
                            new io.fabric8.kubernetes.api.model.PodSpecBuilder()
                                .withRestartPolicy("Never")
                                .addNewContainer()
                                .withName("main")
                                .withImage(train)
                                .withImagePullPolicy("Never")
                                .withCommand("python3", "-c", "print('imposter')")
                                .endContainer()
                                .build()))
                    .build())
            .create();
        ClusterFixture.await(
            "the imposter pod to end",
            Duration.ofSeconds(60),
            () ->
                "Succeeded"
                    .equals(
                        cluster
                            .admin()
                            .pods()
                            .inNamespace(namespace)
                            .withName("sentinel-imposter")
                            .get()
                            .getStatus()
                            .getPhase()));
        // Its file is older than the next job's: once those lines are in, the shipper read it.
        String after =
            submit(
                fixture,
                "after",
                "[print(f\"after {i}\") for i in range(100)]; print(\"y\" * 40000)",
                train);
        JobRecord afterDone =
            ClusterFixture.awaitJob(
                engine, after, r -> r.state().isTerminal(), Duration.ofSeconds(120));
        assertEquals(JobState.SUCCEEDED, afterDone.state(), afterDone::toString);
        List<String> afterLines = new ArrayList<>();
        IntStream.range(0, 100).forEach(i -> afterLines.add("after " + i));
        afterLines.add("y".repeat(40_000));
        CliRun afterLogs = fixture.cli("logs", after);
        assertEquals(afterLines, afterLogs.out().lines().toList(), "sentinel logs from the pod");
        awaitCount(es, after, 101);
        assertEquals(afterLines, read(active.extension(), afterDone, namespace, null));
        assertEquals(
            0,
            countWhere(es, "kubernetes.pod.name", "sentinel-imposter"),
            "lines of a pod without the job label");
        assertEquals(LINES, count(es, id), "the first job's lines after the shipper's restart");

        // The job's pods gone, its lines come from Elasticsearch, through the plugin.
        cluster.admin().pods().inNamespace(namespace).withLabel(Labels.JOB_ID, id).delete();
        ClusterFixture.await(
            "the job's pods to be gone",
            Duration.ofSeconds(60),
            () ->
                cluster
                    .admin()
                    .pods()
                    .inNamespace(namespace)
                    .withLabel(Labels.JOB_ID, id)
                    .list()
                    .getItems()
                    .isEmpty());
        LogSource source0 = active.extension();
        assertEquals(fromPod, read(source0, done, namespace, null), "all lines");
        assertEquals(
            fromPod.subList(LINES - 100, LINES), read(source0, done, namespace, 100), "tail 100");
        List<String> sinceFromEs = new ArrayList<>();
        source0.read(
            done,
            new LogQuery(namespace, Instant.parse(since), null, false, () -> true),
            (LogLine l) -> sinceFromEs.add(l.text()));
        assertEquals(sinceLogs.out().lines().toList(), sinceFromEs, "--since " + since);
      }

      Result uninstall =
          HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace, "--wait");
      assertEquals(0, uninstall.exit(), uninstall::all);
    } finally {
      for (Relay relay : relays) {
        relay.close();
      }
      HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace);
      fixture.deleteNamespace();
      Files.deleteIfExists(values);
    }
  }

  /** The kubelet's podLogsDir: the test cluster's real node keeps pod logs in its directory. */
  static String podLogsDir(TestCluster cluster, String node) throws Exception {
    JsonNode kubelet =
        RecordCodec.mapper()
            .readTree(cluster.admin().raw("/api/v1/nodes/" + node + "/proxy/configz"));
    String dir = kubelet.at("/kubeletconfig/podLogsDir").asString();
    assertTrue(dir.startsWith("/"), kubelet::toString);
    return dir;
  }

  /** Submits a job running {@code program} (Python) in {@code image} on the real node; its id. */
  /** This host's address as pods on the real node reach it: its end of the node's bridge. */
  static String hostForPods(TestCluster cluster) {
    String address =
        cluster
            .admin()
            .nodes()
            .withName(cluster.realNode())
            .get()
            .getStatus()
            .getAddresses()
            .stream()
            .filter(a -> "InternalIP".equals(a.getType()))
            .findFirst()
            .orElseThrow()
            .getAddress();
    return address.substring(0, address.lastIndexOf('.')) + ".1";
  }

  static String submit(ClusterFixture fixture, String name, String program, String image)
      throws IOException {
    Path spec = Files.createTempFile("spec-" + name, ".yaml");
    try {
      Files.writeString(
          spec,
          "name: "
              + name
              + "\nimage: "
              + image
              + "\ncommand: [python3, -c, '"
              + program
              + "']\nresources: {cpu: 200m, memory: 128Mi}\n"
              + RealNodeJobsTest.ON_REAL_NODE);
      CliRun submit = fixture.cli("submit", "-f", spec.toString(), "-o", "name");
      assertEquals(ExitCodes.OK, submit.exitCode(), submit.err());
      return submit.out().trim().replaceFirst("^job/", "");
    } finally {
      Files.delete(spec);
    }
  }

  private static List<String> read(LogSource source, JobRecord job, String namespace, Integer tail)
      throws Exception {
    List<String> got = new ArrayList<>();
    source.read(
        job,
        new LogQuery(namespace, null, tail, false, () -> true),
        (LogLine l) -> got.add(l.text()));
    return got;
  }

  private static Pod shipperPodOrNull(TestCluster cluster, String namespace) {
    return HelmChartTest.componentPod(cluster, namespace, "log-shipper");
  }

  private static Pod shipperPod(TestCluster cluster, String namespace) {
    Pod pod = shipperPodOrNull(cluster, namespace);
    assertTrue(pod != null, "no shipper pod");
    return pod;
  }

  /** A field of a document, nested or dotted, as text. */
  private static String field(JsonNode source, String dotted) {
    JsonNode flat = source.get(dotted);
    if (flat != null) {
      return flat.asString();
    }
    JsonNode node = source;
    for (String part : dotted.split("\\.")) {
      node = node.path(part);
    }
    return node.isMissingNode() ? null : node.asString();
  }

  private static void awaitCount(Es es, String jobId, long want) {
    long[] got = {-1};
    try {
      ClusterFixture.await(
          want + " documents of " + jobId,
          Duration.ofSeconds(90),
          () -> {
            got[0] = count(es, jobId);
            return got[0] >= want;
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (last count " + got[0] + ")", e);
    }
    assertEquals(want, count(es, jobId), "documents of " + jobId);
  }

  private static long count(Es es, String jobId) {
    return countWhere(es, "sentinels.job_id", jobId);
  }

  /** Documents of every index (shipped anywhere) whose {@code field} is {@code value}. */
  private static long countWhere(Es es, String field, String value) {
    try {
      es.post("/_refresh", "");
      HttpResponse<String> response =
          es.post("/_count", "{\"query\":{\"term\":{\"" + field + "\":\"" + value + "\"}}}");
      return RecordCodec.mapper().readTree(response.body()).path("count").asLong(-1);
    } catch (Exception e) {
      return -1;
    }
  }

  /** The whole second after the last line before the job's pause, as an RFC 3339 time. */
  private static String sinceSecondHalf(Es es, String namespace, String jobId) throws Exception {
    JsonNode at =
        firstHit(
                es,
                namespace,
                "{\"size\":1,\"query\":{\"bool\":{\"filter\":[{\"term\":{\"sentinels.job_id\":\""
                    + jobId
                    + "\"}},{\"match_phrase\":{\"message\":\"line %05d\"}}]}}}"
                        .formatted(LINES / 2 - 1))
            .at("/_source/@timestamp");
    Instant written =
        at.isNumber() ? Instant.ofEpochMilli(at.asLong()) : Instant.parse(at.asString());
    return written.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).toString();
  }

  private static JsonNode first(Es es, String namespace, String jobId) throws Exception {
    return firstHit(
        es,
        namespace,
        "{\"size\":1,\"query\":{\"term\":{\"sentinels.job_id\":\""
            + jobId
            + "\"}},\"sort\":[{\"log.offset\":\"asc\"}]}");
  }

  private static JsonNode firstHit(Es es, String namespace, String search) throws Exception {
    HttpResponse<String> response = es.post("/logs-sentinels-" + namespace + "/_search", search);
    assertEquals(200, response.statusCode(), response.body());
    return RecordCodec.mapper().readTree(response.body()).at("/hits/hits/0");
  }

  /** Elasticsearch as an admin reads it here: over TLS with its CA, as user sentinel. */
  private static final class Es {
    final String base;
    final String password;
    private final HttpClient http;
    private final String authorization;

    Es(ElasticsearchServer server) throws Exception {
      base = server.url();
      password = Files.readString(server.dir().resolve("password")).trim();
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      try (InputStream pem = Files.newInputStream(server.dir().resolve("ca.crt"))) {
        trust.setCertificateEntry(
            "ca",
            java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem));
      }
      javax.net.ssl.TrustManagerFactory trustManagers =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, trustManagers.getTrustManagers(), null);
      http = HttpClient.newBuilder().sslContext(tls).build();
      authorization =
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(("sentinel:" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Authorization", authorization)
              .timeout(Duration.ofSeconds(20))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Authorization", authorization)
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(20))
              .POST(HttpRequest.BodyPublishers.ofString(json))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /**
   * Forwards connections to {@code bindHost}:(a free port) to {@code targetHost}:{@code
   * targetPort}, byte for byte, until closed.
   */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    Relay(String bindHost, String targetHost, int targetPort) throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0));
      daemon(
          () -> {
            while (!server.isClosed()) {
              try {
                Socket in = server.accept();
                Socket out = new Socket(targetHost, targetPort);
                sockets.add(in);
                sockets.add(out);
                pump(in, out);
                pump(out, in);
              } catch (IOException e) {
                // closed, or Elasticsearch refused: the client sees its connection end
              }
            }
          });
    }

    private static void daemon(Runnable body) {
      Thread thread = new Thread(body, "es-relay");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void pump(Socket from, Socket to) {
      daemon(
          () -> {
            try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException e) {
              // one side ended
            } finally {
              try {
                from.close();
                to.close();
              } catch (IOException e) {
                // closing
              }
            }
          });
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
