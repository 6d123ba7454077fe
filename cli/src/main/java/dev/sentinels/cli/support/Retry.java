package dev.sentinels.cli.support;

import java.util.function.Supplier;

/**
 * The one retry loop: optimistic writes that lost to a concurrent one (re-read, decide again), ids
 * that were taken, episodes another process moved on. Each attempt decides afresh and says whether
 * it settled; the loop only bounds the attempts and, when asked, backs off between them.
 */
public final class Retry {

  /** What one attempt came to: settled (with a value, which may be null) or worth another try. */
  public record Attempt<T>(boolean settled, T value) {
    public static <T> Attempt<T> done(T value) {
      return new Attempt<>(true, value);
    }

    public static <T> Attempt<T> again() {
      return new Attempt<>(false, null);
    }
  }

  private Retry() {}

  /**
   * Runs {@code attempt} until it settles, at most {@code attempts} times, pausing {@code
   * backoffMillis} (doubling, at most a second) between tries; {@code exhausted} when none settled.
   */
  public static <T> T upTo(
      int attempts,
      long backoffMillis,
      Supplier<Attempt<T>> attempt,
      Supplier<? extends RuntimeException> exhausted) {
    long pause = backoffMillis;
    for (int i = 0; i < attempts; i++) {
      Attempt<T> result = attempt.get();
      if (result.settled()) {
        return result.value();
      }
      if (pause > 0 && i < attempts - 1) {
        Sleeping.sleep(pause);
        pause = Math.min(1000, pause * 2);
      }
    }
    throw exhausted.get();
  }

  /** The same without pauses, giving {@code fallback} when no attempt settled. */
  public static <T> T upToOrElse(int attempts, Supplier<Attempt<T>> attempt, T fallback) {
    for (int i = 0; i < attempts; i++) {
      Attempt<T> result = attempt.get();
      if (result.settled()) {
        return result.value();
      }
    }
    return fallback;
  }

  /** The same without pauses: for conditional writes, where the next try re-reads at once. */
  public static <T> T upTo(
      int attempts, Supplier<Attempt<T>> attempt, Supplier<? extends RuntimeException> exhausted) {
    return upTo(attempts, 0, attempt, exhausted);
  }
}
