package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.EngineTesting;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import dev.sentinels.cli.support.Sleeping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Races a runner meets with other commands, staged where they hurt. */
class LocalRunnerRacesTest {

  @TempDir Path dir;

  @Test
  void aRetryWhoseRecordUpdateLostToAnotherWriteIsRetriedNotLost() throws Exception {
    Path gate = dir.resolve("gate");
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 2)) {
      String id = enqueueFlaky(local, gate);
      Path exitFile = local.home.jobDir(id).resolve(JobProcesses.EXIT);
      AtomicBoolean interfered = new AtomicBoolean();
      // When the runner has read the failed attempt's record and is about to send it back to
      // Admitted, another command (a priority change, say) writes the record first.
      Clock racing =
          new RacingClock(
              () ->
                  !interfered.get()
                      && Files.exists(exitFile)
                      && inRunner(RunningJobs.class, "sync"),
              () -> {
                interfered.set(true);
                try (LocalBackend other = local.backend()) {
                  StoredRecord stored = other.localStore().get(id).orElseThrow();
                  assertTrue(
                      other.localStore().replace(stored.record(), stored.version()).isPresent());
                }
              });
      AtomicBoolean stop = new AtomicBoolean();
      Thread runner = runner(local, racing, stop);
      try {
        local.awaitState(id, JobState.RUNNING);
        Files.createFile(gate);
        JobRecord done =
            local.await(id, r -> r.state().isTerminal(), java.time.Duration.ofSeconds(60));
        assertTrue(interfered.get(), "the race was not staged");
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        assertEquals("2", done.attributes().get(LocalAttributes.ATTEMPT));
      } finally {
        stop.set(true);
        runner.join();
      }
    }
  }

  @Test
  void aJobThatEndsBetweenTheRunnersTwoLooksIsStillRetried() throws Exception {
    Path gate = dir.resolve("gate");
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 2)) {
      String id = enqueueFlaky(local, gate);
      AtomicBoolean ended = new AtomicBoolean();
      // The runner found no exit code yet; before it looks at the process, the job ends.
      Clock racing =
          new RacingClock(
              () -> !ended.get() && inRunner(RunningJobs.class, "sync"),
              () -> {
                ended.set(true);
                JobRecord running = local.get(id);
                JobProcesses.Handle wrapper = LocalAttributes.handle(running).orElseThrow();
                try {
                  Files.createFile(gate);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
                while (JobProcesses.alive(wrapper) && System.nanoTime() < deadline) {
                  Sleeping.sleep(20);
                }
              });
      AtomicBoolean stop = new AtomicBoolean();
      Thread runner = runner(local, racing, stop);
      try {
        JobRecord done =
            local.await(id, r -> r.state().isTerminal(), java.time.Duration.ofSeconds(60));
        assertTrue(ended.get(), "the race was not staged");
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        assertEquals("2", done.attributes().get(LocalAttributes.ATTEMPT));
      } finally {
        stop.set(true);
        runner.join();
      }
    }
  }

  @Test
  void aJobCancelledAfterTheRunnerListedItIsNeverStarted() throws Exception {
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 2)) {
      String id;
      try (LocalBackend cli = local.backend()) {
        id = EngineTesting.enqueue(cli, LocalHome.spec(cli, "late", "sleep", "300")).id();
        EngineTesting.pass(cli);
      }
      AtomicBoolean cancelled = new AtomicBoolean();
      // The runner has listed the admitted job and is about to start it when the user cancels.
      Clock racing =
          new RacingClock(
              () -> !cancelled.get() && inRunner(JobStarter.class, "start"),
              () -> {
                cancelled.set(true);
                try (var other = local.engine()) {
                  other.cancel(id, "Cancelled by the test");
                }
              });
      AtomicBoolean stop = new AtomicBoolean();
      Thread runner = runner(local, racing, stop);
      try {
        local.awaitState(id, JobState.CANCELLED);
        assertTrue(cancelled.get(), "the race was not staged");
      } finally {
        stop.set(true);
        runner.join();
      }
      // The runner has finished the start it was in: had it launched, the marker would be there.
      assertTrue(
          !Files.exists(local.home.jobDir(id).resolve(JobProcesses.LAUNCHED)),
          "a cancelled job was started");
    }
  }

  /**
   * A job, allowed one retry, whose first attempt fails with exit code 3 once the test creates
   * {@code gate} and whose second succeeds.
   */
  private String enqueueFlaky(LocalHome local, Path gate) {
    Path firstRan = dir.resolve("first");
    String script =
        "if [ -f "
            + firstRan
            + " ]; then exit 0; fi; touch "
            + firstRan
            + "; "
            + LocalHome.untilExists(gate)
            + "; exit 3";
    try (LocalBackend cli = local.backend()) {
      return EngineTesting.enqueue(
              cli,
              new SpecReader(cli.queueConfig())
                  .fromOverrides(
                      new SpecOverrides()
                          .name("flaky")
                          .image("x")
                          .command(List.of("sh", "-c", script))
                          .set("retries=1")))
          .id();
    }
  }

  private static Thread runner(LocalHome local, Clock clock, AtomicBoolean stop) {
    Thread runner =
        new Thread(
            () -> {
              try (LocalBackend backend = LocalBackend.open(local.home, clock)) {
                LocalHome.runRunner(backend, clock, java.util.Optional.empty(), stop, System.err);
              }
            });
    runner.start();
    return runner;
  }

  /** The system clock that, once {@code when} holds at a reading, first runs {@code action}. */
  private static final class RacingClock extends Clock {
    private final java.util.function.BooleanSupplier when;
    private final Runnable action;

    RacingClock(java.util.function.BooleanSupplier when, Runnable action) {
      this.when = when;
      this.action = action;
    }

    @Override
    public Instant instant() {
      if (when.getAsBoolean()) {
        action.run();
      }
      return Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private static boolean inRunner(Class<?> type, String method) {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames.anyMatch(
                    f ->
                        f.getClassName().equals(type.getName())
                            && f.getMethodName().equals(method)));
  }
}
