package dev.sentinels.cli.queue;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times {@link AdmissionPolicy#plan} on a 100-node cluster with 1,000 and 10,000 queued jobs and
 * prints one line per size. Not a test (no timing assertions belong in the suite); run it with:
 *
 * <pre>
 * ./mvnw -q -o -pl api,cli test-compile
 * java -cp cli/target/test-classes:cli/target/classes:api/target/classes \
 *     dev.sentinels.cli.queue.AdmissionPolicyBenchmark [pending ...]
 * </pre>
 *
 * The cluster is a quarter GPU nodes, half full already, with quotas on two of three queues and
 * jobs submitted over the last hour, so plans take every path: admit, quota, no room, starvation.
 */
public final class AdmissionPolicyBenchmark {

  private static final int NODES = 100;
  private static final int WARMUP_RUNS = 30;
  private static final int MEASURED_RUNS = 50;
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final long GI = 1L << 30;

  private AdmissionPolicyBenchmark() {}

  public static void main(String[] args) {
    int[] sizes =
        args.length == 0
            ? new int[] {1_000, 10_000}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    AdmissionPolicy policy = new AdmissionPolicy(config());
    for (int pending : sizes) {
      AdmissionInput input = input(pending, new Random(42));
      int admitted = 0;
      for (int i = 0; i < WARMUP_RUNS; i++) {
        admitted = policy.plan(input).admitted().size();
      }
      double[] millis = new double[MEASURED_RUNS];
      for (int i = 0; i < MEASURED_RUNS; i++) {
        long start = System.nanoTime();
        policy.plan(input);
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(millis);
      System.out.printf(
          Locale.ROOT,
          "plan pending=%d nodes=%d admitted=%d runs=%d min_ms=%.2f median_ms=%.2f p90_ms=%.2f"
              + " max_ms=%.2f%n",
          pending,
          NODES,
          admitted,
          MEASURED_RUNS,
          millis[0],
          millis[MEASURED_RUNS / 2],
          millis[MEASURED_RUNS * 9 / 10],
          millis[MEASURED_RUNS - 1]);
    }
  }

  private static QueueConfig config() {
    Map<String, QueueConfig.Queue> queues = new LinkedHashMap<>();
    queues.put("default", new QueueConfig.Queue("default", null, null));
    queues.put(
        "research", new QueueConfig.Queue("research", new Resources(400_000, 2000 * GI, 40), null));
    queues.put(
        "vision", new QueueConfig.Queue("vision", new Resources(200_000, 1000 * GI, 20), null));
    QueueConfig defaults = QueueConfig.defaults();
    return new QueueConfig(
        defaults.priorityClasses(), defaults.defaultPriority(), queues, Duration.ofMinutes(15));
  }

  private static AdmissionInput input(int pendingCount, Random random) {
    List<NodeCapacity> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      Resources allocatable =
          i % 4 == 0 ? new Resources(64_000, 256 * GI, 8) : new Resources(32_000, 128 * GI, 0);
      Resources used =
          new Resources(
              allocatable.cpuMillis() / 2, allocatable.memoryBytes() / 2, allocatable.gpus() / 2);
      nodes.add(
          new NodeCapacity(
              String.format(Locale.ROOT, "node-%03d", i),
              allocatable,
              allocatable.minusClamped(used)));
    }
    String[] queues = {"default", "research", "vision"};
    int[] priorities = {100, 1000, 1000, 10000};
    List<ActiveJob> active = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String node = i % 10 == 0 ? null : nodes.get(random.nextInt(NODES)).name();
      active.add(new ActiveJob("active-" + i, queues[i % 3], request(random), node));
    }
    List<PendingJob> pending = new ArrayList<>();
    for (int i = 0; i < pendingCount; i++) {
      pending.add(
          new PendingJob(
              "job-" + i,
              queues[random.nextInt(queues.length)],
              priorities[random.nextInt(priorities.length)],
              NOW.minusSeconds(random.nextInt(3600)),
              request(random)));
    }
    return new AdmissionInput(nodes, active, pending, NOW, AdmissionInput.UNLIMITED);
  }

  private static Resources request(Random random) {
    boolean gpu = random.nextInt(5) == 0;
    return new Resources(
        500L * (1 + random.nextInt(16)),
        GI * (1 + random.nextInt(32)),
        gpu ? 1 << random.nextInt(3) : 0);
  }
}
