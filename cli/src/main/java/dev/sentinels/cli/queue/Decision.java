package dev.sentinels.cli.queue;

import java.util.Objects;

/**
 * What a pass decided for one queued job.
 *
 * @param job the job
 * @param position 1-based place in the admission order among all queued jobs
 * @param verdict admit or wait
 * @param node for {@link Verdict#ADMIT}, the node it fits on (a hint for the backend); else null
 * @param reason for {@link Verdict#WAIT}, why; else null
 * @param reservedNode for a starving job that waits, the node held for it; else null
 */
public record Decision(
    PendingJob job,
    int position,
    Verdict verdict,
    String node,
    WaitReason reason,
    String reservedNode) {

  public enum Verdict {
    ADMIT,
    WAIT
  }

  public Decision {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(verdict, "verdict");
    if ((verdict == Verdict.ADMIT) != (node != null)
        || (verdict == Verdict.WAIT) != (reason != null)) {
      throw new IllegalArgumentException("admit needs a node, wait needs a reason: " + verdict);
    }
  }

  static Decision admit(PendingJob job, int position, String node) {
    return new Decision(job, position, Verdict.ADMIT, node, null, null);
  }

  static Decision waiting(PendingJob job, int position, WaitReason reason, String reservedNode) {
    return new Decision(job, position, Verdict.WAIT, null, reason, reservedNode);
  }

  public String jobId() {
    return job.id();
  }

  public boolean admitted() {
    return verdict == Verdict.ADMIT;
  }

  /** One line for people: {@code admit on kwok-node-1}, or the reason it waits. */
  public String message() {
    if (admitted()) {
      return "admit on " + node;
    }
    return reservedNode == null
        ? reason.message()
        : reason.message() + "; starving, node " + reservedNode + " held for it";
  }
}
