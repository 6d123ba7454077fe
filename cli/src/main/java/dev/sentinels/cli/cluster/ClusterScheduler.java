package dev.sentinels.cli.cluster;

import dev.sentinels.cli.backend.PassReport;
import dev.sentinels.cli.backend.Sleeping;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code sentinel scheduler}: keeps the admission lease and runs a pass whenever a record, Job, pod
 * or node changes (watches, not polling), plus a periodic resync. Passes still read fresh from the
 * API server: the watches only say when, so a lagging cache can never cause over-admission.
 */
final class ClusterScheduler {

  private static final Duration RESYNC = Duration.ofSeconds(30);
  private static final Duration RENEW = Duration.ofSeconds(5);
  private static final long DEBOUNCE_MILLIS = 200;

  private final KubernetesClient client;
  private final String namespace;
  private final ClusterAdmitter admitter;
  private final Clock clock;
  private final Runnable afterPass;

  /**
   * @param afterPass told after every pass; must not block (plugin work runs in its own thread)
   */
  ClusterScheduler(
      KubernetesClient client,
      String namespace,
      ClusterAdmitter admitter,
      Clock clock,
      Runnable afterPass) {
    this.client = client;
    this.namespace = namespace;
    this.admitter = admitter;
    this.clock = clock;
    this.afterPass = afterPass;
  }

  void run(AtomicBoolean stop, PrintStream log) {
    AtomicBoolean dirty = new AtomicBoolean(true);
    List<SharedIndexInformer<?>> informers = new ArrayList<>();
    try {
      for (Informable<?> source :
          List.of(
              ManagedObjects.records(client, namespace),
              ManagedObjects.jobs(client, namespace),
              ManagedObjects.pods(client, namespace),
              client.nodes())) {
        informers.add(inform(source, dirty));
      }
      log.printf(
          "%s scheduler %s watching namespace %s%n",
          clock.instant(), admitter.lease().identity(), namespace);
      loop(stop, dirty, log);
    } finally {
      informers.forEach(SharedIndexInformer::close);
      admitter.release();
      log.printf("%s scheduler stopped; lease released%n", clock.instant());
    }
  }

  private void loop(AtomicBoolean stop, AtomicBoolean dirty, PrintStream log) {
    Instant lastPass = Instant.EPOCH;
    Instant lastRenew = Instant.EPOCH;
    String standbyFor = null;
    while (!stop.get()) {
      Instant now = clock.instant();
      if (dirty.getAndSet(false) || now.isAfter(lastPass.plus(RESYNC))) {
        PassReport report;
        try {
          report = admitter.pass(false);
        } catch (RuntimeException e) {
          log.printf("%s pass failed: %s%n", now, e.getMessage());
          dirty.set(true);
          Sleeping.sleep(1000);
          continue;
        }
        lastPass = now;
        lastRenew = now;
        afterPass.run();
        if (report.heldBy() != null) {
          if (!report.heldBy().equals(standbyFor)) {
            log.printf("%s standby: lease held by %s%n", now, report.heldBy());
            standbyFor = report.heldBy();
          }
          dirty.set(true); // try again soon: the holder may be a one-shot CLI
          Sleeping.sleep(1000);
          continue;
        }
        if (standbyFor != null) {
          log.printf("%s holding the admission lease%n", now);
          standbyFor = null;
        }
        if (!report.admitted().isEmpty() || !report.updated().isEmpty()) {
          log.printf(
              "%s admitted %d %s, updated %d %s%n",
              now,
              report.admitted().size(),
              abbreviate(report.admitted()),
              report.updated().size(),
              abbreviate(report.updated()));
        }
      } else if (now.isAfter(lastRenew.plus(RENEW))) {
        admitter.renew();
        lastRenew = now;
      }
      Sleeping.sleep(DEBOUNCE_MILLIS);
    }
  }

  private static String abbreviate(List<String> ids) {
    if (ids.size() <= 5) {
      return ids.toString();
    }
    return ids.subList(0, 5) + "... (+" + (ids.size() - 5) + ")";
  }

  private static <T> SharedIndexInformer<T> inform(Informable<T> source, AtomicBoolean dirty) {
    return source.inform(trigger(dirty), 0);
  }

  private static <T> ResourceEventHandler<T> trigger(AtomicBoolean dirty) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        dirty.set(true);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        dirty.set(true);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        dirty.set(true);
      }
    };
  }
}
