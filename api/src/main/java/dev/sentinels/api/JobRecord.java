package dev.sentinels.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything known about one experiment: its spec, where it is, and how it got there. Backends
 * store it (a ConfigMap per job on Kubernetes, a row locally); it outlives the job's pods.
 *
 * @param id unique job id, e.g. {@code mnist-7kq2x}
 * @param spec the resolved spec as submitted (priority may be changed later)
 * @param user who submitted it
 * @param priorityValue numeric value of {@code spec.priority()} when last set
 * @param state current state
 * @param reason why it is in that state, for people (e.g. {@code BackoffLimitExceeded})
 * @param submittedAt when it entered the queue; ties in priority are admitted oldest first
 * @param node where it runs or ran, when known
 * @param timeline state changes, oldest first; bounded by the number of states
 * @param attributes small facts backends and plugins attach (tracking run id, notified states)
 */
public record JobRecord(
    String id,
    JobSpec spec,
    String user,
    int priorityValue,
    JobState state,
    String reason,
    Instant submittedAt,
    String node,
    List<Transition> timeline,
    Map<String, String> attributes) {

  /**
   * Set, in the same write, on every transition into a terminal state: the plugins' work for it
   * (notifications, closing the tracking run) is pending until the delivering process clears it.
   * Its value is the state entered.
   */
  public static final String HOOKS_PENDING = "sentinel.hooks.pending";

  public JobRecord {
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
    attributes =
        attributes == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(attributes));
  }

  /** When it first entered {@code state}, or null. */
  public Instant enteredAt(JobState wanted) {
    for (Transition t : timeline) {
      if (t.state() == wanted) {
        return t.at();
      }
    }
    return null;
  }

  /** When it started running, or null if it never ran. */
  public Instant startedAt() {
    return enteredAt(JobState.RUNNING);
  }

  /** When it reached its terminal state, or null while it lives. */
  public Instant finishedAt() {
    return state.isTerminal()
        ? timeline.isEmpty() ? null : timeline.get(timeline.size() - 1).at()
        : null;
  }

  /** Run time so far (to {@code now}) or in total; null if it never ran. */
  public Duration runTime(Instant now) {
    Instant start = startedAt();
    if (start == null) {
      return null;
    }
    Instant end = state.isTerminal() ? finishedAt() : now;
    return Duration.between(start, end == null ? now : end);
  }

  /** A copy in {@code next} state, with the change appended to the timeline. */
  public JobRecord transition(JobState next, String why, Instant at) {
    List<Transition> longer = new java.util.ArrayList<>(timeline);
    longer.add(new Transition(next, at, why));
    Map<String, String> facts = attributes;
    if (next.isTerminal()) {
      facts = new java.util.TreeMap<>(attributes);
      facts.put(HOOKS_PENDING, next.display());
    }
    return new JobRecord(
        id, spec, user, priorityValue, next, why, submittedAt, node, longer, facts);
  }

  /** The same state for another reason (e.g. why an admitted job's pod is not starting). */
  public JobRecord withReason(String why) {
    return new JobRecord(
        id, spec, user, priorityValue, state, why, submittedAt, node, timeline, attributes);
  }

  public JobRecord withNode(String nodeName) {
    return new JobRecord(
        id, spec, user, priorityValue, state, reason, submittedAt, nodeName, timeline, attributes);
  }

  public JobRecord withAttribute(String key, String value) {
    Map<String, String> more = new java.util.TreeMap<>(attributes);
    more.put(key, value);
    return new JobRecord(
        id, spec, user, priorityValue, state, reason, submittedAt, node, timeline, more);
  }

  /** A copy with these attributes added or replaced; a null value removes the key. */
  public JobRecord withAttributes(Map<String, String> changes) {
    Map<String, String> more = new java.util.TreeMap<>(attributes);
    changes.forEach(
        (key, value) -> {
          if (value == null) {
            more.remove(key);
          } else {
            more.put(key, value);
          }
        });
    return new JobRecord(
        id, spec, user, priorityValue, state, reason, submittedAt, node, timeline, more);
  }

  public JobRecord withPriority(String className, int value) {
    return new JobRecord(
        id,
        spec.withPriority(className),
        user,
        value,
        state,
        reason,
        submittedAt,
        node,
        timeline,
        attributes);
  }
}
