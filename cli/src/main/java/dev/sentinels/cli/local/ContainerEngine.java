package dev.sentinels.cli.local;

import dev.sentinels.api.DataMount;
import dev.sentinels.api.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Docker or podman, when one is installed and its engine answers. Asked only when a job with an
 * image is about to start (never on a plain command), with a short timeout, and remembered for a
 * minute by the runner. A job's container is named after it, kept after it ends until its exit is
 * recorded (so a runner that died meanwhile still finds the exit code), then removed.
 */
record ContainerEngine(String executable) {

  static final List<String> CANDIDATES = List.of("docker", "podman");
  private static final long ANSWER_SECONDS = 3;
  private static final long PULL_SECONDS = 300;
  private static final long REMEMBER_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static Optional<ContainerEngine> known;
  private static long knownAt;

  /** What a short engine command printed and how it ended. */
  record Answer(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }

    /** The engine's own last line, e.g. why a pull failed. */
    String lastLine() {
      List<String> lines = output.strip().lines().filter(l -> !l.isBlank()).toList();
      return lines.isEmpty() ? "exit code " + exit : lines.get(lines.size() - 1).strip();
    }
  }

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
      if (path.isPresent()
          && new ContainerEngine(path.get().toString())
              .ask(ANSWER_SECONDS, "version", "--format", "{{.Server.Version}}")
              .ok()) {
        known = Optional.of(new ContainerEngine(path.get().toString()));
        break;
      }
    }
    knownAt = System.nanoTime();
    return known;
  }

  String name() {
    return Path.of(executable).getFileName().toString();
  }

  static String containerName(String jobId) {
    return "sentinel-" + jobId;
  }

  /** Whether the engine has the image already (so a run needs no pull). */
  boolean hasImage(String image) {
    return ask(ANSWER_SECONDS * 5, "image", "inspect", "--format", "{{.Id}}", image).ok();
  }

  /** Pulls the image; the answer says why it could not. */
  Answer pull(String image) {
    return ask(PULL_SECONDS, "pull", image);
  }

  /** The image's content digest as the engine has it ({@code sha256:...}), if it knows one. */
  Optional<String> digest(String image) {
    Answer digest = ask(ANSWER_SECONDS * 5, "image", "inspect", "--format", "{{.Digest}}", image);
    String text = digest.output().strip();
    if (digest.ok() && text.startsWith("sha256:")) {
      return Optional.of(text);
    }
    Answer id = ask(ANSWER_SECONDS * 5, "image", "inspect", "--format", "{{.Id}}", image);
    String idText = id.output().strip();
    return id.ok() && !idText.isEmpty()
        ? Optional.of(idText.startsWith("sha256:") ? idText : "sha256:" + idText)
        : Optional.empty();
  }

  /**
   * {@code run} for the job: its working and artifacts directories mounted at the same paths (it
   * starts in the image's working directory, as in a pod), its requests as the container's limits,
   * its hostPath data read-only at their mount paths, its environment passed, the host's network
   * (so it reaches a tracking server on localhost as a host process would), the command (empty: the
   * image's own) after the image.
   */
  List<String> runCommand(
      String jobId,
      Path workDir,
      Path artifactsDir,
      String image,
      Resources resources,
      List<DataMount> data,
      List<String> command,
      Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    argv.addAll(List.of(executable, "run", "--name", containerName(jobId)));
    argv.addAll(List.of("--network", "host", "--pull", "never"));
    if (resources.cpuMillis() > 0) {
      argv.add("--cpus=" + resources.cpuMillis() / 1000.0);
    }
    if (resources.memoryBytes() > 0) {
      argv.add("--memory=" + resources.memoryBytes() + "b");
    }
    if (resources.gpus() > 0) {
      argv.addAll(List.of("--device", "nvidia.com/gpu=all")); // CDI, as the NVIDIA toolkit names it
    }
    // The image's own working directory, as in a pod; the job's directories at their host paths.
    argv.addAll(List.of("-v", workDir + ":" + workDir));
    argv.addAll(List.of("-v", artifactsDir + ":" + artifactsDir));
    // hostPath data read-only where the spec mounts it, as a pod's volume would be; a claim has no
    // local counterpart.
    for (DataMount mount : data) {
      if (mount.hostPath() != null) {
        String source =
            mount.subPath() == null ? mount.hostPath() : mount.hostPath() + "/" + mount.subPath();
        argv.addAll(List.of("-v", source + ":" + mount.mountPath() + ":ro"));
      }
    }
    env.forEach((name, value) -> argv.addAll(List.of("-e", name + "=" + value)));
    argv.add(image);
    argv.addAll(command);
    return argv;
  }

  /** The container's state and exit code, e.g. {@code exited 3}; empty when there is none. */
  Optional<String> state(String jobId) {
    Answer answer =
        ask(
            ANSWER_SECONDS * 5,
            "inspect",
            "--format",
            "{{.State.Status}} {{.State.ExitCode}}",
            containerName(jobId));
    return answer.ok() ? Optional.of(answer.output().strip()) : Optional.empty();
  }

  /** Stops and removes the job's container; killing the client alone would leave it running. */
  void remove(String jobId) {
    ask(20, "rm", "-f", "-t", "2", containerName(jobId));
  }

  /** Runs {@code executable args...} briefly, its output captured. */
  Answer ask(long timeoutSeconds, String... args) {
    List<String> command = new ArrayList<>(List.of(executable));
    command.addAll(List.of(args));
    Path output = null;
    try {
      output = java.nio.file.Files.createTempFile("sentinel-engine", ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Answer(-1, "no answer within " + timeoutSeconds + " s");
      }
      return new Answer(
          process.exitValue(), java.nio.file.Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Answer(-1, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted");
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }
}
