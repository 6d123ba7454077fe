package dev.sentinels.cli.config;

import java.nio.file.Path;

/**
 * Where Sentinels keeps its own files on this machine: {@code config.yaml}, and for the local
 * backend its database, job directories and runner files. {@code $SENTINEL_HOME}, default {@code
 * ~/.sentinel}; the system property {@code sentinel.home} wins (tests, and the runner a CLI
 * starts).
 */
public record SentinelHome(Path dir) {

  public static final String PROPERTY = "sentinel.home";

  public static SentinelHome resolve() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return new SentinelHome(Path.of(property).toAbsolutePath());
    }
    String env = System.getenv("SENTINEL_HOME");
    if (env != null && !env.isBlank()) {
      return new SentinelHome(Path.of(env).toAbsolutePath());
    }
    return new SentinelHome(Path.of(System.getProperty("user.home"), ".sentinel"));
  }

  public Path configFile() {
    return dir.resolve("config.yaml");
  }

  public Path database() {
    return dir.resolve("sentinel.db");
  }

  public Path jobsDir() {
    return dir.resolve("jobs");
  }

  public Path jobDir(String jobId) {
    return jobsDir().resolve(jobId);
  }

  /** Held (an OS file lock) by the one runner that starts and watches local jobs. */
  public Path runnerLock() {
    return dir.resolve("runner.lock");
  }

  public Path runnerLog() {
    return dir.resolve("runner.log");
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
