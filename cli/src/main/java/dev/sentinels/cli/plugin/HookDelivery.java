package dev.sentinels.cli.plugin;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.JobEvent;
import dev.sentinels.api.plugin.Notifier;
import dev.sentinels.api.plugin.TrackingBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers the plugins' work for terminal transitions, exactly once per transition in normal
 * operation however many processes deliver at once:
 *
 * <ol>
 *   <li>the process that writes a terminal state marks it pending in the same write ({@link
 *       JobRecord#HOOKS_PENDING});
 *   <li>a deliverer claims the record with a conditional write ({@value #CLAIM} = owner and
 *       expiry): of two racing deliverers only one wins;
 *   <li>each target (the tracking run, each notifier) is called, and acknowledged at once with a
 *       conditional write ({@value #DONE}{@code <target>}), so a retry skips what was delivered;
 *   <li>when all are done the pending mark and claim are removed; on failure the claim is released
 *       with a retry time (exponential backoff) and the error.
 * </ol>
 *
 * A process that dies between a call and its acknowledgement leaves a claim that expires; the next
 * deliverer repeats that one call (at-least-once in that window only). After {@value #MAX_ATTEMPTS}
 * failed attempts the work is dropped and the record says so.
 */
public final class HookDelivery {

  static final String CLAIM = "sentinel.hooks.claim";
  static final String DONE = "sentinel.hooks.done.";
  static final String ATTEMPTS = "sentinel.hooks.attempts";
  static final String RETRY_AT = "sentinel.hooks.retryAt";
  static final String ERROR = "sentinel.hooks.error";
  static final String GAVE_UP = "sentinel.hooks.gaveUp";
  static final int MAX_ATTEMPTS = 10;
  static final Duration CLAIM_FOR = Duration.ofMinutes(2);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  static final long CALL_TIMEOUT_MILLIS = 10_000;

  /**
   * Work older than this is dropped, not delivered: jobs that ended before plugins were configured
   * (or while delivery was down for a day) would otherwise all notify at once.
   */
  static final Duration TOO_OLD = Duration.ofHours(24);

  static final String SKIPPED = "sentinel.hooks.skipped";

  /**
   * What a delivery run did, per job: targets delivered and failures (masked); and the target of
   * each failed call ({@code notify.slack}), for the failure counter.
   */
  public record Report(
      Map<String, List<String>> delivered, Map<String, String> failed, List<String> failedTargets) {
    public static final Report EMPTY = new Report(Map.of(), Map.of(), List.of());
  }

  private final PluginHost plugins;
  private final HookStore store;
  private final String owner;
  private final String target;
  private final Clock clock;

  HookDelivery(PluginHost plugins, HookStore store, String owner, String target, Clock clock) {
    this.plugins = plugins;
    this.store = store;
    this.owner = owner;
    this.target = target;
    this.clock = clock;
  }

  Report run(Instant deadline) {
    Map<String, List<String>> delivered = new LinkedHashMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    List<String> failedTargets = new ArrayList<>();
    for (JobRecord record : store.pendingHooks()) {
      if (!clock.instant().isBefore(deadline)) {
        break;
      }
      if (waiting(record)) {
        continue;
      }
      if (tooOld(record)) {
        Map<String, String> skip = new HashMap<>();
        skip.put(JobRecord.HOOKS_PENDING, null);
        skip.put(SKIPPED, "ended more than " + TOO_OLD.toHours() + "h before delivery");
        store.update(
            record.id(),
            r ->
                tooOld(r) && r.attributes().containsKey(JobRecord.HOOKS_PENDING)
                    ? r.withAttributes(skip)
                    : null);
        continue;
      }
      Optional<JobRecord> claimed = store.update(record.id(), this::claim);
      if (claimed.isEmpty()) {
        continue; // someone else delivers it, or it is done
      }
      deliver(claimed.get(), deadline, delivered, failed, failedTargets);
    }
    return new Report(delivered, failed, failedTargets);
  }

  private boolean tooOld(JobRecord record) {
    Instant finished = record.finishedAt();
    return finished != null && finished.plus(TOO_OLD).isBefore(clock.instant());
  }

  private boolean waiting(JobRecord record) {
    String retryAt = record.attributes().get(RETRY_AT);
    return retryAt != null && clock.instant().isBefore(Instant.parse(retryAt));
  }

  private JobRecord claim(JobRecord current) {
    if (!current.attributes().containsKey(JobRecord.HOOKS_PENDING) || waiting(current)) {
      return null;
    }
    String claim = current.attributes().get(CLAIM);
    if (claim != null && !ownedBy(claim, owner) && !expired(claim)) {
      return null;
    }
    return current.withAttribute(CLAIM, owner + " " + clock.instant().plus(CLAIM_FOR));
  }

  private static boolean ownedBy(String claim, String who) {
    return claim.startsWith(who + " ");
  }

  private boolean expired(String claim) {
    String expiry = claim.substring(claim.lastIndexOf(' ') + 1);
    return !clock.instant().isBefore(Instant.parse(expiry));
  }

  private JobRecord ifOwned(JobRecord current, Map<String, String> changes) {
    String claim = current.attributes().get(CLAIM);
    return claim != null && ownedBy(claim, owner) ? current.withAttributes(changes) : null;
  }

  private void deliver(
      JobRecord record,
      Instant deadline,
      Map<String, List<String>> delivered,
      Map<String, String> failed,
      List<String> failedTargets) {
    JobState state = record.state();
    String stateName = record.attributes().get(JobRecord.HOOKS_PENDING);
    List<String> done = new ArrayList<>();
    String error = null;
    for (Target t : targets(record)) {
      if (stateName.equals(record.attributes().get(DONE + t.name()))) {
        continue;
      }
      if (!clock.instant().isBefore(deadline)) {
        error = "out of time; continues in the next pass";
        break;
      }
      try {
        long budget = Math.max(1, Math.min(CALL_TIMEOUT_MILLIS, millisUntil(deadline)));
        plugins.call(budget, t.call());
      } catch (Exception e) {
        error = t.name() + ": " + plugins.describe(e);
        failedTargets.add(t.name());
        break;
      }
      Optional<JobRecord> acked =
          store.update(record.id(), r -> ifOwned(r, Map.of(DONE + t.name(), stateName)));
      if (acked.isEmpty()) {
        return; // lost the claim (expired and taken): the new owner carries on
      }
      record = acked.get();
      done.add(t.name());
    }
    if (!done.isEmpty()) {
      delivered.put(record.id(), done);
    }
    Map<String, String> changes = new HashMap<>();
    changes.put(CLAIM, null);
    if (error == null) {
      changes.put(JobRecord.HOOKS_PENDING, null);
      changes.put(ATTEMPTS, null);
      changes.put(RETRY_AT, null);
      changes.put(ERROR, null);
    } else {
      failed.put(record.id(), error);
      int attempts = Integer.parseInt(record.attributes().getOrDefault(ATTEMPTS, "0")) + 1;
      changes.put(ERROR, error.length() > 300 ? error.substring(0, 300) : error);
      if (attempts >= MAX_ATTEMPTS) {
        changes.put(JobRecord.HOOKS_PENDING, null);
        changes.put(ATTEMPTS, null);
        changes.put(RETRY_AT, null);
        changes.put(GAVE_UP, state.display() + " after " + attempts + " attempts");
      } else {
        changes.put(ATTEMPTS, Integer.toString(attempts));
        changes.put(RETRY_AT, clock.instant().plus(backoff(attempts)).toString());
      }
    }
    store.update(record.id(), r -> ifOwned(r, changes));
  }

  static Duration backoff(int attempts) {
    Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempts - 1, 20));
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  private long millisUntil(Instant deadline) {
    return Duration.between(clock.instant(), deadline).toMillis();
  }

  private record Target(String name, java.util.concurrent.Callable<Object> call) {}

  private List<Target> targets(JobRecord record) {
    List<Target> targets = new ArrayList<>();
    String tracker = record.attributes().get(JobHooks.TRACKING);
    Optional<PluginHost.Active<TrackingBackend>> tracking = plugins.tracking();
    if (tracker != null && tracking.isPresent() && tracking.get().pluginId().equals(tracker)) {
      targets.add(
          new Target(
              "tracking." + tracker,
              () -> {
                tracking.get().extension().finishRun(record);
                return null;
              }));
    }
    JobEvent event = event(record);
    for (PluginHost.Active<Notifier> notifier : plugins.notifiers()) {
      if (PluginHost.notifyOn(notifier.config()).contains(record.state())) {
        targets.add(
            new Target(
                "notify." + notifier.pluginId(),
                () -> {
                  notifier.extension().jobChanged(event);
                  return null;
                }));
      }
    }
    return targets;
  }

  private JobEvent event(JobRecord record) {
    Map<String, String> links = new LinkedHashMap<>();
    JobHooks.trackingLink(record)
        .ifPresent(link -> links.put(record.attributes().get(JobHooks.TRACKING) + " run", link));
    return new JobEvent(record, record.state(), record.runTime(clock.instant()), links, target);
  }
}
