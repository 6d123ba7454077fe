package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.plugin.BuiltPlugins;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.support.Sleeping;
import dev.sentinels.elasticsearch.ElasticsearchServer;
import dev.sentinels.elasticsearch.ElasticsearchServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Local jobs' output in a real Elasticsearch: the runner ships it (exactly once, also across a
 * SIGKILL of the runner mid-shipping), and {@code sentinel logs} reads it back from there with the
 * same lines once the local output is gone.
 */
@ExtendWith(ElasticsearchServerExtension.class)
class LocalLogsTest {

  private static final int LINES = 300_000;

  @TempDir Path dir;

  @BeforeAll
  static void builtPlugins() {
    System.setProperty(PluginHost.PLUGINS_DIR_PROPERTY, BuiltPlugins.shipped().toString());
  }

  @AfterAll
  static void noPlugins() {
    System.clearProperty(PluginHost.PLUGINS_DIR_PROPERTY);
  }

  private static String home(String esUrl) {
    return "backend: local\n"
        + "local:\n"
        + "  capacity: {cpu: 2, memory: 64Gi, gpu: 0}\n"
        + "  idleTimeout: 5s\n"
        + "  engine: none\n"
        + "plugins:\n"
        + "  elasticsearch:\n"
        + "    url: "
        + esUrl
        + "\n"
        + "    kibanaUrl: http://kibana.example:5601\n";
  }

  @Test
  void shippedExactlyOnceThoughTheRunnerIsKilledMidShippingAndReadBackTheSame(
      ElasticsearchServer es) throws Exception {
    try (LocalHome local = new LocalHome(dir.resolve("home"), home(es.url()))) {
      Process runner = local.start("scheduler");
      awaitRunner(local);
      String id =
          local.submit(
              "numbered",
              "python3 -c 'for i in range(" + LINES + "): print(f\"line {i:06d} \" + \"x\" * 40)'");
      Path jobDir = local.home.jobDir(id);
      Path checkpoint = jobDir.resolve(OutputShipper.CHECKPOINT);
      // SIGKILL once some but not all is shipped: the next runner re-sends from the checkpoint.
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (shipped(checkpoint) == 0 && System.nanoTime() < deadline) {
        Sleeping.sleep(20);
      }
      long atKill = shipped(checkpoint);
      runner.destroyForcibly();
      runner.waitFor();
      long size = Files.size(jobDir.resolve("output.log"));
      assertTrue(atKill > 0, "nothing was shipped before the kill");

      runner = local.start("scheduler");
      local.awaitState(id, JobState.SUCCEEDED);
      long total = Files.size(jobDir.resolve("output.log"));
      assertTrue(atKill < total, "all was shipped before the kill: the test proved nothing");
      deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (shipped(checkpoint) < total && System.nanoTime() < deadline) {
        Sleeping.sleep(200);
      }
      assertEquals(
          total,
          shipped(checkpoint),
          "shipping did not catch up (killed at " + atKill + " of " + size + ")");
      assertEquals(LINES, count(es, id), "every line exactly once in Elasticsearch");

      String cluster = local.cli("logs", id, "--source", "local").out();
      CliRun fromEs = local.cli("logs", id, "--source", "elasticsearch");
      assertEquals(0, fromEs.exitCode(), fromEs.err());
      assertEquals(cluster, fromEs.out(), "Elasticsearch has the same lines in the same order");
      assertEquals(
          local.cli("logs", id, "--tail", "100", "--source", "local").out(),
          local.cli("logs", id, "--tail", "100", "--source", "elasticsearch").out());
      List<OutputIndex.Entry> index = new OutputIndex(jobDir).entries();
      // Between two looks, so no line's time is the boundary itself.
      int half = index.size() / 2;
      Instant middle =
          half == 0
              ? index.get(0).at()
              : index
                  .get(half - 1)
                  .at()
                  .plus(
                      Duration.between(index.get(half - 1).at(), index.get(half).at())
                          .dividedBy(2));
      String since = middle.toString();
      String localSince = local.cli("logs", id, "--since", since, "--source", "local").out();
      assertEquals(
          localSince, local.cli("logs", id, "--since", since, "--source", "elasticsearch").out());
      assertTrue(localSince.length() < cluster.length() || index.size() == 1);

      CliRun found = local.cli("logs", "--search", "line 123456");
      assertEquals(0, found.exitCode(), found.err());
      assertTrue(found.out().startsWith(id + "  "), found.out());
      assertTrue(found.out().contains("line 123456 xxxx"), found.out());

      assertTrue(
          local
              .cli("describe", id)
              .out()
              .contains("Logs:       http://kibana.example:5601/app/discover"),
          local.cli("describe", id).out());

      // The local output gone (as a cluster's pods): logs reads Elasticsearch by itself.
      Files.delete(jobDir.resolve("output.log"));
      assertEquals(cluster, local.cli("logs", id).out());
      runner.destroyForcibly();
      runner.waitFor();
    }
  }

  /**
   * A log plugin alone delivers nothing at a job's end, so the terminal state's pending mark must
   * not keep the runner: it ships, then idles out (it once stayed for good).
   */
  @Test
  void aRunnerWithOnlyALogPluginShipsAndThenIdlesOut(ElasticsearchServer es) throws Exception {
    try (LocalHome local = new LocalHome(dir.resolve("idle"), home(es.url()))) {
      String id = local.submit("short", "echo shipped-then-idle");
      local.awaitState(id, JobState.SUCCEEDED);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (RunnerLock.holderPid(local.home).isPresent() && System.nanoTime() < deadline) {
        Sleeping.sleep(200);
      }
      assertTrue(
          RunnerLock.holderPid(local.home).isEmpty(),
          "the runner is still there a minute after its only job ended:\n"
              + Files.readString(local.home.runnerLog()));
      Files.delete(local.home.jobDir(id).resolve("output.log"));
      CliRun fromElasticsearch = local.cli("logs", id);
      assertEquals("shipped-then-idle\n", fromElasticsearch.out(), fromElasticsearch.err());
    }
  }

  @Test
  void withElasticsearchDownALiveOutputStillReadsAndAGoneOneIsOneLineExitFour() throws Exception {
    try (LocalHome local = new LocalHome(dir.resolve("down"), home("http://127.0.0.1:9"))) {
      String id = local.submit("printer", "echo one; echo two");
      local.awaitState(id, JobState.SUCCEEDED);
      CliRun live = local.cli("logs", id);
      assertEquals("one\ntwo\n", live.out(), live.err());
      Files.delete(local.home.jobDir(id).resolve("output.log"));
      CliRun gone = local.cli("logs", id);
      assertEquals(4, gone.exitCode(), gone.err());
      assertEquals(1, gone.err().strip().lines().count(), gone.err());
      assertTrue(gone.err().contains("elasticsearch did not answer: cannot connect"), gone.err());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "logs x --since yesterday | --since: yesterday is neither a duration",
        "logs x --since 2026-13-01 | --since: 2026-13-01 is neither",
        "logs | JOB: which job's logs?",
        "logs x --search oom | --search: looks across jobs; drop JOB",
        "logs --search oom --tail 5 | --tail: not with --search",
        "logs --search oom -f | --follow: not with --search",
        "logs --search oom --source local | --source: not with --search",
        "logs --search oom --limit 0 | --limit: must be 1 to 10000, got 0",
        "logs x --project p | --project: only with --search",
        "logs x -A | --all-namespaces: logs works in one namespace",
        "logs x --source kibana | --source: kibana is not a log source here; use cluster, local or elasticsearch",
      })
  void badLogsArgumentsAreOneLineExitTwo(String line, String message) throws Exception {
    try (LocalHome local = new LocalHome(dir.resolve("bad"), home("http://127.0.0.1:9"))) {
      String id = local.submit("printer", "echo one");
      CliRun run =
          local.cli(line.replace(" x ", " " + id + " ").replaceAll(" x$", " " + id).split(" "));
      assertEquals(2, run.exitCode(), run.err());
      assertTrue(run.err().startsWith("error: " + message), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
    }
  }

  private static long shipped(Path checkpoint) {
    try {
      return Long.parseLong(Files.readString(checkpoint).trim().split(" ")[0]);
    } catch (Exception e) {
      return 0;
    }
  }

  private static long count(ElasticsearchServer es, String jobId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    http.send(
        HttpRequest.newBuilder(URI.create(es.url() + "/_refresh"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.discarding());
    String body =
        http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            es.url() + "/logs-sentinels-*/_count?q=sentinels.job_id:" + jobId))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return Long.parseLong(body.replaceAll(".*\"count\":(\\d+).*", "$1"));
  }

  private static void awaitRunner(LocalHome local) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (RunnerLock.holderPid(local.home).isEmpty() && System.nanoTime() < deadline) {
      Sleeping.sleep(100);
    }
  }
}
