package dev.sentinels.cli.engine.port;

import dev.sentinels.api.JobRecord;
import java.util.List;

/**
 * What one admission pass did. {@code heldBy} is set when another admitter held the lease and this
 * pass did nothing. {@code live} is every record the pass saw last, as it left them (those it
 * finished too), and {@code capacity} what it planned with: the scheduler's metrics read both, so
 * they cost no extra read.
 */
public record PassReport(
    List<String> admitted,
    List<String> updated,
    String heldBy,
    List<JobRecord> live,
    Capacity capacity) {

  public PassReport {
    admitted = List.copyOf(admitted);
    updated = List.copyOf(updated);
    live = List.copyOf(live);
  }

  public PassReport(List<String> admitted, List<String> updated, String heldBy) {
    this(admitted, updated, heldBy, List.of(), null);
  }

  public static PassReport skipped(String holder) {
    return new PassReport(List.of(), List.of(), holder);
  }
}
