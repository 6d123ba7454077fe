package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import java.time.Instant;
import java.util.Optional;

/** What a local job's record says about its process: attribute names and how to read them. */
final class LocalAttributes {

  /** The wrapper's pid, which leads the job's process group. */
  static final String PID = "local.pid";

  /** When that process started: a later process with a reused pid is not the job. */
  static final String PROCESS_START = "local.processStart";

  /** {@code host}, {@code docker} or {@code podman}. */
  static final String RUNTIME = "local.runtime";

  /** The command's exit code once it ended. */
  static final String EXIT_CODE = "local.exitCode";

  /** The content digest of the image a container ran ({@code sha256:...}). */
  static final String IMAGE_DIGEST = "local.imageDigest";

  /** What the container engine said when it could not run the job (a failed pull). */
  static final String ENGINE_MESSAGE = "local.engineMessage";

  /** Which attempt runs now, from 1 ({@code retries} in the spec). */
  static final String ATTEMPT = "local.attempt";

  private LocalAttributes() {}

  /** The job's process as last recorded, if it was started. */
  static Optional<JobProcesses.Handle> handle(JobRecord record) {
    String pid = record.attributes().get(PID);
    String start = record.attributes().get(PROCESS_START);
    if (pid == null || start == null) {
      return Optional.empty();
    }
    return Optional.of(new JobProcesses.Handle(Long.parseLong(pid), Instant.parse(start)));
  }

  /** Which attempt runs now, from 1. */
  static int attempt(JobRecord record) {
    return Integer.parseInt(record.attributes().getOrDefault(ATTEMPT, "1"));
  }
}
