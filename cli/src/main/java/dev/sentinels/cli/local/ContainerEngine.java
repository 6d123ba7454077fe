package dev.sentinels.cli.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Docker or podman, when one is installed and its engine answers. Asked only when a job with an
 * image is about to start (never on a plain command), with a short timeout, and remembered for a
 * minute by the runner.
 */
record ContainerEngine(String executable) {

  static final List<String> CANDIDATES = List.of("docker", "podman");
  private static final long ANSWER_SECONDS = 3;
  private static final long REMEMBER_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static Optional<ContainerEngine> known;
  private static long knownAt;

  /**
   * The first engine in {@code preferred} (docker then podman for {@code auto}) that answers; empty
   * for {@code none}, or when none answers.
   */
  static synchronized Optional<ContainerEngine> detect(String preferred) {
    if ("none".equals(preferred)) {
      return Optional.empty();
    }
    if (known != null && System.nanoTime() - knownAt < REMEMBER_NANOS) {
      return known;
    }
    known = Optional.empty();
    for (String name : "auto".equals(preferred) ? CANDIDATES : List.of(preferred)) {
      Optional<Path> path = Machine.onPath(name);
      if (path.isPresent() && answers(path.get())) {
        known = Optional.of(new ContainerEngine(path.get().toString()));
        break;
      }
    }
    knownAt = System.nanoTime();
    return known;
  }

  private static boolean answers(Path executable) {
    return JobProcesses.runQuietly(
            ANSWER_SECONDS, executable.toString(), "version", "--format", "{{.Server.Version}}")
        == 0;
  }

  String name() {
    return Path.of(executable).getFileName().toString();
  }

  static String containerName(String jobId) {
    return "sentinel-" + jobId;
  }

  /**
   * {@code run} for the job: removed when it ends, its working directory mounted at the same path,
   * its environment passed, the command (empty: the image's own) after the image.
   */
  List<String> runCommand(
      String jobId,
      Path workDir,
      Path artifactsDir,
      String image,
      List<String> command,
      Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    argv.addAll(List.of(executable, "run", "--rm", "--name", containerName(jobId)));
    argv.addAll(List.of("-v", workDir + ":" + workDir, "-w", workDir.toString()));
    argv.addAll(List.of("-v", artifactsDir + ":" + artifactsDir));
    env.forEach((name, value) -> argv.addAll(List.of("-e", name + "=" + value)));
    argv.add(image);
    argv.addAll(command);
    return argv;
  }

  /** Stops the job's container; killing the client alone would leave it running. */
  void remove(String jobId) {
    JobProcesses.runQuietly(20, executable, "rm", "-f", containerName(jobId));
  }
}
