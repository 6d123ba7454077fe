package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many users at once on one machine: separate CLI processes and threads submit together while a
 * runner admits. Nothing may be lost, nothing run twice, and never more run than fits.
 */
class LocalConcurrencyTest {

  private static final int PROCESSES = 8;
  private static final int THREADS = 4;
  private static final int PER_THREAD = 4;
  private static final int CPUS = 2;

  @TempDir Path dir;

  @Test
  void processesAndThreadsSubmittingAtOnceLoseNothingRunNothingTwiceNeverOverAdmit()
      throws Exception {
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), CPUS)) {
      Path log = dir.resolve("runs.log");
      Path gate = dir.resolve("gate");
      // Small appends to one file with O_APPEND do not interleave. The first jobs hold the machine
      // until the test opens the gate: it is used fully however fast the rest ran.
      String script =
          "echo start $SENTINEL_JOB_ID >> "
              + log
              + "; "
              + LocalHome.untilExists(gate)
              + "; echo end $SENTINEL_JOB_ID >> "
              + log;

      List<Process> processes = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        processes.add(
            local.start(
                "submit",
                "--name",
                "proc-" + i,
                "--image",
                "x",
                "--cpu",
                "1",
                "-o",
                "name",
                "--",
                "sh",
                "-c",
                script));
      }
      Set<String> submitted = Collections.synchronizedSet(new HashSet<>());
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < PER_THREAD; i++) {
                    try (var backend = local.engine()) {
                      JobSpec spec =
                          new SpecReader(backend.queueConfig())
                              .fromOverrides(
                                  new SpecOverrides()
                                      .name("thread-" + thread + "-" + i)
                                      .image("x")
                                      .cpu("1")
                                      .command(List.of("sh", "-c", script)));
                      submitted.add(backend.submit(spec).id());
                    }
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      threads.shutdown();
      for (Process process : processes) {
        assertEquals(0, process.waitFor(), new String(process.getErrorStream().readAllBytes()));
        submitted.add(
            new String(process.getInputStream().readAllBytes()).trim().replaceFirst("^job/", ""));
      }
      int total = PROCESSES + THREADS * PER_THREAD;
      assertEquals(total, submitted.size(), submitted.toString());
      awaitStarts(log, CPUS);
      Files.createFile(gate);

      // From here no command runs: the runner the submits started must see every job through.

      for (String id : submitted) {
        local.await(id, r -> r.state().isTerminal(), Duration.ofSeconds(120));
      }
      List<JobRecord> records;
      try (var backend = local.engine()) {
        records = backend.list(EnumSet.noneOf(JobState.class));
      }
      assertEquals(total, records.size());
      for (JobRecord record : records) {
        assertEquals(JobState.SUCCEEDED, record.state(), record.id() + ": " + record.reason());
        assertEquals(
            1,
            record.timeline().stream().filter(t -> t.state() == JobState.RUNNING).count(),
            record.timeline().toString());
      }

      Map<String, Integer> starts = new HashMap<>();
      int running = 0;
      int most = 0;
      for (String line : Files.readAllLines(log)) {
        String[] parts = line.split(" ");
        if (parts[0].equals("start")) {
          starts.merge(parts[1], 1, Integer::sum);
          most = Math.max(most, ++running);
        } else {
          running--;
        }
      }
      assertEquals(submitted, starts.keySet());
      assertTrue(starts.values().stream().allMatch(n -> n == 1), "ran twice: " + starts);
      assertTrue(most <= CPUS, "ran " + most + " at once on " + CPUS + " cpus");
      assertEquals(CPUS, most, "the machine was never used fully");

      CliRun status = local.cli("status", "--state", "succeeded", "-o", "name");
      assertEquals(total, status.out().lines().count());
    }
  }

  private static void awaitStarts(Path log, int starts) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!Files.exists(log)
        || Files.readAllLines(log).stream().filter(l -> l.startsWith("start")).count() < starts) {
      assertTrue(System.nanoTime() < deadline, "fewer than " + starts + " jobs started");
      Sleeping.sleep(50);
    }
  }
}
