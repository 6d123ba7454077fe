package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.support.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI on the local backend: jobs run as real processes under a real detached runner. */
class LocalBackendTest {

  @TempDir Path dir;
  private LocalHome local;

  @BeforeEach
  void setUp() throws Exception {
    local = LocalHome.withCpus(dir, 2);
  }

  @AfterEach
  void tearDown() {
    local.close();
  }

  @Test
  void jobRunsWithItsParamsAndEnvAndSucceeds() throws Exception {
    String id =
        LocalHome.id(
            local.cli(
                "submit",
                "--name",
                "hello",
                "--image",
                "python:3.12-slim",
                "--set",
                "params.lr=0.5",
                "--set",
                "env.GREETING=hi",
                "-o",
                "name",
                "--",
                "sh",
                "-c",
                "echo $GREETING lr=$SENTINEL_PARAM_LR id=$SENTINEL_JOB_ID; pwd; echo err >&2;"
                    + " echo 0.9 > $SENTINEL_ARTIFACTS_DIR/metric"));
    JobRecord done = local.awaitState(id, JobState.SUCCEEDED);
    assertEquals("0", done.attributes().get(LocalAttributes.EXIT_CODE));
    assertEquals("host", done.attributes().get(LocalAttributes.RUNTIME));
    // Said once, in the record: there is no container engine here, so the image was not used.
    assertTrue(
        done.timeline().stream()
            .anyMatch(t -> t.reason().contains("image python:3.12-slim not used")),
        done.timeline().toString());

    CliRun logs = local.cli("logs", id);
    Path work = dir.resolve("jobs").resolve(id).resolve("work");
    assertEquals("hi lr=0.5 id=" + id + "\n" + work + "\nerr\n", logs.out());
    assertEquals(
        "0.9\n", Files.readString(dir.resolve("jobs").resolve(id).resolve("artifacts/metric")));
    assertEquals("err\n", local.cli("logs", id, "--tail", "1").out());

    CliRun describe = local.cli("describe", id);
    assertEquals(0, describe.exitCode(), describe.err());
    assertTrue(describe.out().contains("Working dir:   " + work), describe.out());
    assertTrue(describe.out().contains("Exit code:     0"), describe.out());
    assertTrue(describe.out().contains("Ran:           on the host"), describe.out());

    CliRun status = local.cli("status", id, "-o", "json");
    assertEquals(0, status.exitCode());
    assertTrue(status.out().contains("\"state\" : \"Succeeded\""), status.out());
  }

  @Test
  void aSpecWrittenForAClusterRunsHereItsNodeSelectorAndTolerationsLeftOut() throws Exception {
    Path spec = dir.resolve("gpu-pool.yaml");
    Files.writeString(
        spec,
        "name: pooled\nimage: x\ncommand: [echo, ran]\nnodeSelector: {gpu: a100}\n"
            + "tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]\n");
    CliRun submit = local.cli("submit", "-f", spec.toString(), "-o", "name");
    assertEquals("", submit.err()); // no "cannot run as configured": the machine takes it
    String id = LocalHome.id(submit);
    local.awaitState(id, JobState.SUCCEEDED);
    assertEquals("ran\n", local.cli("logs", id).out());
  }

  @Test
  void deleteAllOfAStateRemovesThoseJobsAndTheirDirectoriesOnly() throws Exception {
    String failed =
        LocalHome.id(
            local.cli("submit", "--name", "bad", "--image", "x", "-o", "name", "--", "false"));
    String good =
        LocalHome.id(
            local.cli("submit", "--name", "good", "--image", "x", "-o", "name", "--", "true"));
    local.awaitState(failed, JobState.FAILED);
    local.awaitState(good, JobState.SUCCEEDED);
    assertTrue(Files.isDirectory(local.home.jobDir(failed)));

    CliRun deleted = local.cli("delete", "--all", "--state", "Failed,Cancelled", "-o", "name");
    assertEquals("job/" + failed + "\n", deleted.out(), deleted::toString);
    assertFalse(Files.exists(local.home.jobDir(failed)), "its output and artifacts stay behind");
    assertTrue(Files.isDirectory(local.home.jobDir(good)));
    assertEquals(JobState.SUCCEEDED, local.get(good).state());
    assertEquals(ExitCodes.OK, local.cli("delete", "--all", "--state", "Failed").exitCode());
  }

  @Test
  void retriesRerunAFailedJobUpToTheLimit() throws Exception {
    String counting =
        "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo attempt $n;"
            + " [ $n -ge 3 ]";
    Path spec = dir.resolve("flaky.yaml");
    Files.writeString(
        spec, "name: flaky\nimage: x\ncommand: [sh, -c, '" + counting + "']\nretries: 2\n");
    String third = LocalHome.id(local.cli("submit", "-f", spec.toString(), "-o", "name"));
    Files.writeString(
        spec, "name: hopeless\nimage: x\ncommand: [sh, -c, '" + counting + "']\nretries: 1\n");
    String hopeless = LocalHome.id(local.cli("submit", "-f", spec.toString(), "-o", "name"));

    JobRecord succeeded = local.awaitState(third, JobState.SUCCEEDED);
    assertEquals("3", succeeded.attributes().get(LocalAttributes.ATTEMPT));
    assertEquals("3\n", Files.readString(local.home.jobDir(third).resolve("work/count")));
    assertTrue(
        succeeded.timeline().stream()
            .anyMatch(t -> t.reason().equals("Retrying: exit code 1 (attempt 2 of 3)")),
        succeeded.timeline().toString());
    assertTrue(local.cli("logs", third).out().contains("attempt 3\n"));

    JobRecord failed = local.awaitState(hopeless, JobState.FAILED);
    assertEquals("Error: exit code 1", failed.reason());
    assertEquals("2\n", Files.readString(local.home.jobDir(hopeless).resolve("work/count")));
  }

  @Test
  void nodesShowsTheMachineWithItsConfiguredCapacity() {
    CliRun run = local.cli("nodes");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(2, lines.size(), run.out());
    assertTrue(lines.get(1).startsWith(Machine.name()), run.out());
    assertTrue(lines.get(1).contains("64Gi"), run.out());
  }

  @Test
  void cancelKillsTheRunningJobsWholeProcessTree() throws Exception {
    String id =
        LocalHome.id(
            local.cli(
                "submit",
                "--name",
                "tree",
                "--image",
                "x",
                "-o",
                "name",
                "--",
                "sh",
                "-c",
                "sleep 300 & echo $! > child.pid; sh -c 'sleep 300' & echo $! >> child.pid; wait"));
    JobRecord running = local.awaitState(id, JobState.RUNNING);
    Path childPids = dir.resolve("jobs").resolve(id).resolve("work/child.pid");
    local.await(id, r -> linesIn(childPids) == 2, Duration.ofSeconds(20));
    List<Long> pids = Files.readAllLines(childPids).stream().map(Long::parseLong).toList();
    long wrapper = Long.parseLong(running.attributes().get(LocalAttributes.PID));
    assertTrue(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false));

    CliRun cancel = local.cli("cancel", id);
    assertEquals(0, cancel.exitCode(), cancel.err());
    assertEquals(JobState.CANCELLED, local.get(id).state());
    for (long pid : List.of(wrapper, pids.get(0), pids.get(1))) {
      // Killed; on busy cores its parent (init, for the orphans) may not have reaped it yet.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (running(pid)) {
        assertTrue(System.nanoTime() < deadline, "pid " + pid + " still alive");
        dev.sentinels.cli.support.Sleeping.sleep(50);
      }
    }
    CliRun again = local.cli("cancel", id);
    assertEquals(0, again.exitCode());
  }

  @Test
  void timeoutKillsTheJobAndFailsIt() throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, "name: slow\nimage: x\ncommand: [sleep, '300']\ntimeout: 2s\n");
    String id = LocalHome.id(local.cli("submit", "-f", spec.toString(), "-o", "name"));
    JobRecord running = local.awaitState(id, JobState.RUNNING);
    JobRecord failed = local.awaitState(id, JobState.FAILED);
    assertTrue(failed.reason().startsWith("DeadlineExceeded"), failed.reason());
    long pid = Long.parseLong(running.attributes().get(LocalAttributes.PID));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    Duration ran = failed.runTime(failed.finishedAt());
    assertTrue(ran.toMillis() >= 2000 && ran.toMillis() < 10_000, ran.toString());
  }

  private static int linesIn(Path file) {
    try {
      return Files.readAllLines(file).size();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** Alive and not a zombie waiting to be reaped. */
  private static boolean running(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false; // gone between the two looks
    }
  }
}
