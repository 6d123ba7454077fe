package dev.sentinels.cli.queue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.Resources;
import java.util.Objects;

/**
 * An admitted or running job: it counts toward its queue's quota, and, while its pod is not bound
 * to a node yet, holds capacity that no node's free figure shows.
 *
 * @param id job id
 * @param queue queue name, default filled in
 * @param request what its pod requests
 * @param node the node its pod is bound to, or null while it is not bound yet
 * @param placement the nodes its pod may be bound to
 */
public record ActiveJob(
    String id, String queue, Resources request, String node, Placement placement) {

  public ActiveJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(request, "request");
    placement = placement == null ? Placement.ANY : placement;
  }

  public ActiveJob(String id, String queue, Resources request, String node) {
    this(id, queue, request, node, Placement.ANY);
  }

  /** The job as the policy sees it, bound to {@code node} (null while in flight). */
  public static ActiveJob of(JobRecord job, String node) {
    return new ActiveJob(
        job.id(),
        job.spec().queueOrDefault(),
        job.spec().resources(),
        node,
        Placement.of(job.spec()));
  }

  /** Admitted but not yet visible on any node: the policy has to place it itself. */
  public boolean inFlight() {
    return node == null;
  }
}
