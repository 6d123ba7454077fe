package dev.sentinels.cli.engine.port;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backend's part of the long-running scheduler loop (the engine's): what tells it that a pass is
 * due, and what runs around passes. On a cluster, watches; locally, the runner that starts and
 * watches processes.
 */
public interface SchedulerDriver extends AutoCloseable {

  /**
   * Gets ready (starts watches, takes the runner lock); false when another instance does the work
   * and this one should leave. May wait while {@code stop} is unset.
   */
  boolean open(AtomicBoolean stop, PrintStream log);

  /** How long the loop may idle before it leaves; empty to run until stopped. */
  default Optional<Duration> idleTimeout() {
    return Optional.empty();
  }

  /** True when a pass is due: something changed since the last look (and the driver's own work). */
  boolean changed();

  /** After each pass: start what it admitted, when the runtime needs a hand in that. */
  default void afterPass(PassReport report) {}

  /** Whether work holds the loop (jobs admitted or running here). */
  default boolean busy() {
    return true;
  }

  /** About to leave after idling: true when work arrived meanwhile and the loop should stay. */
  default boolean stayAfterIdle() {
    return false;
  }

  /** Pause between looks. */
  Duration tick();

  /** A pass at least this often, for time-based rules (starvation) and missed changes. */
  Duration resync();

  @Override
  void close();
}
