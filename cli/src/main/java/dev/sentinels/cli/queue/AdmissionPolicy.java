package dev.sentinels.cli.queue;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Decides which queued jobs to admit now, on which node, and why the others wait. Pure: no I/O, no
 * clock, no Kubernetes types; both backends, {@code sentinel queue} and the benchmarks call it with
 * a snapshot ({@link AdmissionInput}) and get an {@link AdmissionPlan}. Structured as Kueue's
 * scheduler: {@link PendingJob#ADMISSION_ORDER} is the queue, {@link NodeLedger} and {@link
 * QuotaLedger} are the cache, this class walks the queue once against them.
 *
 * <p>Rules, applied in one pass:
 *
 * <ol>
 *   <li><b>Order.</b> Queued jobs are considered by priority value descending, then submittedAt
 *       ascending, then id ascending, across all queues, since the nodes are shared.
 *   <li><b>Fit.</b> A job's single pod must fit on one node: some node's remaining free cpu, memory
 *       and GPUs are each at least its request. Of the nodes that fit, best fit wins: the one left
 *       with the least slack, compared on GPUs first, then cpu, then memory, then by node name.
 *       Capacity is subtracted as the pass places jobs, so a pass never admits more than fits.
 *       Active jobs without a node yet (admitted, pod not bound) are placed first, by id, the same
 *       way, so their capacity is not given away twice; one that fits nowhere any more is skipped.
 *   <li><b>Quota.</b> A queue's admitted and running jobs, plus those the pass admits, may not hold
 *       more than its quota in any dimension; a job that would go over waits. Queues without a
 *       quota, and queues not configured, are unlimited.
 *   <li><b>Never.</b> A job larger than every node's allocatable, or than its queue's quota, waits
 *       with a reason saying it cannot run as configured ({@link WaitReason#canEverRun()} false).
 *   <li><b>Backfill and starvation.</b> A job that does not fit does not stop later jobs that fit
 *       from starting. But once a blocked job has waited longer than the starvation timeout ({@code
 *       now - submittedAt > starvationTimeout}), it holds one node for itself: of the unreserved
 *       nodes that could hold it when empty, the one closest to fitting now (smallest shortfall,
 *       GPUs, cpu, memory, then name). Later jobs in the pass are not placed there, so the node
 *       drains to it as its jobs end while the other nodes stay busy. Each starving job holds a
 *       different node while one is left; quota-blocked jobs hold nothing. The held node's
 *       shortfall never grows from pass to pass (nothing lower-ordered joins it), so the starving
 *       job runs once enough of its jobs end, unless higher-ordered work takes the space first.
 *   <li><b>Cap.</b> With {@link AdmissionInput#maxAdmissions()}, jobs that would be admitted past
 *       the cap wait for the next pass instead and take no capacity in this one.
 * </ol>
 *
 * <p>Complexity, for P queued jobs, A active jobs and N nodes: O(N log N + P log P) to sort, then
 * O(N) per job without allocation for an admitted job (a waiting one allocates its reason), so O((A
 * + P) * N) in all; 10,000 jobs on 100 nodes take a few milliseconds.
 */
public final class AdmissionPolicy {

  private final QueueConfig config;

  public AdmissionPolicy(QueueConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public AdmissionPlan plan(AdmissionInput input) {
    Instant starvingIfBefore =
        config.starvationTimeout() == null ? null : input.now().minus(config.starvationTimeout());
    Pass pass =
        new Pass(
            new NodeLedger(input.nodes()),
            new QuotaLedger(config, input.active()),
            starvingIfBefore,
            input.maxAdmissions());
    placeInFlight(pass.nodes, input.active());

    List<PendingJob> order = new ArrayList<>(input.pending());
    order.sort(PendingJob.ADMISSION_ORDER);
    List<Decision> decisions = new ArrayList<>(order.size());
    for (PendingJob job : order) {
      decisions.add(pass.decide(job, decisions.size() + 1));
    }
    return new AdmissionPlan(decisions, pass.quotas.usage(), pass.nodes.reservations());
  }

  /** The state of one walk down the queue. */
  private static final class Pass {
    final NodeLedger nodes;
    final QuotaLedger quotas;

    /** Jobs submitted before this instant are starving; null when nothing ever starves. */
    final Instant starvingIfBefore;

    final int maxAdmissions;
    int admitted;
    int waiting;

    Pass(NodeLedger nodes, QuotaLedger quotas, Instant starvingIfBefore, int maxAdmissions) {
      this.nodes = nodes;
      this.quotas = quotas;
      this.starvingIfBefore = starvingIfBefore;
      this.maxAdmissions = maxAdmissions;
    }

    Decision decide(PendingJob job, int position) {
      QuotaLedger.Account account = quotas.account(job.queue());
      Resources request = job.request();
      boolean[] eligible = nodes.eligible(job.placement());
      WaitReason blocked = blockedBeforeFit(job, eligible, account);
      if (blocked != null) {
        return waits(job, position, account, blocked, null);
      }
      int node = nodes.bestFit(request, eligible);
      if (node < 0) {
        return waitForCapacity(job, eligible, position, account);
      }
      if (admitted >= maxAdmissions) {
        return waits(job, position, account, new WaitReason.AdmissionLimit(maxAdmissions), null);
      }
      nodes.take(node, request);
      account.admit(request);
      admitted++;
      return Decision.admit(job, position, nodes.name(node));
    }

    /** Why the job need not look for a node at all, or null. */
    private WaitReason blockedBeforeFit(
        PendingJob job, boolean[] eligible, QuotaLedger.Account account) {
      Resources request = job.request();
      if (!nodes.isEmpty() && !NodeLedger.anyEligible(eligible)) {
        return new WaitReason.NoEligibleNode(
            job.placement().describe(), nodes.whyNoNode(job.placement()));
      }
      if (!nodes.isEmpty() && !nodes.fitsSomeNodeWhenEmpty(request, eligible)) {
        return new WaitReason.LargerThanAnyNode(request, nodes.largestAllocatable(eligible));
      }
      if (!account.quotaCouldEverAllow(request)) {
        return new WaitReason.LargerThanQuota(account.queue(), request, account.quota());
      }
      if (!account.quotaAllows(request)) {
        return new WaitReason.QuotaExceeded(
            account.queue(), account.held(), account.quota(), request);
      }
      if (nodes.isEmpty()) {
        return new WaitReason.NoNodes();
      }
      return null;
    }

    /** No node has room now: say why, and hold a node if the job is starving. */
    private Decision waitForCapacity(
        PendingJob job, boolean[] eligible, int position, QuotaLedger.Account account) {
      Resources request = job.request();
      int reservedElsewhere = nodes.reservedNodeThatFits(request, eligible);
      WaitReason reason =
          reservedElsewhere >= 0
              ? new WaitReason.NodeReserved(
                  nodes.name(reservedElsewhere), nodes.reservedFor(reservedElsewhere))
              : new WaitReason.InsufficientCapacity(
                  request, nodes.largestFreeUnreserved(eligible), waiting);
      String held = null;
      if (starvingIfBefore != null && job.submittedAt().isBefore(starvingIfBefore)) {
        int toHold = nodes.nodeToReserve(request, eligible);
        if (toHold >= 0) {
          nodes.reserve(toHold, job.id());
          held = nodes.name(toHold);
        }
      }
      return waits(job, position, account, reason, held);
    }

    private Decision waits(
        PendingJob job,
        int position,
        QuotaLedger.Account account,
        WaitReason reason,
        String heldNode) {
      waiting++;
      account.waits();
      return Decision.waiting(job, position, reason, heldNode);
    }
  }

  /** Sets aside the capacity of admitted jobs whose pods no node shows yet. */
  private static void placeInFlight(NodeLedger nodes, List<ActiveJob> active) {
    active.stream()
        .filter(ActiveJob::inFlight)
        .sorted(Comparator.comparing(ActiveJob::id))
        .forEach(
            job -> {
              int node = nodes.bestFit(job.request(), nodes.eligible(job.placement()));
              if (node >= 0) {
                nodes.take(node, job.request());
              }
            });
  }
}
