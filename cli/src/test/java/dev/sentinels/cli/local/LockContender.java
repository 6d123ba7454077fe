package dev.sentinels.cli.local;

import dev.sentinels.cli.config.SentinelHome;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Run as its own process by a test: takes and releases the runner lock of the home in {@code
 * args[0]} {@code args[1]} times, as starting runners do, and prints how often it found it taken.
 */
public final class LockContender {

  private LockContender() {}

  public static void main(String[] args) {
    SentinelHome home = new SentinelHome(Path.of(args[0]));
    int taken = 0;
    for (int i = 0; i < Integer.parseInt(args[1]); i++) {
      Optional<RunnerLock> lock = RunnerLock.tryAcquire(home);
      if (lock.isEmpty()) {
        taken++;
      } else {
        lock.get().close();
      }
    }
    System.out.println(taken);
  }
}
