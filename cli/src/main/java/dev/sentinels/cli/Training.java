package dev.sentinels.cli;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.command.Commands;
import dev.sentinels.cli.command.OutputFormat;
import dev.sentinels.cli.command.OutputObjects;
import dev.sentinels.cli.command.Printer;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import picocli.CommandLine.Command;

/**
 * What the launcher's class data cache is recorded from, besides the first command after a build:
 * every verb's parser, specs, records in every format, a kubeconfig through to a refused TLS
 * connection, a TLS client hello, and the local store. Without it the cache holds only what that
 * first command happened to load, and a {@code status} after a {@code --help} starts 0.3 s slower.
 * Offline, quiet, and it leaves nothing behind.
 */
final class Training {

  private Training() {}

  /**
   * Runs the exercises; what went wrong, one line each, when a command did not end as it should
   * (the cache then covers less, and the test says so).
   */
  static List<String> exercise() {
    List<String> failures = new ArrayList<>();
    PrintStream out = System.out;
    PrintStream err = System.err;
    String home = System.getProperty(SentinelHome.PROPERTY);
    Path scratch = null;
    try {
      PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
      System.setOut(nowhere);
      System.setErr(nowhere);
      scratch = Files.createTempDirectory("sentinel-training");
      for (Class<?> verb : Commands.ALL) {
        Command command = verb.getAnnotation(Command.class);
        if (!command.hidden()) {
          expect(failures, ExitCodes.OK, command.name(), "--help");
        }
      }
      records(nowhere);
      Path refused =
          Files.writeString(scratch.resolve("refused"), kubeconfig("https://127.0.0.1:1"));
      // Port 1 refuses at once: the whole read path up to the socket, then the exit-4 message.
      expect(failures, ExitCodes.UNREACHABLE, "status", "--kubeconfig", refused.toString());
      clientHello();
      // A loopback API server: the TLS handshake, the list reader and the state derivation.
      try (TrainingApiServer api = TrainingApiServer.start(scratch, apiResponses())) {
        Path kubeconfig = Files.writeString(scratch.resolve("kubeconfig"), kubeconfig(api.url()));
        for (List<String> read :
            List.of(
                List.of("status"),
                List.of("status", "-o", "json"),
                List.of("queue"),
                List.of("nodes"),
                List.of("history"))) {
          List<String> args = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
          args.addAll(read);
          expect(failures, ExitCodes.OK, args.toArray(String[]::new));
        }
      } catch (java.security.GeneralSecurityException | InterruptedException e) {
        failures.add("no loopback API server to train against: " + e);
      }
      System.setProperty(SentinelHome.PROPERTY, scratch.resolve("home").toString());
      expect(failures, ExitCodes.OK, "status", "--local");
      expect(failures, ExitCodes.OK, "priorities", "--local");
    } catch (IOException | RuntimeException e) {
      failures.add("training stopped: " + e); // a cache from less is still a cache
    } finally {
      System.setOut(out);
      System.setErr(err);
      if (home == null) {
        System.clearProperty(SentinelHome.PROPERTY);
      } else {
        System.setProperty(SentinelHome.PROPERTY, home);
      }
      delete(scratch);
    }
    return failures;
  }

  private static void expect(List<String> failures, int code, String... args) {
    int exit = Sentinel.run(args);
    if (exit != code) {
      failures.add("sentinel " + String.join(" ", args) + " exited " + exit + ", not " + code);
    }
  }

  private static void records(PrintStream out) {
    SpecOverrides overrides =
        new SpecOverrides().set("params.lr=0.1").gpus("1").command(List.of("python", "train.py"));
    var spec = new SpecReader(QueueConfig.defaults()).read(SPEC, overrides);
    Instant now = Instant.now();
    JobRecord record =
        new JobRecord(
            "training-abcde",
            spec,
            "someone",
            1000,
            JobState.QUEUED,
            "Submitted",
            now,
            null,
            List.of(new Transition(JobState.QUEUED, now, "Submitted")),
            Map.of());
    record = RecordCodec.fromJson(RecordCodec.toJson(record));
    record = record.transition(JobState.RUNNING, "Started", now).withNode("node-1");
    for (OutputFormat format : List.of(OutputFormat.json, OutputFormat.yaml)) {
      Printer.structured(
          out, format, OutputObjects.list(List.of(OutputObjects.job(record, "training", now))));
    }
  }

  private static void clientHello() throws IOException {
    try {
      SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
      engine.setUseClientMode(true);
      engine.beginHandshake();
      engine.wrap(
          ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temp dir left behind is harmless
    }
  }

  private static final String SPEC =
      """
      name: training
      image: python:3.12-slim
      params: {lr: 0.01}
      resources: {cpu: 500m, memory: 1Gi}
      timeout: 10m
      """;

  private static String kubeconfig(String server) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: training
          cluster: {server: "SERVER", insecure-skip-tls-verify: true}
        users:
        - name: training
          user: {token: training}
        contexts:
        - name: training
          context: {cluster: training, user: training, namespace: training}
        current-context: training
        """
        .replace("SERVER", server);
  }

  /** What the training API server answers: a running and a queued job, their Job, pod and node. */
  private static Map<String, String> apiResponses() {
    SpecOverrides overrides = new SpecOverrides().command(List.of("python", "train.py"));
    var spec = new SpecReader(QueueConfig.defaults()).read(SPEC, overrides);
    Instant now = Instant.now();
    JobRecord queued =
        new JobRecord(
            "training-qqqqq",
            spec,
            "someone",
            1000,
            JobState.QUEUED,
            "Submitted",
            now,
            null,
            List.of(new Transition(JobState.QUEUED, now, "Submitted")),
            Map.of());
    JobRecord running =
        new JobRecord(
                "training-rrrrr",
                spec,
                "someone",
                1000,
                JobState.QUEUED,
                "Submitted",
                now,
                null,
                List.of(new Transition(JobState.QUEUED, now, "Submitted")),
                Map.of())
            .transition(JobState.ADMITTED, "Admitted", now);
    String labels =
        "\"app.kubernetes.io/managed-by\":\"sentinels\",\"app.kubernetes.io/component\":\"job-record\"";
    String records =
        "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},"
            + "\"items\":["
            + configMap(queued, labels)
            + ","
            + configMap(running, labels)
            + "]}";
    String podLabels =
        "{\"app.kubernetes.io/managed-by\":\"sentinels\",\"sentinels.dev/job-id\":\"training-rrrrr\"}";
    String pod =
        "{\"metadata\":{\"name\":\"sentinel-training-rrrrr-x\",\"namespace\":\"training\",\"labels\":"
            + podLabels
            + "},\"spec\":{\"nodeName\":\"training-node\",\"containers\":[{\"name\":\"main\","
            + "\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}}]},"
            + "\"status\":{\"phase\":\"Running\",\"startTime\":\""
            + now
            + "\"}}";
    String job =
        "{\"metadata\":{\"name\":\"sentinel-training-rrrrr\",\"namespace\":\"training\",\"labels\":"
            + podLabels
            + "},\"spec\":{},\"status\":{\"active\":1,\"startTime\":\""
            + now
            + "\"}}";
    String node =
        "{\"metadata\":{\"name\":\"training-node\"},\"spec\":{},\"status\":{\"allocatable\":"
            + "{\"cpu\":\"8\",\"memory\":\"32Gi\",\"nvidia.com/gpu\":\"2\",\"pods\":\"110\"},"
            + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}";
    return Map.of(
        "/api/v1/namespaces/training/configmaps", records,
        "/apis/batch/v1/namespaces/training/jobs", list("JobList", job),
        "/api/v1/namespaces/training/pods", list("PodList", pod),
        "/api/v1/pods", list("PodList", pod),
        "/api/v1/nodes", list("NodeList", node));
  }

  private static String list(String kind, String item) {
    return "{\"kind\":\""
        + kind
        + "\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":["
        + item
        + "]}";
  }

  private static String configMap(JobRecord record, String labels) {
    return "{\"metadata\":{\"name\":\"sentinel-"
        + record.id()
        + "\",\"namespace\":\"training\",\"resourceVersion\":\"5\",\"labels\":{"
        + labels
        + ",\"sentinels.dev/job-id\":\""
        + record.id()
        + "\",\"sentinels.dev/state\":\""
        + record.state().display()
        + "\"}},\"data\":{\"record.json\":"
        + RecordCodec.mapper().writeValueAsString(RecordCodec.toJson(record))
        + "}}";
  }
}
