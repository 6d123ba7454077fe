package dev.sentinels.cli.cluster;

import dev.sentinels.cli.cluster.AdmissionLease.Held;
import dev.sentinels.cli.cluster.AdmissionLease.LostLeaseException;
import dev.sentinels.cli.engine.port.AdmissionGuard;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.support.Sleeping;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Admission on a cluster: one pass at a time per namespace under the {@link AdmissionLease}, with
 * the lease's intent annotation as the fence. A one-shot command releases the lease after its pass;
 * the scheduler keeps and renews it.
 */
final class LeaseGuard implements AdmissionGuard {

  private final AdmissionLease lease;
  private final boolean longLived;
  private Held held;

  LeaseGuard(AdmissionLease lease, boolean longLived) {
    this.lease = lease;
    this.longLived = longLived;
  }

  @Override
  public String identity() {
    return lease.identity();
  }

  @Override
  public synchronized PassReport run(Pass pass) {
    Optional<Held> acquired = lease.tryAcquire();
    if (acquired.isEmpty()) {
      return PassReport.skipped(
          lease.holder().map(AdmissionLease.Holder::identity).orElse("another admitter"));
    }
    held = acquired.get();
    try {
      return pass.run(fence());
    } catch (LostLeaseException e) {
      held = null;
      return PassReport.skipped("another admitter (took over during the pass)");
    } finally {
      if (!longLived && held != null) {
        lease.release(held);
        held = null;
      }
    }
  }

  private Fence fence() {
    return new Fence() {
      @Override
      public List<String> unfinished() {
        return held.intent();
      }

      @Override
      public void intend(List<String> ids) {
        held = lease.writeIntent(held, ids);
      }

      @Override
      public void done() {
        held = lease.clearIntent(held);
      }
    };
  }

  /**
   * Runs a pass, or waits for the lease while another command holds it: until that one releases it
   * or someone takes it anew (that pass started after our write, so it sees it). The scheduler
   * holding it is enough: it watches records and passes promptly.
   */
  @Override
  public PassReport runAfterWrite(Pass pass) {
    Clock clock = lease.clock();
    Instant deadline = clock.instant().plus(lease.duration()).plusSeconds(5);
    Integer transitionsSeen = null;
    PassReport report = PassReport.skipped("another admitter");
    while (clock.instant().isBefore(deadline)) {
      try {
        report = run(pass);
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 403) {
          throw e;
        }
        // A user bound only in this namespace (sentinels-user) may not read the cluster's capacity:
        // the write stands, and the in-cluster scheduler admits.
        System.err.println(
            "warning: not admitted from here ("
                + ClusterErrors.translate(e).map(Throwable::getMessage).orElse(e.getMessage())
                + "); the in-cluster scheduler admits it");
        return PassReport.skipped("the in-cluster scheduler");
      }
      if (report.heldBy() == null) {
        return report;
      }
      Optional<AdmissionLease.Holder> holder = lease.holder();
      if (holder.isPresent()) {
        if (holder.get().kind() == AdmissionLease.HolderKind.SCHEDULER) {
          return report;
        }
        int transitions = holder.get().transitions();
        if (transitionsSeen == null) {
          transitionsSeen = transitions;
        } else if (transitions != transitionsSeen) {
          return report;
        }
      }
      Sleeping.sleep(50);
      if (Thread.currentThread().isInterrupted()) {
        return report;
      }
    }
    return report;
  }

  @Override
  public synchronized boolean renew() {
    if (held == null) {
      return false;
    }
    try {
      held = lease.renew(held);
      return true;
    } catch (LostLeaseException e) {
      held = null;
      return false;
    }
  }

  @Override
  public synchronized void release() {
    if (held != null) {
      lease.release(held);
      held = null;
    }
  }
}
