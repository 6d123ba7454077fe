package dev.sentinels.cli.support;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of specs, configuration and flags: Go-style parts with days, {@code
 * 90s}, {@code 30m}, {@code 1h30m}, {@code 1.5h}, {@code 1d}, {@code 500ms}; and the same form for
 * output, so a value reads back as it was written.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");

  private Durations() {}

  /** The duration, or empty when {@code text} is not one in whole milliseconds. */
  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher part = PART.matcher(text);
    BigDecimal millis = BigDecimal.ZERO;
    int end = 0;
    while (part.lookingAt()) {
      long unit =
          switch (part.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
          };
      millis = millis.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
      end = part.end();
      part.region(end, text.length());
    }
    if (end == 0 || end != text.length()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofMillis(millis.longValueExact()));
    } catch (ArithmeticException notWholeOrTooLong) {
      return Optional.empty();
    }
  }

  /** {@code 1d2h}, {@code 1h30m}, {@code 5m}, {@code 90s} → {@code 1m30s}, {@code 500ms}. */
  public static String format(Duration duration) {
    if (duration == null) {
      return null;
    }
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (millis >= units[i]) {
        text.append(millis / units[i]).append(names[i]);
        millis %= units[i];
      }
    }
    return text.toString();
  }
}
