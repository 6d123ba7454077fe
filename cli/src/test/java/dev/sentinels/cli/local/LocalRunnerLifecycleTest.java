package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.engine.EngineTesting;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a detached runner starts, stays and leaves, and that no work is left without one. */
class LocalRunnerLifecycleTest {

  @TempDir Path dir;

  private static LocalHome home(Path dir, String idleTimeout) throws IOException {
    return new LocalHome(
        dir,
        "backend: local\n"
            + "local:\n"
            + "  capacity: {cpu: 2, memory: 64Gi, gpu: 0}\n"
            + "  idleTimeout: "
            + idleTimeout
            + "\n"
            + "  engine: none\n");
  }

  @Test
  void probingForARunnerNeverTakesTheLockFromOneThatStarts() throws Exception {
    try (LocalHome local = home(dir.resolve("home"), "1s")) {
      AtomicBoolean done = new AtomicBoolean();
      // Every CLI command probes; here one probes without pause while a runner-to-be, in its own
      // process, takes and releases the lock over and over. It must never find it taken.
      Thread prober =
          new Thread(
              () -> {
                while (!done.get()) {
                  RunnerLock.held(local.home);
                }
              });
      prober.start();
      String taken;
      try {
        Process contender =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    LockContender.class.getName(),
                    local.dir.toString(),
                    "2000")
                .redirectErrorStream(true)
                .start();
        taken = new String(contender.getInputStream().readAllBytes()).trim();
        assertTrue(contender.waitFor(120, TimeUnit.SECONDS));
      } finally {
        done.set(true);
        prober.join();
      }
      assertEquals("0", taken, "times a probe held the lock a starting runner wanted");
    }
  }

  @Test
  void aRunnerLeavesWhenNothingIsAdmittedOrRunningEvenWithAJobThatCannotFit() throws Exception {
    try (LocalHome local = home(dir.resolve("home"), "2s")) {
      String tooBig =
          LocalHome.id(
              local.cli(
                  "submit", "--name", "big", "--image", "x", "--cpu", "64", "-o", "name", "--",
                  "true"));
      awaitLog(local, 1, Duration.ofSeconds(2 + 20)); // the idle timeout, and a start's margin
      assertEquals(JobState.QUEUED, local.get(tooBig).state());

      // Any queue change brings a runner back.
      String small =
          LocalHome.id(
              local.cli("submit", "--name", "small", "--image", "x", "-o", "name", "--", "true"));
      local.awaitState(small, JobState.SUCCEEDED);
    }
  }

  @Test
  void aJobSubmittedAsTheRunnerLeavesIsRunBeforeItGoes() throws Exception {
    try (LocalHome local = home(dir.resolve("home"), "1s");
        LocalBackend runnerBackend = local.backend()) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<String> submitted = new AtomicReference<>();
      // The runner has decided to leave but still holds the lock: a submit now sees a runner and
      // starts none, as a CLI would.
      PrintStream log =
          new PrintStream(System.err, true) {
            @Override
            public void println(String line) {
              super.println(line);
              if (line.contains("; exiting") && submitted.get() == null) {
                try (LocalBackend cli = local.backend()) {
                  submitted.set(
                      EngineTesting.enqueue(cli, LocalHome.spec(cli, "late", "true")).id());
                  EngineTesting.pass(cli);
                  if (RunnerLock.held(local.home)) {
                    return; // ensureRunner starts nothing
                  }
                  fail("the runner let go before it said it leaves");
                }
              }
            }
          };
      Thread runner =
          new Thread(
              () ->
                  LocalHome.runRunner(
                      runnerBackend,
                      Clock.systemUTC(),
                      Optional.of(Duration.ofSeconds(1)),
                      stop,
                      log));
      runner.start();
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (submitted.get() == null && System.nanoTime() < deadline) {
          Sleeping.sleep(50);
        }
        assertTrue(submitted.get() != null, "the runner never went idle");
        local.awaitState(submitted.get(), JobState.SUCCEEDED);
      } finally {
        stop.set(true);
        runner.join();
      }
    }
  }

  @Test
  void aRunnerThatCannotStartIsAWarningNotAFailedCommand() throws Exception {
    try (LocalHome local = home(dir.resolve("home"), "1s")) {
      Files.createDirectories(local.home.runnerLog()); // its output cannot go there
      CliRun submit =
          local.cli("submit", "--name", "one", "--image", "x", "-o", "name", "--", "true");
      assertEquals(0, submit.exitCode(), submit.err());
      String id = submit.out().trim().replaceFirst("^job/", "");
      assertEquals(JobState.ADMITTED, local.get(id).state(), "submitted and admitted");
      assertEquals(1, submit.err().lines().count(), submit.err());
      assertTrue(submit.err().startsWith("warning: cannot start the local runner"), submit.err());

      CliRun status = local.cli("status"); // tries again, and warns again
      assertEquals(0, status.exitCode(), status.err());
      assertTrue(status.err().startsWith("warning: cannot start the local runner"), status.err());
      assertTrue(status.out().contains(id), status.out());
    }
  }

  private static String runnerLog(LocalHome local) throws IOException {
    return Files.exists(local.home.runnerLog()) ? Files.readString(local.home.runnerLog()) : "";
  }

  /** Until {@code runs} runners have ended (left at once, or idled out) and none holds the lock. */
  private static void awaitLog(LocalHome local, int runs, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      String log = runnerLog(local);
      long ended =
          log.lines()
              .filter(l -> l.contains("another runner is active") || l.contains("; exiting"))
              .count();
      if (ended >= runs && !RunnerLock.held(local.home)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail(runs + " runners did not end within " + within + ":\n" + log);
      }
      Sleeping.sleep(100);
    }
  }
}
