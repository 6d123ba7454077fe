package dev.sentinels.cli.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.LogSink;
import dev.sentinels.api.plugin.LogSink.ShippedLine;
import dev.sentinels.api.plugin.LogSource;
import dev.sentinels.api.plugin.LogSource.LogLine;
import dev.sentinels.api.plugin.LogSource.LogMatch;
import dev.sentinels.api.plugin.LogSource.LogQuery;
import dev.sentinels.api.plugin.LogSource.LogSearch;
import dev.sentinels.elasticsearch.ElasticsearchServer;
import dev.sentinels.elasticsearch.ElasticsearchServerExtension;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped Elasticsearch plugin, loaded by pf4j as the CLI loads it, against a real
 * Elasticsearch 8.19: lines written twice are stored once, read back in order (all, tail, since),
 * searched across jobs and projects with the match highlighted; security with TLS and a password
 * from a secret.
 */
@ExtendWith(ElasticsearchServerExtension.class)
class ElasticsearchLogsTest {

  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  private static PluginHost load(String yaml, Map<String, String> env) {
    PluginsConfig config = PluginsConfigReader.readDocument(yaml, "test plugins.yaml");
    return PluginHost.load(BuiltPlugins.all(), config, TestSecrets.env(env));
  }

  private static JobRecord job(String id) {
    JobSpec spec = Jobs.spec(id, "vision");
    return new JobRecord(id, spec, "alice", 0, JobState.SUCCEEDED, null, START, null, null, null);
  }

  /** {@code count} numbered lines of a job, several in each millisecond, in two attempts. */
  private static List<ShippedLine> lines(String jobId, String project, int count, String extra) {
    List<ShippedLine> lines = new ArrayList<>();
    long offset = 0;
    for (int i = 1; i <= count; i++) {
      String text = "line " + i + extra;
      int attempt = i <= count / 2 ? 1 : 2;
      lines.add(
          new ShippedLine(
              jobId + "-" + attempt + "-" + offset,
              jobId,
              "team-a",
              project,
              "alice",
              attempt,
              offset,
              START.plusMillis(i / 4),
              text));
      offset += text.length() + 1;
    }
    return lines;
  }

  private static List<String> read(LogSource source, String jobId, Instant since, Integer tail)
      throws Exception {
    List<String> got = new ArrayList<>();
    source.read(
        job(jobId),
        new LogQuery("team-a", since, tail, false, () -> true),
        (LogLine l) -> got.add(l.text()));
    return got;
  }

  private static void refresh(ElasticsearchServer es) throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(es.url() + "/_refresh"))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
            .build();
    java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
  }

  @Test
  void linesShippedTwiceAreStoredOnceAndReadBackInOrder(ElasticsearchServer es) throws Exception {
    try (PluginHost host =
        load("plugins:\n  elasticsearch:\n    url: " + es.url() + "\n", Map.of())) {
      assertNull(byId(host).error(), byId(host).toString());
      assertEquals(List.of("logs"), byId(host).kinds());
      LogSink sink = host.logSink().orElseThrow().extension();
      LogSource source = host.logSource().orElseThrow().extension();
      List<ShippedLine> all = lines("train-1", "vision", 12_000, "");
      for (int from = 0; from < all.size(); from += 1_000) {
        sink.write(all.subList(from, Math.min(all.size(), from + 1_000)));
      }
      sink.write(all.subList(3_000, 7_000)); // a runner's re-send after a crash
      refresh(es);
      List<String> expected = all.stream().map(ShippedLine::text).toList();
      assertEquals(expected, read(source, "train-1", null, null));
      assertEquals(expected.subList(11_900, 12_000), read(source, "train-1", null, 100));
      assertEquals(expected.subList(11_000, 12_000), read(source, "train-1", null, 1_000));
      Instant since = START.plusMillis(2_000); // line 8000 is the first of that millisecond
      assertEquals(expected.subList(7_999, 12_000), read(source, "train-1", since, null));
      assertEquals(List.of(), read(source, "nobody", null, null));
      assertTrue(host.unreachable().isEmpty(), host.unreachable().toString());
    }
  }

  @Test
  void searchFindsALineAcrossJobsAndProjectsAndMarksTheMatch(ElasticsearchServer es)
      throws Exception {
    try (PluginHost host =
        load("plugins:\n  elasticsearch:\n    url: " + es.url() + "\n", Map.of())) {
      LogSink sink = host.logSink().orElseThrow().extension();
      LogSource source = host.logSource().orElseThrow().extension();
      sink.write(lines("oom-1", "vision", 50, ""));
      sink.write(
          List.of(lines("oom-1", "vision", 51, " RuntimeError: CUDA out of memory").get(50)));
      sink.write(List.of(lines("oom-2", "nlp", 1, " CUDA out of memory. Tried").get(0)));
      sink.write(lines("quiet-3", "nlp", 20, " memory fine"));
      refresh(es);
      List<LogMatch> found = new ArrayList<>();
      source.search(new LogSearch("CUDA out of memory", null, null, null, 10), found::add);
      assertEquals(
          List.of("oom-1", "oom-2"), found.stream().map(LogMatch::jobId).sorted().toList());
      LogMatch first = found.stream().filter(m -> m.jobId().equals("oom-2")).findFirst().get();
      assertEquals("nlp", first.project());
      assertTrue(!first.highlights().isEmpty());
      var h = first.highlights().get(0);
      assertTrue(
          "CUDA out of memory".startsWith(first.text().substring(h.start(), h.end())),
          first.text() + " " + first.highlights());
      List<LogMatch> nlp = new ArrayList<>();
      source.search(new LogSearch("CUDA out of memory", "team-a", "nlp", null, 10), nlp::add);
      assertEquals(List.of("oom-2"), nlp.stream().map(LogMatch::jobId).toList());
    }
  }

  @Test
  void securityOnTakesAPasswordFromASecretAndTheCaFromAFile() throws Exception {
    try (ElasticsearchServerExtension.Handle secure = ElasticsearchServerExtension.startSecure()) {
      String password = Files.readString(secure.server.dir().resolve("password")).trim();
      String yaml =
          "plugins:\n  elasticsearch:\n    url: "
              + secure.server.url()
              + "\n    username: sentinel\n    password: {env: ES_PASSWORD}\n    caFile: "
              + secure.server.dir().resolve("ca.crt")
              + "\n";
      try (PluginHost host = load(yaml, Map.of("ES_PASSWORD", password))) {
        assertNull(byId(host).error(), byId(host).toString());
        assertTrue(host.unreachable().isEmpty(), host.unreachable().toString());
        host.logSink().orElseThrow().extension().write(lines("secure-1", "p", 10, ""));
        List<String> got = new ArrayList<>();
        host.logSource()
            .orElseThrow()
            .extension()
            .read(
                job("secure-1"),
                new LogQuery("team-a", null, 3, false, () -> true),
                l -> got.add(l.text()));
        // Written before any refresh: the tail may lag, but never shows what was not written.
        assertTrue(List.of("line 8", "line 9", "line 10").containsAll(got), got.toString());
        assertTrue(!host.mask("x " + password).contains(password));
      }
      try (PluginHost wrong = load(yaml, Map.of("ES_PASSWORD", "not-" + password))) {
        String problem = wrong.unreachable().get("elasticsearch");
        assertTrue(problem != null && problem.contains("401"), String.valueOf(problem));
        assertTrue(!problem.contains(password));
        Exception e =
            assertThrows(
                Exception.class,
                () -> wrong.logSink().orElseThrow().extension().write(lines("x", "p", 1, "")));
        assertTrue(wrong.describe(e).contains("refused the credentials"), wrong.describe(e));
      }
    }
  }

  @Test
  void badConfigurationIsReportedWithItsFieldAndNothingIsUsed() {
    try (PluginHost host = load("plugins:\n  elasticsearch:\n    url: ftp://logs\n", Map.of())) {
      assertEquals(
          "test plugins.yaml: plugins.elasticsearch.url: must be the http(s) URL of"
              + " Elasticsearch, e.g. https://elasticsearch:9200",
          byId(host).error());
      assertTrue(host.logSource().isEmpty() && host.logSink().isEmpty());
    }
  }

  private static PluginHost.PluginStatus byId(PluginHost host) {
    return host.statuses().stream()
        .filter(s -> s.id().equals("elasticsearch"))
        .findFirst()
        .orElseThrow();
  }
}
