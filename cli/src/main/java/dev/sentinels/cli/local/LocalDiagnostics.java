package dev.sentinels.cli.local;

import dev.sentinels.cli.engine.port.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The local backend's answers for {@code sentinel doctor}: the home and its container engine, the
 * runner that holds the home's lock, and whether this user may write the home (the only permission
 * there is locally).
 */
final class LocalDiagnostics implements Diagnostics {

  private final LocalBackend backend;

  LocalDiagnostics(LocalBackend backend) {
    this.backend = backend;
  }

  @Override
  public String connection() {
    String preferred = backend.config().containerEngine();
    String containers =
        ContainerEngine.detect(preferred)
            .map(e -> "jobs with an image run in " + e.name())
            .orElse(
                "none".equals(preferred)
                    ? "containers switched off (containerEngine: none)"
                    : "no docker or podman answers: jobs with an image cannot run");
    return "home " + backend.home() + ", jobs as processes; " + containers;
  }

  @Override
  public Optional<Admitter> admitter() {
    if (!RunnerLock.held(backend.home())) {
      return Optional.empty();
    }
    String pid = RunnerLock.holderPid(backend.home()).map(p -> " (pid " + p + ")").orElse("");
    return Optional.of(new Admitter("local runner" + pid, true, Optional.empty(), Duration.ZERO));
  }

  @Override
  public boolean admitterNeeded() {
    return false; // every command starts a runner when a job is queued
  }

  @Override
  public Installation installation() {
    Path file = backend.home().configFile();
    return new Installation(
        Files.exists(file) ? file.toString() : "no " + file + ": built-in defaults",
        Optional.empty());
  }

  @Override
  public Optional<String> missing(Capability capability) {
    Path dir = backend.home().dir();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent(); // a fresh home is made on first use, under its parent
    }
    if (existing == null || !Files.isWritable(existing)) {
      return Optional.of("write " + (existing == null ? dir : existing));
    }
    return Optional.empty();
  }
}
