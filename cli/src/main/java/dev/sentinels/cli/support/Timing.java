package dev.sentinels.cli.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a command's start-up time goes, for {@code docs/benchmarks.md}: with {@code
 * -Dsentinel.timing=true} each mark is printed to standard error at exit, as milliseconds since the
 * process started. Off, a mark costs one boolean test.
 */
public final class Timing {

  private static final boolean ON = Boolean.getBoolean("sentinel.timing");
  private static final List<String> MARKS = new ArrayList<>();
  private static long processStartMillis;

  private Timing() {}

  public static synchronized void mark(String what) {
    if (!ON) {
      return;
    }
    if (MARKS.isEmpty()) {
      processStartMillis =
          ProcessHandle.current()
              .info()
              .startInstant()
              .map(java.time.Instant::toEpochMilli)
              .orElse(System.currentTimeMillis());
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> MARKS.forEach(System.err::println), "timing"));
    }
    MARKS.add(
        String.format(
            java.util.Locale.ROOT,
            "timing %6d ms  %s",
            System.currentTimeMillis() - processStartMillis,
            what));
  }
}
