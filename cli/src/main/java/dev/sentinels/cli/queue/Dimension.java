package dev.sentinels.cli.queue;

import dev.sentinels.api.Quantities;
import dev.sentinels.api.Resources;

/**
 * The three kinds of capacity, in the order admission weighs them: GPUs are scarcest, so they are
 * named first when explaining a wait and compared first when choosing a node.
 */
enum Dimension {
  GPUS,
  CPU,
  MEMORY;

  long of(Resources resources) {
    return switch (this) {
      case GPUS -> resources.gpus();
      case CPU -> resources.cpuMillis();
      case MEMORY -> resources.memoryBytes();
    };
  }

  /** An amount without its unit: {@code 2}, {@code 500m}, {@code 8Gi}. */
  String bare(long amount) {
    return switch (this) {
      case GPUS -> Long.toString(amount);
      case CPU -> Quantities.formatCpu(amount);
      case MEMORY -> Quantities.formatBytes(amount);
    };
  }

  /** An amount with its unit: {@code 2 gpus}, {@code 500m cpu}, {@code 8Gi memory}. */
  String withUnit(long amount) {
    return switch (this) {
      case GPUS -> amount + (amount == 1 ? " gpu" : " gpus");
      case CPU -> Quantities.formatCpu(amount) + " cpu";
      case MEMORY -> Quantities.formatBytes(amount) + " memory";
    };
  }

  /** The first dimension in which {@code need} exceeds {@code have}, or null if none does. */
  static Dimension firstShort(Resources need, Resources have) {
    for (Dimension d : values()) {
      if (d.of(need) > d.of(have)) {
        return d;
      }
    }
    return null;
  }

  /**
   * {@code needs 2 gpus, <mostLabel>1 gpu} for the first dimension in which the request exceeds
   * {@code most}, or {@code needs <request>, <noneShort>} when no single dimension does.
   */
  static String needs(Resources request, Resources most, String mostLabel, String noneShort) {
    Dimension shortOf = firstShort(request, most);
    return shortOf == null
        ? "needs " + request + ", " + noneShort
        : "needs "
            + shortOf.withUnit(shortOf.of(request))
            + ", "
            + mostLabel
            + shortOf.withUnit(shortOf.of(most));
  }
}
