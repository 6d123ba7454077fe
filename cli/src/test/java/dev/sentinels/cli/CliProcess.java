package dev.sentinels.cli;

import java.util.ArrayList;
import java.util.List;

/** The sentinel command line as a separate process, with this test run's JVM and class path. */
public final class CliProcess {

  private CliProcess() {}

  /** A builder for {@code sentinel args...}; redirect its streams, then start it. */
  public static ProcessBuilder builder(String... args) {
    return builder(List.of(), args);
  }

  /** The same, with JVM options first (system properties, -verbose:class...). */
  public static ProcessBuilder builder(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Sentinel.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
