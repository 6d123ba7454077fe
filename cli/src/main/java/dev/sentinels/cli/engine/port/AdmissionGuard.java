package dev.sentinels.cli.engine.port;

import java.util.List;

/**
 * Makes one admitter at a time: the coordination Lease on a cluster, the database's write lock
 * locally. Under it a pass may trust that no other pass admits on the same free capacity.
 */
public interface AdmissionGuard {

  /** Who admits, as records' timelines and the lease name it. */
  String identity();

  /**
   * Runs {@code pass} as the only admitter, or returns {@link PassReport#skipped} naming who holds
   * the guard. A long-lived guard keeps it afterwards (renew it); a one-shot one gives it up.
   */
  PassReport run(Pass pass);

  /**
   * Makes sure a pass starts after the caller's last write: runs one, or sees that another admitter
   * will (a scheduler that watches, or a command that took the guard after that write).
   */
  PassReport runAfterWrite(Pass pass);

  /** Keeps a long-lived guard between passes; false when it was lost. */
  default boolean renew() {
    return true;
  }

  /** Gives a long-lived guard up (scheduler shutdown). */
  default void release() {}

  /** An admission pass, given the fence of the guard it runs under. */
  @FunctionalInterface
  interface Pass {
    PassReport run(Fence fence);
  }

  /**
   * The intent of a pass, kept with the guard: the ids it is about to admit are written before any
   * record, so a stale holder's write fails and changes nothing, and a holder that died mid-pass is
   * finished by the next. A guard whose pass is one transaction needs none of this.
   */
  interface Fence {
    /** What a previous holder was admitting when it stopped; the pass finishes it first. */
    List<String> unfinished();

    /** Records the ids about to be admitted; fails (and the pass stops) if the guard was lost. */
    void intend(List<String> ids);

    /** Clears the intent once the admissions are written. */
    void done();

    Fence NONE =
        new Fence() {
          @Override
          public List<String> unfinished() {
            return List.of();
          }

          @Override
          public void intend(List<String> ids) {}

          @Override
          public void done() {}
        };
  }
}
