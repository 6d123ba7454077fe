package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput benchmarks against a running cluster (see scripts/benchmarks.sh, which runs these and
 * writes docs/benchmarks.md). Each mode prints one markdown table row. Not a test.
 *
 * <pre>
 * submit  KUBECONFIG N THREADS   submits through the backend (record + admission pass each)
 * admit   KUBECONFIG N           N queued jobs that all fit: time until every one is admitted
 * fill    KUBECONFIG NS N        N queued 1-GPU jobs behind GPU-filling blockers (for queue/memory)
 * warm    KUBECONFIG NS N        N `status` lines in one REPL session (warm connection and JIT)
 * </pre>
 */
public final class ClusterBenchmarks {

  private ClusterBenchmarks() {}

  public static void main(String[] args) throws Exception {
    String kubeconfig = args[1];
    switch (args[0]) {
      case "submit" -> submit(kubeconfig, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "admit" -> admit(kubeconfig, Integer.parseInt(args[2]));
      case "fill" -> fill(kubeconfig, args[2], Integer.parseInt(args[3]));
      case "warm" -> warm(kubeconfig, args[2], Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    System.exit(0);
  }

  /** `status` as a REPL session runs it: after a few lines, the mean of {@code runs} more. */
  private static void warm(String kubeconfig, String namespace, int runs) {
    java.io.PrintStream out = System.out;
    dev.sentinels.cli.command.Session.open();
    try {
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      String[] line = {"--kubeconfig", kubeconfig, "-n", namespace, "status"};
      for (int i = 0; i < 20; i++) {
        dev.sentinels.cli.Sentinel.run(line);
      }
      long start = System.nanoTime();
      for (int i = 0; i < runs; i++) {
        dev.sentinels.cli.Sentinel.run(line);
      }
      double millis = (System.nanoTime() - start) / 1e6 / runs;
      System.setOut(out);
      System.out.printf(Locale.ROOT, "%.0f ms%n", millis);
    } finally {
      System.setOut(out);
      dev.sentinels.cli.command.Session.close();
    }
  }

  private static JobSpec spec(String name, String cpu, String memory, int gpus, String priority) {
    return new SpecReader(QueueConfig.defaults())
        .fromOverrides(
            new SpecOverrides()
                .name(name)
                .image("busybox")
                .cpu(cpu)
                .memory(memory)
                .gpus(Integer.toString(gpus))
                .priority(priority)
                .set("annotations.sentinels.dev/kwok-duration=24h"));
  }

  private static String namespace(KubernetesClient client, String name) {
    if (client.namespaces().withName(name).get() == null) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    return name;
  }

  private static Engine backend(String kubeconfig, String namespace) {
    return new Engine(
        new KubernetesBackend(
            KubeConnection.connect(kubeconfig, null), namespace, Clock.systemUTC()),
        Clock.systemUTC());
  }

  /** Submits that never fit (more GPUs than any node), so each is record + a full pass. */
  private static void submit(String kubeconfig, int count, int threads) throws Exception {
    String ns;
    try (KubernetesClient client = KubeConnection.connect(kubeconfig, null)) {
      ns = namespace(client, "bench-submit-" + threads + "-" + System.currentTimeMillis() % 100000);
    }
    JobSpec spec = spec("bench", "100m", "64Mi", 64, "normal");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger done = new AtomicInteger();
    Instant start = Instant.now();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int share = count / threads;
      futures.add(
          pool.submit(
              () -> {
                try (Engine backend = backend(kubeconfig, ns)) {
                  for (int i = 0; i < share; i++) {
                    backend.submit(spec);
                    done.incrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    pool.shutdown();
    row(
        "submit, " + threads + (threads == 1 ? " submitter" : " concurrent submitters"),
        done.get() + " jobs",
        seconds,
        done.get() / seconds + " jobs/s");
  }

  /** N queued jobs that all fit; passes run back to back until all are admitted. */
  private static void admit(String kubeconfig, int count) throws Exception {
    String ns;
    try (KubernetesClient client = KubeConnection.connect(kubeconfig, null)) {
      ns = namespace(client, "bench-admit-" + count + "-" + System.currentTimeMillis() % 100000);
      createQueued(client, ns, count, spec("bench", "10m", "16Mi", 0, "normal"));
    }
    try (Engine backend = backend(kubeconfig, ns)) {
      Instant start = Instant.now();
      int admitted = 0;
      int passes = 0;
      while (admitted < count) {
        PassReport report = backend.admit();
        passes++;
        admitted += report.admitted().size();
        if (report.admitted().isEmpty() && report.heldBy() == null) {
          throw new IllegalStateException(
              "a pass admitted nothing with " + (count - admitted) + " left");
        }
      }
      double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      row(
          "admission, " + count + " queued, all fit",
          count + " jobs in " + passes + " passes",
          seconds,
          count / seconds + " jobs/s");
    }
  }

  /** Blockers take every GPU, then N one-GPU jobs wait behind them. */
  private static void fill(String kubeconfig, String name, int count) throws Exception {
    try (KubernetesClient client = KubeConnection.connect(kubeconfig, null)) {
      String ns = namespace(client, name);
      long gpus =
          client.nodes().list().getItems().stream()
              .mapToLong(
                  n -> {
                    var q = n.getStatus().getAllocatable().get("nvidia.com/gpu");
                    return q == null ? 0 : Long.parseLong(q.getAmount());
                  })
              .sum();
      try (Engine backend = backend(kubeconfig, ns)) {
        for (long g = 0; g < gpus; g += 2) {
          backend.submit(spec("blocker", "1", "1Gi", 2, "urgent"));
        }
      }
      Instant start = Instant.now();
      createQueued(client, ns, count, spec("waiting", "1", "1Gi", 1, "normal"));
      row(
          "setup: " + count + " queued behind " + gpus + " busy GPUs",
          "",
          Duration.between(start, Instant.now()).toMillis() / 1000.0,
          "");
    }
  }

  /** Writes queued records directly, 16 at a time: setup, not what is measured. */
  private static void createQueued(KubernetesClient client, String ns, int count, JobSpec spec)
      throws Exception {
    JobRecordStore store = new JobRecordStore(client, ns);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> futures = new ArrayList<>();
    Instant base = Instant.now();
    for (int i = 0; i < count; i++) {
      int n = i;
      futures.add(
          pool.submit(
              () -> {
                String id = String.format(Locale.ROOT, "%s-%06d", spec.name(), n);
                Instant at = base.plusMillis(n);
                JobRecord record =
                    new JobRecord(
                        id,
                        spec,
                        "bench",
                        spec.priority().equals("urgent") ? 100000 : 1000,
                        JobState.QUEUED,
                        "Submitted",
                        at,
                        null,
                        List.of(new Transition(JobState.QUEUED, at, "Submitted")),
                        Map.of());
                store.create(record);
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
  }

  private static void row(String what, String amount, double seconds, String rate) {
    String shownRate = rate;
    if (rate.endsWith(" jobs/s")) {
      shownRate =
          String.format(
              Locale.ROOT, "%.0f jobs/s", Double.parseDouble(rate.replace(" jobs/s", "")));
    }
    System.out.printf(Locale.ROOT, "| %s | %s | %.2f s | %s |%n", what, amount, seconds, shownRate);
  }
}
