package dev.sentinels.api;

/**
 * A node's taint: {@code NoSchedule} and {@code NoExecute} keep away every pod that does not
 * tolerate it ({@code PreferNoSchedule} only discourages, and does not bar admission).
 */
public record Taint(String key, String value, String effect) {

  /** Whether a pod that does not tolerate it can never be placed on the node. */
  public boolean bars() {
    return "NoSchedule".equals(effect) || "NoExecute".equals(effect);
  }
}
