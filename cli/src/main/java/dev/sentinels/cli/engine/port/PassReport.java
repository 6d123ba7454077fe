package dev.sentinels.cli.engine.port;

import java.util.List;

/**
 * What one admission pass did. {@code heldBy} is set when another admitter held the lease and this
 * pass did nothing.
 */
public record PassReport(List<String> admitted, List<String> updated, String heldBy) {
  public static PassReport skipped(String holder) {
    return new PassReport(List.of(), List.of(), holder);
  }
}
