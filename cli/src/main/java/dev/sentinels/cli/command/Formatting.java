package dev.sentinels.cli.command;

import dev.sentinels.api.Quantities;
import dev.sentinels.api.Resources;
import java.time.Duration;
import java.time.Instant;

/** How times, durations and resources read in tables: as kubectl prints ages. */
public final class Formatting {

  private Formatting() {}

  private static final java.time.format.DateTimeFormatter INSTANT =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  /** A moment to the millisecond, always as wide: {@code 2026-12-02T05:11:37.734Z}. */
  public static String instant(Instant at) {
    return at == null ? null : INSTANT.format(at);
  }

  /** kubectl's short age: 45s, 12m, 3h5m, 2d4h. */
  public static String age(Duration d) {
    if (d == null) {
      return "";
    }
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 24) {
      return m % 60 == 0 || h >= 8 ? h + "h" : h + "h" + m % 60 + "m";
    }
    long days = h / 24;
    return h % 24 == 0 || days >= 8 ? days + "d" : days + "d" + h % 24 + "h";
  }

  public static String since(Instant then, Instant now) {
    return then == null ? "" : age(Duration.between(then, now));
  }

  /** {@code 2/8} style: cpu cores. */
  public static String cpu(long millis) {
    return Quantities.formatCpu(millis);
  }

  public static String memory(long bytes) {
    return Quantities.formatBytes(bytes);
  }

  /** Compact request: {@code 2cpu 4Gi 1gpu}. */
  public static String request(Resources r) {
    return cpu(r.cpuMillis())
        + "cpu "
        + memory(r.memoryBytes())
        + (r.gpus() > 0 ? " " + r.gpus() + "gpu" : "");
  }
}
