package dev.sentinels.cli.queue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Everything one admission pass looks at, gathered by a backend at one moment.
 *
 * @param nodes ready, schedulable nodes with their free capacity
 * @param active admitted and running jobs
 * @param pending queued jobs, in any order
 * @param now the time of the pass; starvation is measured against it
 * @param maxAdmissions at most this many jobs are admitted by the pass ({@link #UNLIMITED} for no
 *     cap)
 */
public record AdmissionInput(
    List<NodeCapacity> nodes,
    List<ActiveJob> active,
    List<PendingJob> pending,
    Instant now,
    int maxAdmissions) {

  public static final int UNLIMITED = Integer.MAX_VALUE;

  public AdmissionInput {
    nodes = List.copyOf(nodes);
    active = List.copyOf(active);
    pending = List.copyOf(pending);
    Objects.requireNonNull(now, "now");
    if (maxAdmissions < 0) {
      throw new IllegalArgumentException("maxAdmissions cannot be negative: " + maxAdmissions);
    }
  }

  /**
   * Splits job records into active and pending ones; terminal jobs are ignored. No cap.
   *
   * @param boundJobs where active jobs are placed already (job id to node); the others are in
   *     flight and need room the policy finds for them
   * @param nodeConstraints false on one machine (no labels, no taints): a job's nodeSelector and
   *     tolerations are left out, so a spec written for a cluster still runs
   */
  public static AdmissionInput fromRecords(
      List<NodeCapacity> nodes,
      Collection<JobRecord> jobs,
      java.util.Map<String, String> boundJobs,
      Instant now,
      boolean nodeConstraints) {
    List<ActiveJob> active = new ArrayList<>();
    List<PendingJob> pending = new ArrayList<>();
    for (JobRecord job : jobs) {
      if (job.state() == JobState.QUEUED) {
        PendingJob waiting = PendingJob.of(job);
        pending.add(nodeConstraints ? waiting : waiting.withPlacement(Placement.ANY));
      } else if (job.state().isActive()) {
        active.add(ActiveJob.of(job, boundJobs.get(job.id())));
      }
    }
    return new AdmissionInput(nodes, active, pending, now, UNLIMITED);
  }

  public AdmissionInput withMaxAdmissions(int max) {
    return new AdmissionInput(nodes, active, pending, now, max);
  }
}
