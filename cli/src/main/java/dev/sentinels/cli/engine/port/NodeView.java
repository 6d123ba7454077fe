package dev.sentinels.cli.engine.port;

import dev.sentinels.api.Resources;

/** One node (or the local machine): what it has, what is requested of it, whether it takes work. */
public record NodeView(
    String name,
    Resources allocatable,
    Resources requested,
    int pods,
    boolean ready,
    boolean schedulable) {

  /** Ready and not cordoned. */
  public boolean accepting() {
    return ready && schedulable;
  }

  public Resources free() {
    return allocatable.minusClamped(requested);
  }
}
