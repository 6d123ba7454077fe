package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.EngineTesting;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs outlive their runner; the next runner repairs what a killed one left, running nothing twice.
 */
class LocalRecoveryTest {

  @TempDir Path dir;

  @Test
  void afterKillNineTheNextRunnerAdoptsSettlesAndMarksLostJobsAndRunsNothingTwice()
      throws Exception {
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 3)) {
      Process runner = local.start("scheduler");
      awaitRunner(local, true, runner);

      String ends = submit(local, "ends", waitFor("ends.gate"));
      String lives = submit(local, "lives", waitFor("lives.gate"));
      String lost = submit(local, "lost", "sleep 300");
      String waits = submit(local, "waits", "true");
      for (String id : List.of(ends, lives, lost)) {
        local.awaitState(id, JobState.RUNNING);
      }
      assertEquals(JobState.QUEUED, local.get(waits).state());

      runner.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      runner.waitFor();
      awaitRunner(local, false, runner);
      // One job's process dies with no one to see it; the others run on without a runner.
      JobProcesses.kill(LocalAttributes.handle(local.get(lost)).orElseThrow(), Duration.ZERO);
      Files.createFile(dir.resolve("ends.gate"));
      local.await(
          ends,
          r -> JobProcesses.exitCode(local.home.jobDir(r.id())).isPresent(),
          Duration.ofSeconds(30));
      assertTrue(JobProcesses.alive(LocalAttributes.handle(local.get(lives)).orElseThrow()));
      assertEquals(JobState.RUNNING, local.get(ends).state());

      // Any command notices active jobs and no runner: it starts one, which repairs the states.
      assertEquals(0, local.cli("status").exitCode());
      assertEquals(JobState.SUCCEEDED, local.awaitState(ends, JobState.SUCCEEDED).state());
      JobRecord failed = local.awaitState(lost, JobState.FAILED);
      assertTrue(failed.reason().startsWith("ProcessLost"), failed.reason());
      assertEquals(JobState.RUNNING, local.awaitState(lives, JobState.RUNNING).state());
      Files.createFile(dir.resolve("lives.gate"));
      local.awaitState(lives, JobState.SUCCEEDED);
      local.awaitState(waits, JobState.SUCCEEDED);

      for (String id : List.of(ends, lives, lost, waits)) {
        assertEquals(List.of("ran"), Files.readAllLines(ranFile(id)), id + " ran more than once");
      }
    }
  }

  @Test
  void aStartTheRunnerDidNotRecordIsFoundAgainNeverStartedTwice() throws Exception {
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 3)) {
      // Admitted and launched, but the runner died before recording it: simulate with a live
      // process that wrote its pid, and a launch whose process never came up.
      String found;
      String vanished;
      String cancelled;
      try (LocalBackend backend = local.backend()) {
        found =
            EngineTesting.enqueue(
                    backend, LocalHome.spec(backend, "found", "sh", "-c", "sleep 300"))
                .id();
        vanished =
            EngineTesting.enqueue(backend, LocalHome.spec(backend, "vanished", "sh", "-c", "true"))
                .id();
        cancelled =
            EngineTesting.enqueue(
                    backend, LocalHome.spec(backend, "cancelled", "sh", "-c", "sleep 300"))
                .id();
        assertEquals(3, EngineTesting.pass(backend).admitted().size(), "room for all three");
      }
      Path foundDir = local.home.jobDir(found);
      Process orphan = launchedBehindTheRunnersBack(foundDir);
      // Cancelled while no runner ran: the cancel had no pid to kill, the next runner must.
      Process cancelledOrphan = launchedBehindTheRunnersBack(local.home.jobDir(cancelled));
      assertEquals(0, local.cli("cancel", cancelled).exitCode());
      assertTrue(cancelledOrphan.isAlive());
      Path vanishedDir = local.home.jobDir(vanished);
      Files.createDirectories(vanishedDir);
      Files.createFile(vanishedDir.resolve(JobProcesses.LAUNCHED));
      Files.setLastModifiedTime(
          vanishedDir.resolve(JobProcesses.LAUNCHED),
          java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));

      AtomicBoolean stop = new AtomicBoolean();
      Thread runner =
          new Thread(
              () -> {
                try (var engine = local.engine()) {
                  engine.runScheduler(stop, System.err);
                }
              });
      runner.start();
      try {
        JobRecord adopted = local.awaitState(found, JobState.RUNNING);
        assertEquals(Long.toString(orphan.pid()), adopted.attributes().get(LocalAttributes.PID));
        JobRecord failed = local.awaitState(vanished, JobState.FAILED);
        assertTrue(failed.reason().contains("not started again"), failed.reason());
        assertFalse(Files.exists(vanishedDir.resolve("pid")));

        assertTrue(cancelledOrphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));

        assertEquals(0, local.cli("cancel", found).exitCode());
        assertTrue(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
      } finally {
        stop.set(true);
        runner.join();
        orphan.destroyForcibly();
        cancelledOrphan.destroyForcibly();
      }
    }
  }

  /** What a runner that died right after starting a job leaves: a live process and its files. */
  private static Process launchedBehindTheRunnersBack(Path jobDir) throws IOException {
    Files.createDirectories(jobDir);
    Files.writeString(jobDir.resolve("runtime"), "host\n");
    Process process =
        new ProcessBuilder(
                "/usr/bin/setsid",
                "/bin/sh",
                "-c",
                "echo $$ > " + jobDir.resolve("pid") + "; exec sleep 300")
            .start();
    Files.createFile(jobDir.resolve(JobProcesses.LAUNCHED));
    while (!Files.exists(jobDir.resolve("pid"))) {
      Sleeping.sleep(20);
    }
    return process;
  }

  /** A script that ends once the test creates {@code gate}. */
  private String waitFor(String gate) {
    return LocalHome.untilExists(dir.resolve(gate));
  }

  private Path ranFile(String id) {
    return dir.resolve(id.substring(0, id.lastIndexOf('-')) + ".ran");
  }

  private String submit(LocalHome local, String name, String script) {
    return local.submit(name, "echo ran >> " + dir.resolve(name + ".ran") + "; " + script);
  }

  /** Until the runner holds (or no longer holds) the home's lock; says why when it never does. */
  private static void awaitRunner(LocalHome local, boolean held, Process runner)
      throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a JVM on busy cores
    while (RunnerLock.held(local.home) != held) {
      if (held && !runner.isAlive()) {
        throw new AssertionError(
            "the runner exited with "
                + runner.exitValue()
                + " before taking the lock: "
                + new String(runner.getInputStream().readAllBytes())
                + new String(runner.getErrorStream().readAllBytes()));
      }
      assertTrue(System.nanoTime() < deadline, "runner held: " + !held + " after 60 s");
      Sleeping.sleep(100);
    }
  }
}
