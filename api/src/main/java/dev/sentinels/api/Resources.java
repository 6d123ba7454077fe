package dev.sentinels.api;

/**
 * An amount of compute: CPU in millicores, memory in bytes and whole GPUs. Immutable; arithmetic
 * returns new values. Used for job requests, node capacity and queue quotas alike.
 */
public record Resources(long cpuMillis, long memoryBytes, long gpus) {

  public static final Resources ZERO = new Resources(0, 0, 0);

  /**
   * A dimension a quota does not limit. Far below overflow, so sums of a few stay exact and still
   * read as unbounded.
   */
  public static final long UNBOUNDED = Long.MAX_VALUE / 4;

  public Resources {
    if (cpuMillis < 0 || memoryBytes < 0 || gpus < 0) {
      throw new IllegalArgumentException(
          "resources cannot be negative: "
              + cpuMillis
              + "m cpu, "
              + memoryBytes
              + " bytes, "
              + gpus
              + " gpus");
    }
  }

  public Resources plus(Resources other) {
    return new Resources(
        cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, gpus + other.gpus);
  }

  /** This minus {@code other}, never below zero in any dimension. */
  public Resources minusClamped(Resources other) {
    return new Resources(
        Math.max(0, cpuMillis - other.cpuMillis),
        Math.max(0, memoryBytes - other.memoryBytes),
        Math.max(0, gpus - other.gpus));
  }

  /** Whether a request of this size fits into {@code available} in every dimension. */
  public boolean fitsIn(Resources available) {
    return cpuMillis <= available.cpuMillis
        && memoryBytes <= available.memoryBytes
        && gpus <= available.gpus;
  }

  public boolean isZero() {
    return cpuMillis == 0 && memoryBytes == 0 && gpus == 0;
  }

  /** Human form, e.g. {@code 2 cpu, 8Gi, 1 gpu}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(cpuMillis >= UNBOUNDED ? "any" : Quantities.formatCpu(cpuMillis)).append(" cpu, ");
    text.append(memoryBytes >= UNBOUNDED ? "any memory" : Quantities.formatBytes(memoryBytes));
    if (gpus >= UNBOUNDED) {
      text.append(", any gpus");
    } else if (gpus > 0) {
      text.append(", ").append(gpus).append(gpus == 1 ? " gpu" : " gpus");
    }
    return text.toString();
  }
}
