package dev.sentinels.cli.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a running {@code sentinel scheduler} says about itself, per namespace it manages: for the
 * health endpoint's probes. Live while every loop has gone round recently (a loop stuck in a call
 * stops beating); ready once every loop has its watches open, whether it holds admission or stands
 * by (a standby replica is healthy: it is there to take over).
 */
public final class SchedulerHealth {

  /** A loop that has not gone round for this long is stuck. */
  public static final Duration STALE = Duration.ofSeconds(60);

  private final Clock clock;
  private final Map<String, Scope> scopes = new TreeMap<>();

  public SchedulerHealth(Clock clock) {
    this.clock = clock;
  }

  /** Registers a loop before it starts, so readiness waits for it. */
  public synchronized Scope scope(String name) {
    return scopes.computeIfAbsent(name, n -> new Scope());
  }

  /** Forgets a loop that ended on purpose (its namespace was deleted). */
  public synchronized void remove(String name) {
    scopes.remove(name);
  }

  public synchronized boolean live() {
    Instant now = clock.instant();
    return scopes.values().stream()
        .allMatch(s -> s.beat == null || !s.beat.plus(STALE).isBefore(now));
  }

  public synchronized boolean ready() {
    return !scopes.isEmpty() && scopes.values().stream().allMatch(s -> s.beat != null);
  }

  /** A line per loop: {@code NAME ROLE (last beat Ns ago)}, for the probe's body. */
  public synchronized String report() {
    Instant now = clock.instant();
    StringBuilder text = new StringBuilder();
    scopes.forEach(
        (name, s) ->
            text.append(name)
                .append(' ')
                .append(s.role)
                .append(
                    s.beat == null
                        ? ""
                        : " (last beat " + Duration.between(s.beat, now).toSeconds() + "s ago)")
                .append('\n'));
    return text.toString();
  }

  /** One loop's side. */
  public final class Scope {
    private Instant beat;
    private String role = "starting";

    /** Called every time round the loop: {@code holding admission} or {@code standby ...}. */
    public void beat(String role) {
      synchronized (SchedulerHealth.this) {
        this.beat = clock.instant();
        this.role = role;
      }
    }
  }
}
