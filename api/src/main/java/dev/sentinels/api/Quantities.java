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

  /**
   * Kubernetes' quantity grammar: a signed decimal, then a binary or decimal SI suffix or an
   * exponent.
   */
  private static final Pattern QUANTITY =
      Pattern.compile(
          "^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$");

  private Quantities() {}

  /**
   * The value of any Kubernetes quantity ({@code 500m}, {@code 2}, {@code 4Gi}, {@code 1.5G},
   * {@code 1e3}, {@code 16389012Ki}): the one parser for specs, configuration and what the cluster
   * reports.
   */
  public static BigDecimal amount(String text) {
    Matcher m = QUANTITY.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a quantity (e.g. 2, 500m, 4Gi)");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2);
    if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    }
    return switch (suffix) {
      case "" -> number;
      case "n" -> number.scaleByPowerOfTen(-9);
      case "u" -> number.scaleByPowerOfTen(-6);
      case "m" -> number.scaleByPowerOfTen(-3);
      case "k" -> number.scaleByPowerOfTen(3);
      case "M" -> number.scaleByPowerOfTen(6);
      case "G" -> number.scaleByPowerOfTen(9);
      case "T" -> number.scaleByPowerOfTen(12);
      case "P" -> number.scaleByPowerOfTen(15);
      case "E" -> number.scaleByPowerOfTen(18);
      default -> number.multiply(BigDecimal.valueOf(2).pow(binaryPower(suffix)));
    };
  }

  private static int binaryPower(String suffix) {
    return 10 * ("KMGTPE".indexOf(suffix.charAt(0)) + 1);
  }

  /** Parses a CPU quantity ({@code 2}, {@code 0.5}, {@code 500m}) into millicores. */
  public static long parseCpuMillis(String text) {
    BigDecimal cores = amount(text);
    if (text.trim().matches(".*[KMGTPE]i$")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a CPU amount (use e.g. 2, 0.5 or 500m)");
    }
    return exactLong(cores.movePointRight(3), text, "a CPU amount in whole millicores (e.g. 500m)");
  }

  /** Parses a memory quantity ({@code 4Gi}, {@code 512Mi}, {@code 1G}, {@code 1000}) into bytes. */
  public static long parseBytes(String text) {
    return exactLong(amount(text), text, "whole bytes");
  }

  /** A quantity the cluster reports, in whole {@code unit}s rounded up, as its scheduler counts. */
  public static long ceil(String text, int decimalPlaces) {
    return amount(text)
        .movePointRight(decimalPlaces)
        .setScale(0, java.math.RoundingMode.CEILING)
        .longValueExact();
  }

  private static long exactLong(BigDecimal value, String text, String expected) {
    if (value.signum() < 0) {
      throw new IllegalArgumentException("'" + text + "' cannot be negative");
    }
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
