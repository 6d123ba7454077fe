package dev.sentinels.api;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 500m}, {@code 2}, {@code 4Gi}, {@code 1.5G}) to and from
 * numbers, with the same suffixes as Kubernetes so specs read the same in both backends.
 */
public final class Quantities {

  private static final Pattern QUANTITY =
      Pattern.compile("^([+]?[0-9]+(?:\\.[0-9]+)?|[+]?\\.[0-9]+)([a-zA-Z]*)$");

  private Quantities() {}

  /** Parses a CPU quantity ({@code 2}, {@code 0.5}, {@code 500m}) into millicores. */
  public static long parseCpuMillis(String text) {
    Matcher m = match(text);
    BigDecimal value = new BigDecimal(m.group(1));
    String suffix = m.group(2);
    BigDecimal millis =
        switch (suffix) {
          case "" -> value.movePointRight(3);
          case "m" -> value;
          default ->
              throw new IllegalArgumentException(
                  "'" + text + "' is not a CPU amount (use e.g. 2, 0.5 or 500m)");
        };
    return exactLong(millis, text, "a CPU amount in whole millicores (e.g. 500m)");
  }

  /** Parses a memory quantity ({@code 4Gi}, {@code 512Mi}, {@code 1G}, {@code 1000}) into bytes. */
  public static long parseBytes(String text) {
    Matcher m = match(text);
    BigDecimal value = new BigDecimal(m.group(1));
    long factor =
        switch (m.group(2)) {
          case "" -> 1L;
          case "k" -> 1000L;
          case "M" -> 1000L * 1000;
          case "G" -> 1000L * 1000 * 1000;
          case "T" -> 1000L * 1000 * 1000 * 1000;
          case "P" -> 1000L * 1000 * 1000 * 1000 * 1000;
          case "Ki" -> 1L << 10;
          case "Mi" -> 1L << 20;
          case "Gi" -> 1L << 30;
          case "Ti" -> 1L << 40;
          case "Pi" -> 1L << 50;
          default ->
              throw new IllegalArgumentException(
                  "'" + text + "' is not a memory amount (use e.g. 512Mi, 4Gi or 1G)");
        };
    return exactLong(value.multiply(BigDecimal.valueOf(factor)), text, "whole bytes");
  }

  private static Matcher match(String text) {
    Matcher m = QUANTITY.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a quantity (e.g. 2, 500m, 4Gi)");
    }
    return m;
  }

  private static long exactLong(BigDecimal value, String text, String expected) {
    try {
      return value.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not " + expected);
    }
  }

  /** Millicores in Kubernetes form: {@code 2}, {@code 500m}. */
  public static String formatCpu(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : millis + "m";
  }

  /**
   * Bytes in the largest binary unit that keeps it short: {@code 4Gi}, {@code 1.5Gi}, {@code
   * 512Mi}.
   */
  public static String formatBytes(long bytes) {
    String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    if (value == Math.rint(value)) {
      return (long) value + units[unit];
    }
    return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
  }

  /** Bytes in exact Kubernetes form for manifests: {@code 4Gi} when exact, else plain bytes. */
  public static String toKubernetesBytes(long bytes) {
    String[] units = {"Pi", "Ti", "Gi", "Mi", "Ki"};
    int[] shifts = {50, 40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes >= unit && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
