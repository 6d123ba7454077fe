package dev.sentinels.cli.local;

import dev.sentinels.api.Resources;
import dev.sentinels.cli.config.SentinelConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** This machine as the one node of the local backend: its name and what it can give to jobs. */
final class Machine {

  private Machine() {}

  /** The host name, without a DNS lookup (which can take seconds on a badly set up machine). */
  static String name() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException e) {
      // Not Linux: fall through.
    }
    String env = System.getenv("HOSTNAME");
    return env != null && !env.isBlank() ? env : "localhost";
  }

  /** Configured capacity, with unconfigured parts detected: cores, memory, GPUs (nvidia-smi). */
  static Resources capacity(SentinelConfig.Capacity configured) {
    long cpu =
        configured.cpuMillis() != null
            ? configured.cpuMillis()
            : Runtime.getRuntime().availableProcessors() * 1000L;
    long memory = configured.memoryBytes() != null ? configured.memoryBytes() : memoryBytes();
    long gpus = configured.gpus() != null ? configured.gpus() : gpus();
    return new Resources(cpu, memory, gpus);
  }

  private static long memoryBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux: fall back to what the JVM was told it may use.
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** The executable {@code name} on the PATH, if there is one. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** GPUs nvidia-smi lists; none when it is not installed or does not answer. */
  static long gpus() {
    Optional<Path> smi = onPath("nvidia-smi");
    if (smi.isEmpty()) {
      return 0;
    }
    try {
      Process process =
          new ProcessBuilder(smi.get().toString(), "-L").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return 0;
      }
      return out.lines().filter(l -> l.startsWith("GPU ")).count();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
