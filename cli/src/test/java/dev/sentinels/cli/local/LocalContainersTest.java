package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.support.Sleeping;
import dev.sentinels.testcluster.PodmanImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local backend with a real podman: a spec's image runs in a container (this checkout's Python
 * image, built offline by {@code scripts/images.sh}), stopped by cancel and timeout, found again by
 * a runner that replaces one killed with SIGKILL; an image that cannot be had is a reason.
 */
class LocalContainersTest {

  private static String python;
  private static ContainerEngine podman;

  @TempDir Path dir;
  private LocalHome local;
  private Path data;

  @BeforeAll
  static void images() {
    podman =
        ContainerEngine.detect("podman")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "podman does not answer: run scripts/host-packages.sh and"
                            + " scripts/podman-host.sh (as .ci/run does)"));
    python = PodmanImages.ref("python");
  }

  @BeforeEach
  void setUp() throws IOException {
    local = new LocalHome(dir.resolve("home"), config("podman"));
    data = Files.createDirectories(dir.resolve("data"));
  }

  @AfterEach
  void tearDown() {
    local.close();
  }

  private static String config(String engine) {
    return "backend: local\n"
        + "local:\n"
        + "  capacity: {cpu: 3, memory: 8Gi, gpu: 0}\n"
        + "  idleTimeout: 5s\n"
        + "  engine: "
        + engine
        + "\n";
  }

  /** Submits a spec running {@code command} in the Python image, the data directory at /data. */
  private String submit(String name, String extra, String... command) throws IOException {
    Path spec = dir.resolve(name + ".yaml");
    Files.writeString(
        spec,
        "name: "
            + name
            + "\nimage: "
            + python
            + "\ncommand: ["
            + String.join(", ", command.length == 0 ? new String[0] : quoted(command))
            + "]\ndata: [{name: data, hostPath: "
            + data
            + ", mountPath: /data}]\n"
            + extra);
    return LocalHome.id(local.cli("submit", "-f", spec.toString(), "-o", "name"));
  }

  private static String[] quoted(String... words) {
    return java.util.Arrays.stream(words)
        .map(w -> "'" + w.replace("'", "''") + "'")
        .toArray(String[]::new);
  }

  @Test
  void aSpecsImageRunsInAContainerWithItsDirectoriesLimitsEnvAndParams() throws Exception {
    Files.writeString(data.resolve("input.txt"), "the data\n");
    Files.writeString(
        data.resolve("probe.py"),
        """
        import os, pathlib
        # PID 1 is this program: it runs in a container of its own, not on the host.
        print("pid1:", open("/proc/1/cmdline").read().split("\\0")[0])
        print("env:", os.environ["GREETING"], os.environ["SENTINEL_PARAM_LR"])
        print("data:", open("/data/input.txt").read().strip())
        try:
            open("/data/written", "w")
            print("data writable")
        except OSError:
            print("data read-only")
        def first(*paths):
            for p in paths:
                if os.path.exists(p):
                    return open(p).read().split()
        quota = first("/sys/fs/cgroup/cpu.max", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
        period = first("/sys/fs/cgroup/cpu/cpu.cfs_period_us") or [quota[1]]
        print("cpus:", int(quota[0]) / int(period[0]))
        print("memory:", first("/sys/fs/cgroup/memory.max",
                               "/sys/fs/cgroup/memory/memory.limit_in_bytes")[0])
        artifacts = pathlib.Path(os.environ["SENTINEL_ARTIFACTS_DIR"])
        (artifacts / "model.txt").write_text("weights\\n")
        """);
    String id =
        submit(
            "boxed",
            "env: {GREETING: hello}\nparams: {lr: 0.5}\nresources: {cpu: 500m, memory: 256Mi}\n",
            "python3",
            "/data/probe.py");

    JobRecord done = local.awaitState(id, JobState.SUCCEEDED);
    assertEquals(
        "pid1: python3\nenv: hello 0.5\ndata: the data\ndata read-only\ncpus: 0.5\nmemory: "
            + (256L << 20)
            + "\n",
        local.cli("logs", id).out());
    assertEquals(
        "weights\n", Files.readString(local.home.jobDir(id).resolve("artifacts/model.txt")));
    // The record says which engine and which image, by digest, ran it.
    assertEquals("podman", done.attributes().get(LocalAttributes.RUNTIME));
    assertEquals(
        python.substring(python.indexOf('@') + 1),
        done.attributes().get(LocalAttributes.IMAGE_DIGEST));
    assertEquals("Running in podman (" + python + ")", done.timeline().get(2).reason());
    CliRun describe = local.cli("describe", id);
    assertTrue(
        describe.out().contains("Ran:           in a podman container (" + python + ")\n"),
        describe.out());
    // Its exit is recorded, so the container is gone.
    assertEquals(Optional.empty(), podman.state(id));
  }

  @Test
  void theContainersExitCodeIsTheJobsAndACommandTheImageLacksSaysSo() throws Exception {
    String three = submit("three", "", "python3", "-c", "import sys; print('bye'); sys.exit(3)");
    String absent = submit("absent", "retries: 2\n", "no-such-program");

    JobRecord failed = local.awaitState(three, JobState.FAILED);
    assertEquals("Error: exit code 3", failed.reason());
    assertEquals("3", failed.attributes().get(LocalAttributes.EXIT_CODE));
    assertEquals("bye\n", local.cli("logs", three).out());

    // The engine's words, at once: a missing command would fail every retry the same way.
    JobRecord notStarted = local.awaitState(absent, JobState.FAILED);
    assertTrue(
        notStarted
            .reason()
            .startsWith(
                "ContainerStartFailed: podman could not start image " + python + ": Error:"),
        notStarted.reason());
    assertTrue(notStarted.reason().contains("\"no-such-program\""), notStarted.reason());
    assertFalse(
        notStarted.timeline().stream().anyMatch(t -> t.reason().startsWith("Retrying")),
        notStarted.timeline().toString());
    assertTrue(
        local.cli("describe", absent).out().contains("Engine said:   Error:"),
        local.cli("describe", absent).out());
    for (String id : List.of(three, absent)) {
      awaitContainer(id, Optional.empty());
    }
  }

  @Test
  void cancelStopsTheContainer() throws Exception {
    String id = submit("endless", "", "sleep", "300");
    local.awaitState(id, JobState.RUNNING);
    awaitContainer(id, Optional.of("running"));

    CliRun cancel = local.cli("cancel", id);
    assertEquals(0, cancel.exitCode(), cancel.err());

    assertEquals(JobState.CANCELLED, local.get(id).state());
    awaitContainer(id, Optional.empty());
    assertFalse(JobProcesses.alive(LocalAttributes.handle(local.get(id)).orElseThrow()));
  }

  @Test
  void aTimeoutStopsTheContainer() throws Exception {
    String id = submit("slow", "timeout: 3s\n", "sleep", "300");
    awaitContainer(id, Optional.of("running"));

    JobRecord failed = local.awaitState(id, JobState.FAILED);
    assertEquals("DeadlineExceeded: ran longer than its timeout of 3s", failed.reason());
    awaitContainer(id, Optional.empty());
  }

  @Test
  void anImageThatCannotBeHadFailsTheJobAtOnceNamingItAndTheNextSubmitWarns() throws Exception {
    // A registry on localhost that is not there: no engine can pull it, with or without internet.
    String missing = "localhost/sentinels/absent:never";
    String id =
        LocalHome.id(
            local.cli("submit", "--name", "nope", "--image", missing, "-o", "name", "--", "true"));

    JobRecord failed = local.awaitState(id, JobState.FAILED);
    assertTrue(
        failed.reason().startsWith("ImagePullFailed: podman cannot get image " + missing + ": "),
        failed.reason());
    assertEquals(List.of(JobState.QUEUED, JobState.ADMITTED, JobState.FAILED), states(failed));
    String engineSaid = failed.attributes().get(LocalAttributes.ENGINE_MESSAGE);
    assertTrue(engineSaid.contains("localhost"), engineSaid);
    assertTrue(
        local.cli("describe", id).out().contains("Engine said:   " + engineSaid),
        local.cli("describe", id).out());

    CliRun again =
        local.cli("submit", "--name", "nope", "--image", missing, "-o", "name", "--", "true");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(
        again
            .err()
            .startsWith(
                "warning: image "
                    + missing
                    + " is not in the container engine's store and could not be pulled at "),
        again.err());
    // An image the engine has draws no warning.
    CliRun present =
        local.cli("submit", "--name", "fine", "--image", python, "-o", "name", "--", "true");
    assertEquals("", present.err());
    local.awaitState(LocalHome.id(present), JobState.SUCCEEDED);
  }

  @Test
  void aRunnerKilledWithSigkillFindsItsContainersAgain() throws Exception {
    Process runner = local.start("scheduler");
    awaitRunner(true); // else a submit would start a runner of its own
    String ends =
        submit("ends", "", "sh", "-c", "until [ -f /data/ends ]; do sleep 0.1; done; exit 4");
    String lives = submit("lives", "", "sh", "-c", "until [ -f /data/lives ]; do sleep 0.1; done");
    String lost = submit("lost", "", "sleep", "300");
    for (String id : List.of(ends, lives, lost)) {
      local.awaitState(id, JobState.RUNNING);
      awaitContainer(id, Optional.of("running"));
    }

    runner.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
    runner.waitFor();
    awaitRunner(false);
    // Two containers lose the process that watched them: one ends meanwhile, one runs on.
    for (String id : List.of(ends, lost)) {
      JobProcesses.kill(LocalAttributes.handle(local.get(id)).orElseThrow(), Duration.ZERO);
    }
    Files.createFile(data.resolve("ends"));
    awaitContainer(ends, Optional.of("exited 4"));
    assertEquals(JobState.RUNNING, local.get(ends).state());

    // Any command starts a runner, which repairs what the killed one left.
    assertEquals(0, local.cli("status").exitCode());
    JobRecord ended = local.awaitState(ends, JobState.FAILED);
    assertEquals("Error: exit code 4", ended.reason());
    JobRecord stopped = local.awaitState(lost, JobState.FAILED);
    assertEquals(
        "ProcessLost: its container ran on without the process that watched it; stopped",
        stopped.reason());
    awaitContainer(lost, Optional.empty());
    assertEquals(JobState.RUNNING, local.get(lives).state());
    Files.createFile(data.resolve("lives"));
    local.awaitState(lives, JobState.SUCCEEDED);
    for (String id : List.of(ends, lives, lost)) {
      awaitContainer(id, Optional.empty());
    }
  }

  @Test
  void withNoEngineAnsweringAutoRunsOnTheHostAndANamedEngineIsAReason() throws Exception {
    // A PATH with the shell's tools and no docker or podman: the engines are not installed.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : List.of("sh", "mv", "echo", "sleep")) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of("/bin", tool));
    }
    Map<String, String> noEngines = Map.of("PATH", bin.toString());
    try (LocalHome auto = new LocalHome(dir.resolve("auto"), config("auto"));
        LocalHome named = new LocalHome(dir.resolve("named"), config("podman"))) {
      String onHost =
          LocalHome.id(
              auto.process(
                  noEngines, "submit", "--name", "h", "--image", python, "-o", "name", "--", "echo",
                  "ran"));
      String refused =
          LocalHome.id(
              named.process(
                  noEngines, "submit", "--name", "p", "--image", python, "-o", "name", "--", "echo",
                  "ran"));

      JobRecord ran = auto.awaitState(onHost, JobState.SUCCEEDED);
      assertEquals("host", ran.attributes().get(LocalAttributes.RUNTIME));
      assertEquals(
          "Running on the host (no docker or podman engine answered; image "
              + python
              + " not used)",
          ran.timeline().get(2).reason());
      assertEquals("ran\n", auto.cli("logs", onHost).out());

      JobRecord failed = named.awaitState(refused, JobState.FAILED);
      assertEquals(
          "ContainerEngineUnavailable: local.engine is podman but podman does not answer (not"
              + " installed, or its service is down); start it, or set local.engine: auto to run"
              + " on the host without one",
          failed.reason());
    }
  }

  private void awaitRunner(boolean held) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (RunnerLock.held(local.home) != held) {
      assertTrue(System.nanoTime() < deadline, "runner held: " + !held);
      Sleeping.sleep(100);
    }
  }

  private static List<JobState> states(JobRecord record) {
    return record.timeline().stream().map(t -> t.state()).toList();
  }

  /** Waits until the job's container is in {@code state} (e.g. running, exited 4; empty: gone). */
  private static void awaitContainer(String id, Optional<String> state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Optional<String> now = podman.state(id);
    while (!now.map(s -> s.split(" ")[0].equals("running") ? "running" : s).equals(state)) {
      assertTrue(System.nanoTime() < deadline, id + "'s container is " + now + ", not " + state);
      Sleeping.sleep(200);
      now = podman.state(id);
    }
  }
}
