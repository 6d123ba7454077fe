package dev.sentinels.cli.queue;

import dev.sentinels.api.Resources;

/**
 * Why a queued job was not admitted by a pass: a value to act on, and a one-line {@link #message()}
 * for people ({@code sentinel queue}, job events).
 */
public sealed interface WaitReason {

  /** One line, e.g. {@code needs 2 gpus, largest free on a node: 1 gpu; 3 jobs ahead}. */
  String message();

  /**
   * Whether the job cannot run as things are configured (larger than every node, or than its
   * queue's whole quota; no node at all), rather than having to wait its turn.
   */
  default boolean cannotRunAsConfigured() {
    return this instanceof LargerThanAnyNode
        || this instanceof LargerThanQuota
        || this instanceof NoNodes
        || this instanceof NoEligibleNode;
  }

  /** False when the job can never run as the cluster and queues are configured. */
  default boolean canEverRun() {
    return true;
  }

  /**
   * No node has the request free right now (rule 2).
   *
   * @param largestFree per dimension, the most any node open to this job has free
   * @param jobsAhead jobs earlier in the admission order that also wait
   */
  record InsufficientCapacity(Resources request, Resources largestFree, int jobsAhead)
      implements WaitReason {
    @Override
    public String message() {
      String text =
          Dimension.needs(
              request,
              largestFree,
              "largest free on a node: ",
              "no node has all of it free at once");
      return switch (jobsAhead) {
        case 0 -> text;
        case 1 -> text + "; 1 job ahead";
        default -> text + "; " + jobsAhead + " jobs ahead";
      };
    }
  }

  /** Admitting it would take its queue above its quota (rule 3). */
  record QuotaExceeded(String queue, Resources held, Resources quota, Resources request)
      implements WaitReason {
    @Override
    public String message() {
      Dimension shortOf = Dimension.firstShort(held.plus(request), quota);
      if (shortOf == null) {
        return "queue " + queue + " at quota";
      }
      String usage =
          shortOf.bare(shortOf.of(held)) + "/" + shortOf.withUnit(shortOf.of(quota)) + " held";
      return shortOf.of(held) >= shortOf.of(quota)
          ? "queue " + queue + " at quota: " + usage
          : "queue "
              + queue
              + " near quota: "
              + usage
              + ", needs "
              + shortOf.bare(shortOf.of(request));
    }
  }

  /** It would fit now, but only on a node held for a starving job (rule 5). */
  record NodeReserved(String node, String starvingJob) implements WaitReason {
    @Override
    public String message() {
      return "node " + node + " held for starving job " + starvingJob;
    }
  }

  /** No node could hold it even empty (rule 4). */
  record LargerThanAnyNode(Resources request, Resources largestAllocatable) implements WaitReason {
    @Override
    public String message() {
      String detail =
          Dimension.needs(
              request, largestAllocatable, "biggest node has ", "no node has all of it");
      return "larger than any node (" + detail + "), so it cannot run as configured";
    }

    @Override
    public boolean canEverRun() {
      return false;
    }
  }

  /** It alone exceeds its queue's quota (rule 4). */
  record LargerThanQuota(String queue, Resources request, Resources quota) implements WaitReason {
    @Override
    public String message() {
      Dimension shortOf = Dimension.firstShort(request, quota);
      return "larger than queue "
          + queue
          + "'s quota (needs "
          + shortOf.withUnit(shortOf.of(request))
          + ", quota is "
          + shortOf.bare(shortOf.of(quota))
          + "), so it cannot run as configured";
    }

    @Override
    public boolean canEverRun() {
      return false;
    }
  }

  /** No node is ready at all. */
  /**
   * No node may take the job: each lacks a label its node selector needs or has a taint it does not
   * tolerate.
   *
   * @param placement what the job asks for, for people
   * @param nodes why the nodes there are turn it away, counted
   */
  record NoEligibleNode(String placement, String nodes) implements WaitReason {
    @Override
    public String message() {
      return "no node it may run on ("
          + placement
          + ": "
          + nodes
          + "), so it cannot run as configured";
    }
  }

  record NoNodes() implements WaitReason {
    @Override
    public String message() {
      return "no ready nodes";
    }
  }

  /** It fits, but the pass already admitted as many jobs as it may. */
  record AdmissionLimit(int limit) implements WaitReason {
    @Override
    public String message() {
      return "fits; next pass (at most " + limit + " admissions per pass)";
    }
  }
}
