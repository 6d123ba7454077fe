package dev.sentinels.cli.queue;

import dev.sentinels.api.Resources;

/**
 * A queue's share of the cluster, for {@code sentinel queues}.
 *
 * @param queue queue name
 * @param quota most its admitted and running jobs may hold at once; null for no quota
 * @param held what its admitted and running jobs held before the pass
 * @param admitting what the pass admits for it on top of that
 * @param activeJobs how many of its jobs were admitted or running before the pass
 * @param admittedJobs how many the pass admits
 * @param waitingJobs how many stay queued after the pass
 */
public record QueueUsage(
    String queue,
    Resources quota,
    Resources held,
    Resources admitting,
    int activeJobs,
    int admittedJobs,
    int waitingJobs) {

  /** What it holds once the pass's admissions are counted. */
  public Resources heldAfterPass() {
    return held.plus(admitting);
  }
}
