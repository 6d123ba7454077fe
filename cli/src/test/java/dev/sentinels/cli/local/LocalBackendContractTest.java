package dev.sentinels.cli.local;

import dev.sentinels.cli.BackendContract;
import dev.sentinels.cli.CliRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The backend contract on the local backend: a home with room for two one-cpu jobs. */
class LocalBackendContractTest extends BackendContract {

  @TempDir Path dir;
  private LocalHome local;

  @BeforeEach
  void setUp() throws IOException {
    local = LocalHome.withCpus(dir.resolve("home"), 2);
  }

  @AfterEach
  void tearDown() {
    local.close();
  }

  @Override
  protected CliRun sentinel(String... args) {
    return local.cli(args);
  }

  @Override
  protected Process start(String... args) throws IOException {
    return local.start(args);
  }

  @Override
  protected List<String> slot() {
    return List.of("--image", "x", "--cpu", "1");
  }

  @Override
  protected int slots() {
    return 2;
  }

  @Override
  protected List<String> printsAndRuns(String line, Duration time) {
    return List.of("--", "sh", "-c", "echo " + line + "; sleep " + time.toMillis() / 1000.0);
  }

  @Override
  protected List<String> failsWith(int exitCode) {
    return List.of("--", "sh", "-c", "exit " + exitCode);
  }

  @Override
  protected String shownAsOutput(String line) {
    return line + "\n";
  }

  @Override
  protected List<String> tooLargeForAnyNode() {
    return List.of("--image", "x", "--cpu", "64");
  }

  /** The processes seen per job, so a deleted job's can still be checked. */
  private final java.util.Map<String, JobProcesses.Handle> handles =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  protected boolean stillRuns(String jobId) {
    local
        .find(jobId)
        .flatMap(LocalAttributes::handle)
        .ifPresent(handle -> handles.put(jobId, handle));
    JobProcesses.Handle handle = handles.get(jobId);
    return handle != null && JobProcesses.alive(handle);
  }
}
