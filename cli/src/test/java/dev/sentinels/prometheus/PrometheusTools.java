package dev.sentinels.prometheus;

import dev.sentinels.testcluster.Scripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Real Prometheus, Alertmanager and promtool for tests (Debian's, unpacked by {@code
 * scripts/prometheus.sh}), and the chart's alert rules rendered by the real helm.
 */
public final class PrometheusTools {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path bin;

  private PrometheusTools() {}

  /** What a tool printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {}

  /** The directory with prometheus, promtool, alertmanager and amtool. */
  public static synchronized Path bin() {
    if (bin == null) {
      bin = Path.of(Scripts.lastLine(10, "prometheus.sh", "install"));
    }
    return bin;
  }

  /** {@code promtool ARGS...} in {@code dir}. */
  public static Result promtool(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of(bin().resolve("promtool").toString()));
    command.addAll(List.of(args));
    return run(command, dir, null);
  }

  /** {@code promtool check metrics} of a scrape: Prometheus' own lint of names and help. */
  public static Result checkMetrics(String scrape) {
    return run(List.of(bin().resolve("promtool").toString(), "check", "metrics"), null, scrape);
  }

  /**
   * The chart's {@code sentinels.rules.yaml} as {@code helm template} renders it with {@code --set}
   * values (none: the defaults).
   */
  public static String chartRules(String... sets) {
    List<String> args = new ArrayList<>();
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    Result rendered = renderAlertRules(args.toArray(String[]::new));
    if (rendered.exitCode() != 0) {
      throw new IllegalStateException("helm template failed:\n" + rendered.output());
    }
    // The first document is the ConfigMap; a PrometheusRule may follow.
    String first =
        java.util.Arrays.stream(rendered.output().split("(?m)^---$"))
            .filter(doc -> doc.contains("kind:"))
            .findFirst()
            .orElseThrow();
    JsonNode configMap = new YAMLMapper().readTree(first);
    return configMap.path("data").path("sentinels.rules.yaml").asString();
  }

  /** {@code helm template} of the chart's alert-rules template with more helm arguments. */
  public static Result renderAlertRules(String... helmArgs) {
    String helm = Scripts.lastLine(30, "helm-binary.sh");
    List<String> command =
        new ArrayList<>(
            List.of(
                helm,
                "template",
                "rules",
                Scripts.dir().getParent().resolve("helm/sentinels").toString(),
                "--show-only",
                "templates/alert-rules.yaml"));
    command.addAll(List.of(helmArgs));
    return run(command, null, null);
  }

  /**
   * Each query of the chart's Grafana dashboard, by panel title, with Grafana's variables set as a
   * dashboard showing every namespace would: {@code $namespace} to all, {@code $__rate_interval} to
   * a minute.
   */
  public static java.util.Map<String, List<String>> dashboardQueries() throws IOException {
    JsonNode dashboard =
        JSON.readTree(
            Files.readString(
                Scripts.dir().getParent().resolve("helm/sentinels/dashboards/sentinels.json")));
    java.util.Map<String, List<String>> queries = new java.util.LinkedHashMap<>();
    for (JsonNode panel : dashboard.path("panels")) {
      List<String> exprs = new ArrayList<>();
      for (JsonNode target : panel.path("targets")) {
        exprs.add(
            target
                .path("expr")
                .asString()
                .replace("$namespace", ".*")
                .replace("$__rate_interval", "1m"));
      }
      queries.put(panel.path("title").asString(), exprs);
    }
    return queries;
  }

  /** A server started here; closing stops it. */
  public static final class Server implements AutoCloseable {
    private final Process process;
    public final String url;
    public final Path log;

    private Server(Process process, String url, Path log) {
      this.process = process;
      this.url = url;
      this.log = log;
    }

    /** GET {@code path} as JSON. */
    public JsonNode get(String path) {
      try {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Prometheus: the result of an instant query. */
    public JsonNode query(String promql) {
      JsonNode answer =
          get("/api/v1/query?query=" + java.net.URLEncoder.encode(promql, StandardCharsets.UTF_8));
      if (!"success".equals(answer.path("status").asString())) {
        throw new AssertionError(promql + ": " + answer);
      }
      return answer.path("data").path("result");
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Prometheus with {@code config} (prometheus.yml) in {@code dir}, ready when this returns. */
  public static Server prometheus(Path dir, String config) throws IOException {
    Files.writeString(dir.resolve("prometheus.yml"), config);
    int port = freePort();
    return start(
        dir,
        "prometheus",
        port,
        List.of(
            bin().resolve("prometheus").toString(),
            "--config.file=" + dir.resolve("prometheus.yml"),
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--web.enable-lifecycle"));
  }

  /**
   * Alertmanager with {@code config} (alertmanager.yml) in {@code dir}, ready when this returns.
   */
  public static Server alertmanager(Path dir, String config) throws IOException {
    Files.writeString(dir.resolve("alertmanager.yml"), config);
    int port = freePort();
    return start(
        dir,
        "alertmanager",
        port,
        List.of(
            bin().resolve("alertmanager").toString(),
            "--config.file=" + dir.resolve("alertmanager.yml"),
            "--storage.path=" + dir.resolve("am-data"),
            "--web.listen-address=127.0.0.1:" + port,
            // A single test instance: no gossip port to collide with another.
            "--cluster.listen-address="));
  }

  private static Server start(Path dir, String name, int port, List<String> command)
      throws IOException {
    Path log = dir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Server server = new Server(process, "http://127.0.0.1:" + port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited:\n" + Files.readString(log));
      }
      try {
        HttpResponse<Void> ready =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return server;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      dev.sentinels.cli.support.Sleeping.sleep(100);
    }
    server.close();
    throw new IllegalStateException(name + " not ready in 60 s:\n" + Files.readString(log));
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Result run(List<String> command, Path dir, String input) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      if (dir != null) {
        builder.directory(dir.toFile());
      }
      Process process = builder.start();
      try (var stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, output + "(timed out)");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
