package dev.sentinels.cli.queue;

import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.Quantities;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of an admission table, written as short lines so a case reads like the cluster it
 * describes:
 *
 * <pre>
 * node:    "n1 cpu=8 mem=32Gi gpu=2 used-gpu=1"   (free = allocatable - used)
 * active:  "a1 q=research gpu=2 on=n1"            (no on=: admitted, pod not bound yet)
 * pending: "p1 q=research p=10000 waited=30m gpu=2"
 * placed:  node "real cpu=2 taint=pool=real:NoSchedule label=kind=real",
 *          pending "p2 cpu=1 tolerate=pool select=kind=real"  (tolerate: Exists, any effect)
 * </pre>
 *
 * Missing amounts are zero; a pending job without {@code waited=} was submitted a few seconds ago,
 * earlier lines first. Unknown keys fail, so a typo cannot silently weaken a case.
 */
final class Scenario {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  static final int NORMAL = 1000;

  /** Room no test reaches, for quota dimensions a case leaves out. */
  private static final long UNLIMITED_AMOUNT = Long.MAX_VALUE / 4;

  private final String name;
  private final List<NodeCapacity> nodes = new ArrayList<>();
  private final List<ActiveJob> active = new ArrayList<>();
  private final List<PendingJob> pending = new ArrayList<>();
  private final Map<String, QueueConfig.Queue> queues = new LinkedHashMap<>();
  private Duration starvationTimeout = Duration.ofMinutes(15);
  private int maxAdmissions = AdmissionInput.UNLIMITED;
  private List<String> admits = List.of();
  private List<String> waits = List.of();

  private Scenario(String name) {
    this.name = name;
    queues.put("default", new QueueConfig.Queue("default", null, null));
  }

  static Scenario scenario(String name) {
    return new Scenario(name);
  }

  Scenario nodes(String... lines) {
    for (String line : lines) {
      Map<String, String> f =
          fields(line, "cpu", "mem", "gpu", "used-cpu", "used-mem", "used-gpu", "taint", "label");
      Resources allocatable = amounts(f, "", 0);
      Resources used = amounts(f, "used-", 0);
      List<dev.sentinels.api.Taint> taints = new ArrayList<>();
      if (f.containsKey("taint")) {
        String[] keyRest = f.get("taint").split("=", 2);
        String[] valueEffect = keyRest[1].split(":", 2);
        taints.add(new dev.sentinels.api.Taint(keyRest[0], valueEffect[0], valueEffect[1]));
      }
      Map<String, String> labels = new HashMap<>();
      if (f.containsKey("label")) {
        String[] pair = f.get("label").split("=", 2);
        labels.put(pair[0], pair[1]);
      }
      nodes.add(
          new NodeCapacity(
              first(line), allocatable, allocatable.minusClamped(used), labels, taints));
    }
    return this;
  }

  Scenario active(String... lines) {
    for (String line : lines) {
      Map<String, String> f = fields(line, "q", "on", "cpu", "mem", "gpu");
      active.add(
          new ActiveJob(
              first(line), f.getOrDefault("q", "default"), amounts(f, "", 0), f.get("on")));
    }
    return this;
  }

  Scenario pending(String... lines) {
    for (String line : lines) {
      Map<String, String> f =
          fields(line, "q", "p", "waited", "cpu", "mem", "gpu", "tolerate", "select");
      Duration waited =
          f.containsKey("waited")
              ? Duration.parse("PT" + f.get("waited").toUpperCase())
              : Duration.ofSeconds(60 - pending.size());
      pending.add(
          new PendingJob(
              first(line),
              f.getOrDefault("q", "default"),
              Integer.parseInt(f.getOrDefault("p", Integer.toString(NORMAL))),
              NOW.minus(waited),
              amounts(f, "", 0),
              placement(f)));
    }
    return this;
  }

  private static Placement placement(Map<String, String> f) {
    if (!f.containsKey("tolerate") && !f.containsKey("select")) {
      return Placement.ANY;
    }
    Map<String, String> selector = new HashMap<>();
    if (f.containsKey("select")) {
      String[] pair = f.get("select").split("=", 2);
      selector.put(pair[0], pair[1]);
    }
    List<dev.sentinels.api.Toleration> tolerations = new ArrayList<>();
    if (f.containsKey("tolerate")) {
      tolerations.add(
          new dev.sentinels.api.Toleration(
              f.get("tolerate"), dev.sentinels.api.Toleration.EXISTS, null, null));
    }
    return new Placement(selector, tolerations);
  }

  /** A queue with a quota; dimensions left out are unlimited. */
  Scenario quota(String queue, String amounts) {
    Map<String, String> f = fields("quota " + amounts, "cpu", "mem", "gpu");
    queues.put(queue, new QueueConfig.Queue(queue, amounts(f, "", UNLIMITED_AMOUNT), null));
    return this;
  }

  Scenario starvationTimeout(Duration timeout) {
    starvationTimeout = timeout;
    return this;
  }

  Scenario maxAdmissions(int max) {
    maxAdmissions = max;
    return this;
  }

  /** Expected admissions, in order, as {@code id@node}. */
  Scenario admits(String... expected) {
    admits = List.of(expected);
    return this;
  }

  /** Expected waits, in order, as {@code id: message}. */
  Scenario waits(String... expected) {
    waits = List.of(expected);
    return this;
  }

  List<String> expectedAdmits() {
    return admits;
  }

  List<String> expectedWaits() {
    return waits;
  }

  QueueConfig config() {
    return new QueueConfig(
        List.of(new PriorityClass("normal", NORMAL, null)), "normal", queues, starvationTimeout);
  }

  AdmissionInput input() {
    return new AdmissionInput(nodes, active, pending, NOW, maxAdmissions);
  }

  AdmissionPlan plan() {
    return new AdmissionPolicy(config()).plan(input());
  }

  static List<String> admitted(AdmissionPlan plan) {
    return plan.admitted().stream().map(d -> d.jobId() + "@" + d.node()).toList();
  }

  static List<String> waiting(AdmissionPlan plan) {
    return plan.waiting().stream().map(d -> d.jobId() + ": " + d.message()).toList();
  }

  @Override
  public String toString() {
    return name;
  }

  private static String first(String line) {
    return line.trim().split("\\s+")[0];
  }

  private static Map<String, String> fields(String line, String... allowed) {
    List<String> keys = List.of(allowed);
    String[] tokens = line.trim().split("\\s+");
    Map<String, String> byKey = new HashMap<>();
    for (int i = 1; i < tokens.length; i++) {
      String[] pair = tokens[i].split("=", 2);
      if (pair.length != 2 || !keys.contains(pair[0])) {
        throw new IllegalArgumentException("'" + tokens[i] + "' in '" + line + "': use " + keys);
      }
      byKey.put(pair[0], pair[1]);
    }
    return byKey;
  }

  private static Resources amounts(Map<String, String> f, String prefix, long missing) {
    String cpu = f.get(prefix + "cpu");
    String memory = f.get(prefix + "mem");
    String gpus = f.get(prefix + "gpu");
    return new Resources(
        cpu == null ? missing : Quantities.parseCpuMillis(cpu),
        memory == null ? missing : Quantities.parseBytes(memory),
        gpus == null ? missing : Long.parseLong(gpus));
  }
}
