package dev.sentinels.cli.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random clusters and queues, seeded so a failure names the case that reproduces it. Checks what
 * must hold for any input: nothing is overcommitted, no quota is exceeded, held nodes stay free of
 * backfill, and a job told there is no room really had none.
 */
class AdmissionPolicyPropertyTest {

  private static final int CASES = 400;
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final long GI = 1L << 30;
  private static final List<String> QUEUES = List.of("default", "research", "vision");

  @Test
  void plansNeverOvercommitNodesOrQuotas() {
    int admittedOverall = 0;
    int heldOverall = 0;
    for (long seed = 1; seed <= CASES; seed++) {
      Random random = new Random(seed);
      QueueConfig config = randomConfig(random);
      AdmissionInput input = randomInput(random);
      AdmissionPlan plan = new AdmissionPolicy(config).plan(input);
      String where = "seed " + seed;

      checkOrderAndPositions(input, plan, where);
      checkNodes(input, plan, where);
      checkQuotas(config, input, plan, where);
      checkReservations(plan, where);
      if (input.active().stream().noneMatch(ActiveJob::inFlight)) {
        checkNoRoomWasReallyNoRoom(input, plan, where);
      }
      assertTrue(plan.admitted().size() <= input.maxAdmissions(), where + ": cap");
      admittedOverall += plan.admitted().size();
      heldOverall += plan.reservations().size();
    }
    // The random cases must reach the interesting paths, or the checks above prove little.
    assertTrue(admittedOverall > CASES, "admissions: " + admittedOverall);
    assertTrue(heldOverall > CASES / 20, "starvation holds: " + heldOverall);
  }

  private static void checkOrderAndPositions(
      AdmissionInput input, AdmissionPlan plan, String where) {
    assertEquals(input.pending().size(), plan.decisions().size(), where + ": one decision per job");
    for (int i = 0; i < plan.decisions().size(); i++) {
      Decision decision = plan.decisions().get(i);
      assertEquals(i + 1, decision.position(), where);
      if (i > 0) {
        PendingJob previous = plan.decisions().get(i - 1).job();
        assertTrue(
            PendingJob.ADMISSION_ORDER.compare(previous, decision.job()) < 0,
            where + ": order at " + decision.position());
      }
    }
  }

  private static void checkNodes(AdmissionInput input, AdmissionPlan plan, String where) {
    Map<String, NodeCapacity> nodes = new HashMap<>();
    input.nodes().forEach(node -> nodes.put(node.name(), node));
    placedByNode(plan)
        .forEach(
            (name, total) -> {
              NodeCapacity node = nodes.get(name);
              assertNotNull(node, where + ": admitted onto unknown node " + name);
              assertTrue(
                  total.fitsIn(node.free()),
                  where + ": " + name + " gets " + total + " but has " + node.free() + " free");
            });
    // Jobs ahead of a starving job may already sit on the node it holds; none after it may.
    Map<String, Integer> heldFrom = heldFromPosition(plan);
    for (Decision decision : plan.admitted()) {
      assertTrue(
          decision.position() < heldFrom.getOrDefault(decision.node(), Integer.MAX_VALUE),
          where + ": " + decision.jobId() + " backfilled onto held node " + decision.node());
    }
  }

  /** Node name to the position of the starving job holding it. */
  private static Map<String, Integer> heldFromPosition(AdmissionPlan plan) {
    Map<String, Integer> heldFrom = new HashMap<>();
    plan.reservations()
        .forEach(
            (node, jobId) -> heldFrom.put(node, plan.decision(jobId).orElseThrow().position()));
    return heldFrom;
  }

  private static void checkQuotas(
      QueueConfig config, AdmissionInput input, AdmissionPlan plan, String where) {
    for (String queue : QUEUES) {
      Resources held = Resources.ZERO;
      for (ActiveJob job : input.active()) {
        if (job.queue().equals(queue)) {
          held = held.plus(job.request());
        }
      }
      Resources admitted = Resources.ZERO;
      for (Decision decision : plan.admitted()) {
        if (decision.job().queue().equals(queue)) {
          admitted = admitted.plus(decision.job().request());
        }
      }
      QueueUsage usage = plan.queues().get(queue);
      assertEquals(held, usage.held(), where + ": " + queue + " held");
      assertEquals(admitted, usage.admitting(), where + ": " + queue + " admitting");
      Resources quota = config.queues().get(queue).quota();
      if (quota != null && !admitted.isZero()) {
        assertTrue(
            held.plus(admitted).fitsIn(quota),
            where + ": " + queue + " holds " + held.plus(admitted) + " over quota " + quota);
      }
    }
  }

  private static void checkReservations(AdmissionPlan plan, String where) {
    plan.reservations()
        .forEach(
            (node, jobId) -> {
              Decision holder = plan.decision(jobId).orElseThrow();
              assertFalse(holder.admitted(), where + ": " + jobId + " holds a node yet runs");
              assertEquals(node, holder.reservedNode(), where);
            });
  }

  /**
   * A job told "no room" must not fit on any node that was open to it, even after the pass:
   * capacity only shrinks during a pass. Only exact without in-flight jobs, whose placement the
   * plan hides.
   */
  private static void checkNoRoomWasReallyNoRoom(
      AdmissionInput input, AdmissionPlan plan, String where) {
    Map<String, Resources> placed = placedByNode(plan);
    Map<String, Integer> heldSince = heldFromPosition(plan);
    for (Decision decision : plan.waiting()) {
      if (!(decision.reason() instanceof WaitReason.InsufficientCapacity)) {
        continue;
      }
      for (NodeCapacity node : input.nodes()) {
        boolean heldAhead =
            heldSince.getOrDefault(node.name(), Integer.MAX_VALUE) < decision.position();
        Resources left = node.free().minusClamped(placed.getOrDefault(node.name(), Resources.ZERO));
        assertFalse(
            !heldAhead && decision.job().request().fitsIn(left),
            where + ": " + decision.jobId() + " waits though " + node.name() + " has " + left);
      }
    }
  }

  private static Map<String, Resources> placedByNode(AdmissionPlan plan) {
    Map<String, Resources> placed = new HashMap<>();
    for (Decision decision : plan.admitted()) {
      placed.merge(decision.node(), decision.job().request(), Resources::plus);
    }
    return placed;
  }

  private static QueueConfig randomConfig(Random random) {
    Map<String, QueueConfig.Queue> queues = new LinkedHashMap<>();
    for (String queue : QUEUES) {
      Resources quota =
          random.nextInt(3) == 0
              ? null
              : new Resources(
                  1000L * (2 + random.nextInt(30)),
                  GI * (8 + random.nextInt(120)),
                  random.nextInt(6));
      queues.put(queue, new QueueConfig.Queue(queue, quota, null));
    }
    return new QueueConfig(
        List.of(new PriorityClass("normal", 1000, null)), "normal", queues, Duration.ofMinutes(15));
  }

  private static AdmissionInput randomInput(Random random) {
    List<NodeCapacity> nodes = new ArrayList<>();
    int nodeCount = random.nextInt(7);
    for (int i = 0; i < nodeCount; i++) {
      Resources allocatable =
          new Resources(
              1000L * (2 << random.nextInt(4)), GI * (8 << random.nextInt(3)), random.nextInt(5));
      Resources used =
          new Resources(
              (long) (allocatable.cpuMillis() * random.nextDouble()),
              (long) (allocatable.memoryBytes() * random.nextDouble()),
              random.nextInt((int) allocatable.gpus() + 1));
      nodes.add(new NodeCapacity("node-" + i, allocatable, allocatable.minusClamped(used)));
    }
    List<ActiveJob> active = new ArrayList<>();
    boolean withInFlight = random.nextBoolean();
    int activeCount = random.nextInt(8);
    for (int i = 0; i < activeCount; i++) {
      String node =
          withInFlight && random.nextBoolean() || nodes.isEmpty()
              ? null
              : nodes.get(random.nextInt(nodes.size())).name();
      active.add(new ActiveJob("active-" + i, randomQueue(random), randomRequest(random), node));
    }
    List<PendingJob> pending = new ArrayList<>();
    int pendingCount = random.nextInt(40);
    int[] priorities = {100, 1000, 1000, 10000};
    for (int i = 0; i < pendingCount; i++) {
      pending.add(
          new PendingJob(
              "job-" + i,
              randomQueue(random),
              priorities[random.nextInt(priorities.length)],
              NOW.minus(Duration.ofMinutes(random.nextInt(40))),
              randomRequest(random)));
    }
    int cap = random.nextInt(4) == 0 ? random.nextInt(6) : AdmissionInput.UNLIMITED;
    return new AdmissionInput(nodes, active, pending, NOW, cap);
  }

  private static String randomQueue(Random random) {
    return QUEUES.get(random.nextInt(QUEUES.size()));
  }

  private static Resources randomRequest(Random random) {
    return new Resources(
        250L * (1 + random.nextInt(24)),
        GI / 2 * (1 + random.nextInt(24)),
        random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0);
  }
}
