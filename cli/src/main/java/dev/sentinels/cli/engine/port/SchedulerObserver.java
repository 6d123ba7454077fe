package dev.sentinels.cli.engine.port;

import java.time.Duration;

/**
 * What a scheduler loop tells its watchers (the {@code /metrics} endpoint): every pass it ran,
 * whether it holds admission, and each plugin delivery that failed. Called on the loop's threads;
 * an implementation only records.
 */
public interface SchedulerObserver {

  SchedulerObserver NONE = new SchedulerObserver() {};

  /** A pass this loop ran while holding admission, and how long it took. */
  default void passed(PassReport report, Duration took) {}

  /** Another admitter holds the lease; this loop stands by. */
  default void standingBy(String holder) {}

  /** A delivery to {@code target} ({@code notify.slack}, {@code tracking.mlflow}) failed. */
  default void deliveryFailed(String target) {}
}
