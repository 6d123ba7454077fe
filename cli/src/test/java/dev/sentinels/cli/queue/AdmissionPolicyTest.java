package dev.sentinels.cli.queue;

import static dev.sentinels.cli.queue.Scenario.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.Resources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AdmissionPolicyTest {

  static Stream<Scenario> scenarios() {
    return Stream.of(
        scenario("empty inputs admit nothing"),
        scenario("no ready nodes").pending("p1 cpu=1").waits("p1: no ready nodes"),
        scenario("priority order under contention")
            .nodes("n1 cpu=4")
            .pending("low p=100 cpu=4", "high p=10000 cpu=4", "normal cpu=4")
            .admits("high@n1")
            .waits(
                "normal: needs 4 cpu, largest free on a node: 0 cpu",
                "low: needs 4 cpu, largest free on a node: 0 cpu; 1 job ahead"),
        scenario("a tainted node takes only the jobs that tolerate it")
            .nodes("kwok cpu=8", "real cpu=2 taint=sentinels.dev/real-node=true:NoSchedule")
            .pending("plain cpu=4", "tolerant cpu=2 tolerate=sentinels.dev/real-node", "big cpu=8")
            .admits("plain@kwok", "tolerant@real")
            .waits("big: needs 8 cpu, largest free on a node: 4 cpu"),
        scenario("a job tolerating a taint may still use untainted nodes")
            .nodes("kwok cpu=8", "real cpu=2 taint=pool=real:NoExecute")
            .pending("tolerant cpu=4 tolerate=pool")
            .admits("tolerant@kwok"),
        scenario("PreferNoSchedule discourages but does not bar")
            .nodes("soft cpu=2 taint=pool=spare:PreferNoSchedule")
            .pending("plain cpu=1")
            .admits("plain@soft"),
        scenario("a node selector narrows the nodes, and 'larger than' counts only those")
            .nodes("a100 gpu=8 label=gpu=a100", "t4 gpu=16 label=gpu=t4")
            .pending(
                "fast gpu=8 select=gpu=a100",
                "faster gpu=12 select=gpu=a100",
                "more gpu=1 select=gpu=a100")
            .admits("fast@a100")
            .waits(
                "faster: larger than any node (needs 12 gpus, biggest node has 8 gpus), so it"
                    + " cannot run as configured",
                "more: needs 1 gpu, largest free on a node: 0 gpus; 1 job ahead"),
        scenario("no node it may run on cannot run as configured")
            .nodes("real cpu=2 taint=pool=real:NoSchedule", "labelled cpu=2 label=gpu=t4")
            .pending(
                "plain cpu=1 select=gpu=a100", "taint-shy cpu=1 select=gpu=t4 tolerate=nothing")
            .admits("taint-shy@labelled")
            .waits(
                "plain: no node it may run on (nodeSelector gpu=a100: 1 node has no label"
                    + " gpu=a100, 1 node has untolerated taint pool=real:NoSchedule), so it cannot"
                    + " run as configured"),
        scenario("every node tainted: a job that tolerates nothing has none")
            .nodes(
                "real cpu=2 taint=pool=real:NoSchedule",
                "gpu1 gpu=8 taint=nvidia.com/gpu=present:NoSchedule",
                "gpu2 gpu=8 taint=nvidia.com/gpu=present:NoSchedule")
            .pending("plain cpu=1")
            .waits(
                "plain: no node it may run on (any node: 2 nodes have untolerated taint"
                    + " nvidia.com/gpu=present:NoSchedule, 1 node has untolerated taint"
                    + " pool=real:NoSchedule), so it cannot run as configured"),
        scenario("FIFO within a priority, then id")
            .nodes("n1 cpu=2")
            .pending("late waited=1m cpu=1", "b waited=5m cpu=1", "a waited=5m cpu=1")
            .admits("a@n1", "b@n1")
            .waits("late: needs 1 cpu, largest free on a node: 0 cpu"),
        scenario("priority is global across queues")
            .nodes("n1 cpu=1")
            .pending("research-job q=research cpu=1", "urgent q=vision p=100000 cpu=1")
            .admits("urgent@n1")
            .waits("research-job: needs 1 cpu, largest free on a node: 0 cpu"),
        scenario("GPU job waits while CPU jobs run")
            .nodes("n1 cpu=16 mem=64Gi gpu=1 used-gpu=1 used-cpu=2")
            .pending("train p=10000 cpu=2 gpu=1", "etl-1 cpu=4 mem=8Gi", "etl-2 cpu=4 mem=8Gi")
            .admits("etl-1@n1", "etl-2@n1")
            .waits("train: needs 1 gpu, largest free on a node: 0 gpus"),
        scenario("best fit keeps GPU nodes for GPU jobs")
            .nodes("gpu-node cpu=8 gpu=2", "cpu-node cpu=8")
            .pending("etl cpu=2", "train cpu=2 gpu=2")
            .admits("etl@cpu-node", "train@gpu-node"),
        scenario("best fit picks the node left with least slack, ties by name")
            .nodes("big cpu=8", "small-b cpu=2", "small-a cpu=2")
            .pending("one cpu=2", "two cpu=2", "three cpu=2")
            .admits("one@small-a", "two@small-b", "three@big"),
        scenario("a pod must fit on one node: 1 free GPU on each of two nodes is not 2")
            .nodes("n1 cpu=8 gpu=2 used-gpu=1", "n2 cpu=8 gpu=2 used-gpu=1")
            .pending("big p=10000 gpu=2", "small gpu=1")
            .admits("small@n1")
            .waits("big: needs 2 gpus, largest free on a node: 1 gpu"),
        scenario("no node has every dimension free at once")
            .nodes(
                "cpu-rich cpu=8 mem=8Gi gpu=1 used-gpu=1",
                "gpu-rich cpu=8 mem=8Gi gpu=1 used-cpu=7")
            .pending("both cpu=2 mem=1Gi gpu=1")
            .waits("both: needs 2 cpu, 1Gi, 1 gpu, no node has all of it free at once"),
        scenario("an admitted job not yet on a node holds its capacity")
            .nodes("n1 cpu=4")
            .active("in-flight cpu=3")
            .pending("p1 cpu=2", "p2 cpu=1")
            .admits("p2@n1")
            .waits("p1: needs 2 cpu, largest free on a node: 1 cpu"),
        scenario("a bound active job is already in its node's free capacity")
            .nodes("n1 cpu=4 used-cpu=3")
            .active("running cpu=3 on=n1")
            .pending("p1 cpu=1")
            .admits("p1@n1"),
        scenario("quota counts active jobs and blocks")
            .nodes("n1 cpu=64 gpu=8")
            .quota("research", "gpu=4")
            .active("r1 q=research gpu=2 on=n1", "r2 q=research gpu=2")
            .pending("r3 q=research gpu=1", "d1 gpu=1")
            .admits("d1@n1")
            .waits("r3: queue research at quota: 4/4 gpus held"),
        scenario("quota-blocked jobs do not block later ones that fit the quota")
            .nodes("n1 cpu=64 gpu=8")
            .quota("research", "gpu=4")
            .active("r1 q=research gpu=3 on=n1")
            .pending("r2 q=research gpu=2", "r3 q=research gpu=1", "r4 q=research gpu=1")
            .admits("r3@n1")
            .waits(
                "r2: queue research near quota: 3/4 gpus held, needs 2",
                "r4: queue research at quota: 4/4 gpus held"),
        scenario("quotas of different queues are independent")
            .nodes("n1 cpu=64 gpu=8")
            .quota("research", "gpu=2")
            .quota("vision", "gpu=2")
            .pending("r1 q=research gpu=2", "r2 q=research gpu=1", "v1 q=vision gpu=2")
            .admits("r1@n1", "v1@n1")
            .waits("r2: queue research at quota: 2/2 gpus held"),
        scenario("cpu quota")
            .nodes("n1 cpu=64")
            .quota("etl", "cpu=4")
            .pending("e1 q=etl cpu=3", "e2 q=etl cpu=1500m")
            .admits("e1@n1")
            .waits("e2: queue etl near quota: 3/4 cpu held, needs 1500m"),
        scenario("larger than any node can never run")
            .nodes("n1 cpu=8", "n2 cpu=4")
            .pending("huge p=10000 cpu=16", "ok cpu=8")
            .admits("ok@n1")
            .waits(
                "huge: larger than any node (needs 16 cpu, biggest node has 8 cpu),"
                    + " so it cannot run as configured"),
        scenario("larger than any node in combination")
            .nodes("cpu-big cpu=32 mem=8Gi", "gpu-small cpu=4 mem=8Gi gpu=4")
            .pending("odd cpu=16 mem=1Gi gpu=1")
            .waits(
                "odd: larger than any node (needs 16 cpu, 1Gi, 1 gpu, no node has all of it),"
                    + " so it cannot run as configured"),
        scenario("larger than its queue's quota can never run")
            .nodes("n1 cpu=64 gpu=8")
            .quota("research", "gpu=4")
            .pending("r1 q=research gpu=8")
            .waits(
                "r1: larger than queue research's quota (needs 8 gpus, quota is 4),"
                    + " so it cannot run as configured"),
        scenario("backfill past a blocked head")
            .nodes("n1 cpu=4 used-cpu=2")
            .pending("head p=10000 cpu=4", "small cpu=2", "after cpu=1")
            .admits("small@n1")
            .waits(
                "head: needs 4 cpu, largest free on a node: 2 cpu",
                "after: needs 1 cpu, largest free on a node: 0 cpu; 1 job ahead"),
        scenario("not starving yet: backfill may use every node")
            .nodes("n1 cpu=8 used-cpu=6", "n2 cpu=8 used-cpu=5")
            .pending("head waited=10m cpu=4", "s1 cpu=2", "s2 cpu=1")
            .admits("s1@n1", "s2@n2")
            .waits("head: needs 4 cpu, largest free on a node: 3 cpu"),
        scenario("a starving head holds the node closest to fitting; backfill uses the others")
            .nodes("n1 cpu=8 used-cpu=6", "n2 cpu=8 used-cpu=5")
            .pending("head waited=30m cpu=4", "s1 cpu=2", "s2 cpu=1")
            .admits("s1@n1")
            .waits(
                "head: needs 4 cpu, largest free on a node: 3 cpu; starving, node n2 held for it",
                "s2: node n2 held for starving job head"),
        scenario("a starving job holds only a node it could fit when empty")
            .nodes("small cpu=2 used-cpu=1", "large cpu=8 used-cpu=8")
            .pending("head waited=30m cpu=4", "s1 cpu=1")
            .admits("s1@small")
            .waits(
                "head: needs 4 cpu, largest free on a node: 1 cpu; starving, node large held for"
                    + " it"),
        scenario("two starving heads hold different nodes")
            .nodes("n1 cpu=8 used-cpu=7", "n2 cpu=8 used-cpu=6", "n3 cpu=8 used-cpu=4")
            .pending("h1 waited=40m cpu=6", "h2 waited=30m cpu=6", "s1 cpu=1", "s2 cpu=2")
            .admits("s1@n1")
            .waits(
                "h1: needs 6 cpu, largest free on a node: 4 cpu; starving, node n3 held for it",
                "h2: needs 6 cpu, largest free on a node: 2 cpu; 1 job ahead;"
                    + " starving, node n2 held for it",
                "s2: node n2 held for starving job h2"),
        scenario("a quota-blocked starving job holds no node")
            .nodes("n1 cpu=8 gpu=4 used-gpu=2")
            .quota("research", "gpu=2")
            .active("r1 q=research gpu=2 on=n1")
            .pending("r2 q=research waited=60m gpu=2", "d1 gpu=2")
            .admits("d1@n1")
            .waits("r2: queue research at quota: 2/2 gpus held"),
        scenario("admissions per pass are capped")
            .nodes("n1 cpu=8")
            .maxAdmissions(2)
            .pending("a cpu=1", "b cpu=1", "c cpu=1", "too-big cpu=8")
            .admits("a@n1", "b@n1")
            .waits(
                "c: fits; next pass (at most 2 admissions per pass)",
                "too-big: needs 8 cpu, largest free on a node: 6 cpu; 1 job ahead"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void admitsAndExplains(Scenario scenario) {
    AdmissionPlan plan = scenario.plan();
    assertEquals(scenario.expectedAdmits(), Scenario.admitted(plan), "admitted");
    assertEquals(scenario.expectedWaits(), Scenario.waiting(plan), "waiting");
  }

  @Test
  void positionsFollowTheAdmissionOrder() {
    AdmissionPlan plan =
        scenario("positions")
            .nodes("n1 cpu=1")
            .pending("c p=100 cpu=1", "a p=10000 cpu=1", "b cpu=1")
            .plan();
    assertEquals(
        List.of("1 a", "2 b", "3 c"),
        plan.decisions().stream().map(d -> d.position() + " " + d.jobId()).toList());
  }

  @Test
  void neverFitsReasonsSayTheJobCannotRun() {
    AdmissionPlan plan =
        scenario("never")
            .nodes("n1 cpu=8 gpu=8")
            .quota("research", "gpu=2")
            .pending("huge cpu=9", "over-quota q=research gpu=4", "later cpu=9 waited=1h")
            .plan();
    assertFalse(plan.decision("huge").orElseThrow().reason().canEverRun());
    assertFalse(plan.decision("over-quota").orElseThrow().reason().canEverRun());
    assertEquals(Map.of(), plan.reservations(), "a job that can never fit holds no node");
  }

  @Test
  void queueUsageShowsHeldAndAdmittedAgainstQuota() {
    AdmissionPlan plan =
        scenario("usage")
            .nodes("n1 cpu=64 mem=256Gi gpu=8")
            .quota("research", "gpu=4")
            .active("r1 q=research cpu=1 gpu=2 on=n1", "d1 cpu=2")
            .pending("r2 q=research cpu=1 gpu=1", "r3 q=research gpu=2", "d2 cpu=3")
            .plan();
    QueueUsage research = plan.queues().get("research");
    assertEquals(new Resources(1000, 0, 2), research.held());
    assertEquals(new Resources(1000, 0, 1), research.admitting());
    assertEquals(new Resources(2000, 0, 3), research.heldAfterPass());
    assertEquals(4, research.quota().gpus());
    assertEquals(
        List.of(1, 1, 1),
        List.of(research.activeJobs(), research.admittedJobs(), research.waitingJobs()));
    QueueUsage fallback = plan.queues().get("default");
    assertEquals(
        new QueueUsage(
            "default", null, new Resources(2000, 0, 0), new Resources(3000, 0, 0), 1, 1, 0),
        fallback);
    assertEquals(List.of("default", "research"), List.copyOf(plan.queues().keySet()));
  }

  @Test
  void equalInputsInAnyOrderGiveEqualPlans() {
    Scenario scenario =
        scenario("determinism")
            .nodes("n3 cpu=4 gpu=1", "n1 cpu=4 gpu=1", "n2 cpu=4 gpu=1")
            .active("f1 cpu=1", "f0 cpu=1")
            .pending(
                "a cpu=2 waited=20m",
                "b cpu=2 gpu=1",
                "c cpu=4 waited=30m",
                "d cpu=1",
                "e cpu=1 gpu=1",
                "f cpu=3");
    AdmissionPolicy policy = new AdmissionPolicy(scenario.config());
    AdmissionInput input = scenario.input();
    AdmissionPlan expected = policy.plan(input);
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      List<NodeCapacity> nodes = new ArrayList<>(input.nodes());
      List<ActiveJob> active = new ArrayList<>(input.active());
      List<PendingJob> pending = new ArrayList<>(input.pending());
      Collections.shuffle(nodes, random);
      Collections.shuffle(active, random);
      Collections.shuffle(pending, random);
      AdmissionPlan shuffled =
          policy.plan(
              new AdmissionInput(nodes, active, pending, input.now(), input.maxAdmissions()));
      assertEquals(expected, shuffled);
    }
    assertTrue(expected.admitted().size() > 1, "the case exercises placement");
  }
}
