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
 */
public record ActiveJob(String id, String queue, Resources request, String node) {

  public ActiveJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(request, "request");
  }

  /** The job as the policy sees it, bound to {@code node} (null while in flight). */
  public static ActiveJob of(JobRecord job, String node) {
    return new ActiveJob(job.id(), job.spec().queueOrDefault(), job.spec().resources(), node);
  }

  /** Admitted but not yet visible on any node: the policy has to place it itself. */
  public boolean inFlight() {
    return node == null;
  }
}
