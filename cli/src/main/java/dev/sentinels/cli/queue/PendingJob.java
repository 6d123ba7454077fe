package dev.sentinels.cli.queue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.Resources;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A queued job, reduced to what admission looks at.
 *
 * @param id job id; the last tie-break of the admission order
 * @param queue queue name, default filled in
 * @param priority numeric priority; higher goes first
 * @param submittedAt when it entered the queue; older goes first within a priority, and it starves
 *     once it has waited longer than the starvation timeout
 * @param request what its single pod requests
 * @param placement the nodes its pod may be bound to
 */
public record PendingJob(
    String id,
    String queue,
    int priority,
    Instant submittedAt,
    Resources request,
    Placement placement) {

  /** Priority descending, then submittedAt ascending, then id ascending: a total order. */
  public static final Comparator<PendingJob> ADMISSION_ORDER =
      Comparator.comparingInt(PendingJob::priority)
          .reversed()
          .thenComparing(PendingJob::submittedAt)
          .thenComparing(PendingJob::id);

  public PendingJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(request, "request");
    placement = placement == null ? Placement.ANY : placement;
  }

  /** A job that may run on any untainted node. */
  public PendingJob(String id, String queue, int priority, Instant submittedAt, Resources request) {
    this(id, queue, priority, submittedAt, request, Placement.ANY);
  }

  public PendingJob withPlacement(Placement other) {
    return new PendingJob(id, queue, priority, submittedAt, request, other);
  }

  public static PendingJob of(JobRecord job) {
    return new PendingJob(
        job.id(),
        job.spec().queueOrDefault(),
        job.priorityValue(),
        job.submittedAt(),
        job.spec().resources(),
        Placement.of(job.spec()));
  }
}
