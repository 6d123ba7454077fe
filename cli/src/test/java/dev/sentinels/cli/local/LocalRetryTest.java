package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.local.LocalStore.Stored;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
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

/** Retries survive the races a runner meets. */
class LocalRetryTest {

  @TempDir Path dir;

  @Test
  void aRetryWhoseRecordUpdateLostToAnotherWriteIsRetriedNotLost() throws Exception {
    Path gate = dir.resolve("gate");
    Path firstRan = dir.resolve("first");
    String script =
        "if [ -f "
            + firstRan
            + " ]; then exit 0; fi; touch "
            + firstRan
            + "; while [ ! -f "
            + gate
            + " ]; do sleep 0.05; done; exit 3";
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 2)) {
      String id;
      try (LocalBackend cli = local.backend()) {
        id =
            cli.enqueue(
                    new SpecReader(cli.queueConfig())
                        .fromOverrides(
                            new SpecOverrides()
                                .name("flaky")
                                .image("x")
                                .command(List.of("sh", "-c", script))
                                .set("retries=1")))
                .id();
      }
      Path exitFile = local.home.jobDir(id).resolve(JobProcesses.EXIT);
      AtomicBoolean interfered = new AtomicBoolean();
      // When the runner has read the failed attempt's record and is about to send it back to
      // Admitted, another command (a priority change, say) writes the record first.
      Clock racing =
          new Clock() {
            @Override
            public Instant instant() {
              if (!interfered.get() && Files.exists(exitFile) && inSyncRunning()) {
                interfered.set(true);
                try (LocalBackend other = local.backend()) {
                  Stored stored = other.store().get(id).orElseThrow();
                  assertTrue(other.store().update(stored.record(), stored.version()));
                }
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
          };
      AtomicBoolean stop = new AtomicBoolean();
      Thread runner =
          new Thread(
              () -> {
                try (LocalBackend backend = LocalBackend.open(local.home, racing)) {
                  new LocalRunner(backend, System.err).run(stop, null);
                }
              });
      runner.start();
      try {
        local.awaitState(id, JobState.RUNNING);
        Files.createFile(gate);
        JobRecord done =
            local.await(id, r -> r.state().isTerminal(), java.time.Duration.ofSeconds(60));
        assertTrue(interfered.get(), "the race was not staged");
        assertEquals(JobState.SUCCEEDED, done.state(), done.reason());
        assertEquals("2", done.attributes().get(LocalBackend.ATTEMPT));
      } finally {
        stop.set(true);
        runner.join();
      }
    }
  }

  private static boolean inSyncRunning() {
    return StackWalker.getInstance()
        .walk(frames -> frames.anyMatch(f -> f.getMethodName().equals("syncRunning")));
  }
}
