package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinels.api.JobState;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing a job started runs on once the job ended: its capacity is free for the next one. */
class LocalLeftoversTest {

  @TempDir Path dir;

  @Test
  void processesAJobLeftBehindAreKilledWhenItEnds() throws Exception {
    Path polite = dir.resolve("polite.pid");
    Path stubborn = dir.resolve("stubborn.pid");
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 2)) {
      // One background child that ends on SIGTERM, one that ignores it.
      String id =
          local.submit(
              "leaves",
              "sleep 300 & echo $! > "
                  + polite
                  + "; (trap '' TERM; exec sleep 300) & echo $! > "
                  + stubborn
                  + "; exit 0");
      local.awaitState(id, JobState.SUCCEEDED);
      try {
        for (Path pidFile : List.of(polite, stubborn)) {
          awaitGone(pidFile, Duration.ofSeconds(30));
        }
      } finally {
        for (Path pidFile : List.of(polite, stubborn)) {
          ProcessHandle.of(pid(pidFile)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  @Test
  void aStaleHandleNeverKillsTheGroupOfAProcessThatReusedItsPid() throws Exception {
    // A job's record names a wrapper long gone; a later session leader has its pid now.
    Process other = new ProcessBuilder("/usr/bin/setsid", "sleep", "300").start();
    try {
      JobProcesses.Handle stale =
          new JobProcesses.Handle(other.pid(), java.time.Instant.now().minusSeconds(3600));
      JobProcesses.kill(stale, Duration.ofMillis(200));
      assertTrue(other.isAlive(), "killed a process that is not the job's");
    } finally {
      other.destroyForcibly();
    }
  }

  private static long pid(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).trim());
  }

  private static void awaitGone(Path pidFile, Duration within) throws IOException {
    long pid = pid(pidFile);
    long deadline = System.nanoTime() + within.toNanos();
    while (running(pid)) {
      if (System.nanoTime() > deadline) {
        fail("process " + pidFile.getFileName() + " (" + pid + ") outlived its job by " + within);
      }
      Sleeping.sleep(100);
    }
  }

  /** Alive and not a zombie waiting to be reaped. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
