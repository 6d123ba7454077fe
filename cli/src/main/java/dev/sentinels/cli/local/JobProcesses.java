package dev.sentinels.cli.local;

import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Starts, finds and kills the processes of local jobs. A job runs in its own session and process
 * group ({@code setsid}), so a kill reaches everything it started, and under a small shell wrapper
 * that records its pid and, when the command ends, its exit code in the job's directory: both
 * survive a crash of the runner that started it.
 *
 * <p>Files in a job's directory: {@code launched} (created, exclusively, before the start: a job is
 * never started twice), {@code pid}, {@code exit}, {@code output.log} (stdout and stderr, as {@code
 * kubectl logs} shows them), {@code work/} (its working directory), {@code artifacts/}.
 */
final class JobProcesses {

  static final String LAUNCHED = "launched";
  static final String PID = "pid";
  static final String EXIT = "exit";
  static final String OUTPUT = "output.log";
  static final String WORK = "work";
  static final String ARTIFACTS = "artifacts";

  private static final boolean SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"));

  /**
   * {@code $0} is the job directory. The command runs as a child, not exec'd, so the shell is still
   * there to write its exit code; files are written then renamed so a reader never sees half. When
   * the command ends, what it left in its process group is sent SIGTERM (the shell ignores it): a
   * job's capacity is free once it ended, so nothing of it may run on.
   */
  private static final String WRAPPER =
      "echo $$ > \"$0/pid.tmp\" && mv \"$0/pid.tmp\" \"$0/pid\"; \"$@\"; code=$?;"
          + (SETSID ? " trap '' TERM; kill -TERM 0 2>/dev/null;" : "")
          + " echo $code > \"$0/exit.tmp\" && mv \"$0/exit.tmp\" \"$0/exit\"; exit $code";

  /**
   * A started (or adopted) job process: its pid and when it started, so a reused pid is told apart.
   */
  record Handle(long pid, Instant started) {}

  private JobProcesses() {}

  /**
   * Starts {@code command} for the job in {@code jobDir}; empty when it was launched before (by
   * this or a crashed runner), which the caller must then find rather than start again.
   */
  static Optional<Handle> start(Path jobDir, List<String> command, Map<String, String> env)
      throws IOException {
    Files.createDirectories(jobDir.resolve(WORK));
    Files.createDirectories(jobDir.resolve(ARTIFACTS));
    try {
      Files.createFile(jobDir.resolve(LAUNCHED));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>();
    if (SETSID) {
      argv.add("/usr/bin/setsid");
    }
    argv.addAll(List.of("/bin/sh", "-c", WRAPPER, jobDir.toString()));
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.directory(jobDir.resolve(WORK).toFile());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(jobDir.resolve(OUTPUT).toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process = builder.start();
    ProcessHandle handle = process.toHandle();
    Instant started = handle.info().startInstant().orElse(Instant.now());
    return Optional.of(new Handle(handle.pid(), started));
  }

  /** The exit code the wrapper wrote, if the command has ended. */
  static OptionalInt exitCode(Path jobDir) {
    try {
      return OptionalInt.of(Integer.parseInt(Files.readString(jobDir.resolve(EXIT)).trim()));
    } catch (NoSuchFileException e) {
      return OptionalInt.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.of(-1);
    }
  }

  /**
   * The job's wrapper process from its pid file, when it is still alive and is the process that
   * wrote it (started no later than the file), not a later one that reuses the pid.
   */
  static Optional<Handle> find(Path jobDir) {
    try {
      Path pidFile = jobDir.resolve(PID);
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      Instant written = Files.getLastModifiedTime(pidFile).toInstant();
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isEmpty() || !process.get().isAlive()) {
        return Optional.empty();
      }
      Instant started = process.get().info().startInstant().orElse(null);
      if (started == null || started.isAfter(written.plusSeconds(2))) {
        return Optional.empty();
      }
      return Optional.of(new Handle(pid, started));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** True while the process is alive and is the one {@code handle} names. */
  static boolean alive(Handle handle) {
    return ProcessHandle.of(handle.pid())
        .filter(ProcessHandle::isAlive)
        .flatMap(p -> p.info().startInstant())
        .map(started -> Duration.between(started, handle.started()).abs().toMillis() < 1500)
        .orElse(false);
  }

  /**
   * Kills the job's whole process tree: SIGTERM to its process group, SIGKILL to what is left after
   * {@code grace}. Returns when nothing of it is left (or after a bounded wait).
   */
  static void kill(Handle handle, Duration grace) {
    if (!alive(handle)) {
      killLeftovers(handle, grace); // the command ended; what it left may not have
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    ProcessHandle.of(handle.pid()).ifPresent(tree::add);
    ProcessHandle.of(handle.pid()).ifPresent(p -> p.descendants().forEach(tree::add));
    signalGroup(handle.pid(), "TERM");
    tree.forEach(ProcessHandle::destroy);
    if (!waitGone(handle.pid(), tree, grace)) {
      signalGroup(handle.pid(), "KILL");
      tree.forEach(ProcessHandle::destroyForcibly);
      waitGone(handle.pid(), tree, Duration.ofSeconds(5));
    }
  }

  /**
   * After the job's command ended: waits for its wrapper to exit, then kills what is left in its
   * process group (processes that ignored the wrapper's SIGTERM), SIGKILL after {@code grace}. The
   * group id is the wrapper's pid, which the kernel does not hand out again while the group has
   * members; a live process with that pid that is not the wrapper means the group is long gone.
   */
  static void killLeftovers(Handle wrapper, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (alive(wrapper) && System.nanoTime() < deadline) {
      Sleeping.sleep(20);
    }
    long group = wrapper.pid();
    if (ProcessHandle.of(group).isPresent() || !groupAlive(group)) {
      return;
    }
    if (!waitGone(group, List.of(), grace)) {
      signalGroup(group, "KILL");
      waitGone(group, List.of(), Duration.ofSeconds(5));
    }
  }

  private static boolean waitGone(long group, List<ProcessHandle> tree, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (tree.stream().noneMatch(ProcessHandle::isAlive) && !groupAlive(group)) {
        return true;
      }
      Sleeping.sleep(50);
    }
    return false;
  }

  /** With setsid the wrapper leads its own process group: its pid is the group id. */
  private static void signalGroup(long group, String signal) {
    if (SETSID) {
      runQuietly(5, "/bin/kill", "-s", signal, "--", "-" + group);
    }
  }

  private static boolean groupAlive(long group) {
    return SETSID && runQuietly(5, "/bin/kill", "-s", "0", "--", "-" + group) == 0;
  }

  /**
   * Runs a short command, output discarded: its exit code, or -1 if it failed to start or ran over.
   */
  static int runQuietly(long timeoutSeconds, String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
