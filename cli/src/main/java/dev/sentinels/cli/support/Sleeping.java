package dev.sentinels.cli.support;

/** The pause of polling loops (runner ticks, scheduler debounce, watch batches). */
public final class Sleeping {

  private Sleeping() {}

  /** Sleeps; an interrupt ends it early and stays set, for the caller's loop to see and stop. */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
