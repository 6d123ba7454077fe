package dev.sentinels.cli.cluster;

import dev.sentinels.cli.support.SentinelVersion;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordination Lease that makes one admitter at a time per namespace, and the fence that makes
 * a stale one harmless.
 *
 * <p>Every write to the Lease is conditional on the resourceVersion its holder last saw. Before an
 * admitter changes any record it writes the ids it is about to admit into the Lease (the intent);
 * if another admitter took over meanwhile, that write fails and the stale admitter changes nothing.
 * An intent left behind by a holder that died is rolled forward by the next one, so a crash in the
 * middle of a pass neither loses nor doubles an admission.
 */
final class AdmissionLease {

  static final String NAME = "sentinel-admission";
  static final String INTENT_ANNOTATION = "sentinels.dev/admitting";
  static final String HOLDER_KIND_ANNOTATION = "sentinels.dev/holder-kind";

  /** The Sentinels version the holder runs, for {@code sentinel doctor}. */
  static final String HOLDER_VERSION_ANNOTATION = "sentinels.dev/holder-version";

  /** Who holds it: a one-shot CLI pass (short) or the scheduler loop (renewed continuously). */
  enum HolderKind {
    CLI,
    SCHEDULER
  }

  /**
   * The lease as this holder last wrote it; its resourceVersion is the fencing token for the next
   * write. {@code intent} is what the lease said was being admitted when it was taken.
   */
  record Held(Lease lease, List<String> intent) {
    String resourceVersion() {
      return lease.getMetadata().getResourceVersion();
    }
  }

  /** The holder lost the lease to another admitter: stop, change nothing more. */
  static final class LostLeaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostLeaseException() {
      super("another admitter took over the admission lease");
    }
  }

  /** Who else holds it, for messages and to decide whether to wait. */
  record Holder(
      String identity,
      HolderKind kind,
      ZonedDateTime renewedAt,
      int transitions,
      Optional<String> version) {}

  private final KubeAccess access;
  private final String namespace;
  private final String identity;
  private final HolderKind kind;
  private final Duration duration;
  private final Clock clock;

  AdmissionLease(
      KubeAccess access,
      String namespace,
      String identity,
      HolderKind kind,
      Duration duration,
      Clock clock) {
    this.access = access;
    this.namespace = namespace;
    this.identity = identity;
    this.kind = kind;
    this.duration = duration;
    this.clock = clock;
  }

  String identity() {
    return identity;
  }

  Duration duration() {
    return duration;
  }

  Clock clock() {
    return clock;
  }

  /** Takes the lease if it is free, expired or ours; empty when someone else holds it. */
  Optional<Held> tryAcquire() {
    Lease lease = leases().withName(NAME).get();
    if (lease == null) {
      try {
        Lease created = leases().resource(newLease()).create();
        return Optional.of(held(created));
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        lease = leases().withName(NAME).get();
        if (lease == null) {
          return Optional.empty();
        }
      }
    }
    boolean ours = identity.equals(lease.getSpec().getHolderIdentity());
    if (!ours && !isFree(lease)) {
      return Optional.empty();
    }
    ZonedDateTime now = now();
    lease.getSpec().setHolderIdentity(identity);
    lease.getSpec().setRenewTime(now);
    lease.getSpec().setLeaseDurationSeconds((int) duration.toSeconds());
    if (!ours) {
      lease.getSpec().setAcquireTime(now);
      Integer transitions = lease.getSpec().getLeaseTransitions();
      lease.getSpec().setLeaseTransitions(transitions == null ? 1 : transitions + 1);
    }
    annotations(lease).put(HOLDER_KIND_ANNOTATION, kind.name().toLowerCase());
    annotations(lease).put(HOLDER_VERSION_ANNOTATION, SentinelVersion.current());
    try {
      return Optional.of(held(leases().resource(lease).update()));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The current holder if the lease is held by someone live, else empty. */
  Optional<Holder> holder() {
    Lease lease = leases().withName(NAME).get();
    if (lease == null || isFree(lease)) {
      return Optional.empty();
    }
    String kindName = annotations(lease).getOrDefault(HOLDER_KIND_ANNOTATION, "cli");
    return Optional.of(
        new Holder(
            lease.getSpec().getHolderIdentity(),
            HolderKind.valueOf(kindName.toUpperCase()),
            lease.getSpec().getRenewTime(),
            lease.getSpec().getLeaseTransitions() == null
                ? 0
                : lease.getSpec().getLeaseTransitions(),
            Optional.ofNullable(annotations(lease).get(HOLDER_VERSION_ANNOTATION))));
  }

  /** Extends the lease; fails with {@link LostLeaseException} if it was taken over. */
  Held renew(Held held) {
    return write(held, lease -> {});
  }

  /** Records the ids about to be admitted, fenced: fails if the lease was taken over. */
  Held writeIntent(Held held, List<String> jobIds) {
    return write(
        held, lease -> annotations(lease).put(INTENT_ANNOTATION, String.join(",", jobIds)));
  }

  /** Marks the intent done. */
  Held clearIntent(Held held) {
    return write(held, lease -> annotations(lease).remove(INTENT_ANNOTATION));
  }

  /** Gives the lease up so the next admitter need not wait for it to expire. Best effort. */
  void release(Held held) {
    try {
      write(
          held,
          lease -> {
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
          });
    } catch (LostLeaseException | KubernetesClientException e) {
      // Someone else holds it now, or the server is gone: either way it is not ours to release.
    }
  }

  /**
   * A conditional update of the lease as last written: any other writer in between makes it fail.
   */
  private Held write(Held held, java.util.function.Consumer<Lease> change) {
    Lease lease = new LeaseBuilder(held.lease()).build();
    lease.getSpec().setRenewTime(now());
    change.accept(lease);
    try {
      return held(leases().resource(lease).update());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        throw new LostLeaseException();
      }
      throw e;
    }
  }

  private boolean isFree(Lease lease) {
    String holder = lease.getSpec().getHolderIdentity();
    if (holder == null || holder.isEmpty()) {
      return true;
    }
    ZonedDateTime renewed = lease.getSpec().getRenewTime();
    Integer seconds = lease.getSpec().getLeaseDurationSeconds();
    if (renewed == null || seconds == null) {
      return true;
    }
    return renewed.plusSeconds(seconds).isBefore(now());
  }

  private Lease newLease() {
    ZonedDateTime now = now();
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .addToAnnotations(HOLDER_KIND_ANNOTATION, kind.name().toLowerCase())
        .addToAnnotations(HOLDER_VERSION_ANNOTATION, SentinelVersion.current())
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(identity)
        .withLeaseDurationSeconds((int) duration.toSeconds())
        .withAcquireTime(now)
        .withRenewTime(now)
        .withLeaseTransitions(0)
        .endSpec()
        .build();
  }

  private static Held held(Lease lease) {
    String intent = annotations(lease).get(INTENT_ANNOTATION);
    List<String> ids =
        intent == null || intent.isBlank()
            ? List.of()
            : new ArrayList<>(Arrays.asList(intent.split(",")));
    return new Held(lease, List.copyOf(ids));
  }

  private static Map<String, String> annotations(Lease lease) {
    if (lease.getMetadata().getAnnotations() == null) {
      lease.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    return lease.getMetadata().getAnnotations();
  }

  private ZonedDateTime now() {
    return ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          Lease,
          io.fabric8.kubernetes.api.model.coordination.v1.LeaseList,
          io.fabric8.kubernetes.client.dsl.Resource<Lease>>
      leases() {
    return access.client().leases().inNamespace(namespace);
  }
}
