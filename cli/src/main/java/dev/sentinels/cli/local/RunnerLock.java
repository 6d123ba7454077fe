package dev.sentinels.cli.local;

import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.plugin.PluginHost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one runner per home: whoever holds an OS lock on {@code runner.lock} starts and watches local
 * jobs. The kernel drops the lock when its holder dies, even by {@code kill -9}, so a crashed
 * runner never blocks the next. CLI commands start a detached runner when none holds it.
 */
final class RunnerLock implements AutoCloseable {

  /**
   * Homes whose lock this JVM holds. POSIX drops all of a process's locks on a file when it closes
   * any channel to it, so this JVM must not open the file again while it holds the lock.
   */
  private static final java.util.Set<Path> HELD_HERE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Touched when a CLI starts a runner. */
  private static final String STARTING = "runner.starting";

  private static final Duration STARTING_GRACE = Duration.ofSeconds(5);

  private final FileChannel channel;
  private FileLock lock;
  private final Path file;

  private RunnerLock(FileChannel channel, FileLock lock, Path file) {
    this.channel = channel;
    this.lock = lock;
    this.file = file;
  }

  /**
   * The lock, writing this process's pid and start time into the file (what {@link #held} reads);
   * empty while another runner holds it.
   */
  static synchronized Optional<RunnerLock> tryAcquire(SentinelHome home) {
    if (HELD_HERE.contains(home.runnerLock())) {
      return Optional.empty();
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(home.dir());
      channel =
          FileChannel.open(
              home.runnerLock(),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      nameHolder(channel);
      HELD_HERE.add(home.runnerLock());
      // The start is done: a runner that leaves soon must not keep the next one from starting.
      Files.deleteIfExists(home.dir().resolve(STARTING));
      return Optional.of(new RunnerLock(channel, lock, home.runnerLock()));
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel); // held by a runner in this very JVM
      return Optional.empty();
    } catch (IOException e) {
      closeQuietly(channel);
      throw new java.io.UncheckedIOException("cannot lock " + home.runnerLock(), e);
    }
  }

  private static void nameHolder(FileChannel channel) throws IOException {
    channel.truncate(0);
    ProcessHandle self = ProcessHandle.current();
    String holder =
        self.pid() + self.info().startInstant().map(started -> " " + started).orElse("") + "\n";
    channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.US_ASCII)), 0);
    channel.force(false);
  }

  /**
   * Lets go of the lock (a CLI probing now starts a runner), keeping the file open for {@link
   * #retake}.
   */
  synchronized void release() {
    try {
      channel.truncate(0);
      lock.release();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot release " + file, e);
    }
  }

  /** Takes the lock again after {@link #release}; false when another runner has it now. */
  synchronized boolean retake() {
    try {
      FileLock again = channel.tryLock();
      if (again == null) {
        return false;
      }
      lock = again;
      nameHolder(channel);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * True when some process holds the lock now: the holder the file names is alive and is the
   * process that wrote it. Never takes the lock, not even briefly: a runner starting meanwhile
   * would find it taken and leave.
   */
  static synchronized boolean held(SentinelHome home) {
    if (HELD_HERE.contains(home.runnerLock())) {
      return true;
    }
    try {
      String[] holder = Files.readString(home.runnerLock()).trim().split(" ");
      if (holder.length < 2) {
        return false; // released (the holder empties it), or never held
      }
      return JobProcesses.alive(
          new JobProcesses.Handle(Long.parseLong(holder[0]), Instant.parse(holder[1])));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The pid the holder wrote, if any. */
  static synchronized Optional<Long> holderPid(SentinelHome home) {
    if (HELD_HERE.contains(home.runnerLock())) {
      return Optional.of(ProcessHandle.current().pid()); // reading would drop this JVM's lock
    }
    try {
      return Optional.of(Long.parseLong(Files.readString(home.runnerLock()).trim().split(" ")[0]));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Starts {@code sentinel scheduler --local} detached (own session, output to {@code runner.log})
   * when no runner holds the lock, with this process's java and class path. It exits when idle.
   * Returns true when it started one.
   */
  static boolean ensureRunning(SentinelHome home, Integer metricsPort) {
    if (held(home) || recentlyStarted(home)) {
      return false;
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      argv.add("/usr/bin/setsid"); // not in the CLI's session: Ctrl-C there must not stop it
    }
    argv.addAll(
        List.of(
            java,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx256m",
            "-D" + SentinelHome.PROPERTY + "=" + home.dir(),
            "-D" + LocalRuntime.DETACHED_PROPERTY + "=true"));
    String plugins = System.getProperty(PluginHost.PLUGINS_DIR_PROPERTY);
    if (plugins != null) { // the runner delivers with the plugins this CLI ships with
      argv.add("-D" + PluginHost.PLUGINS_DIR_PROPERTY + "=" + plugins);
    }
    argv.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.sentinels.cli.Sentinel",
            "scheduler",
            "--local"));
    if (metricsPort != null) { // local.metricsPort: on loopback only, nothing else need reach it
      argv.addAll(
          List.of("--health-port", metricsPort.toString(), "--health-address", "127.0.0.1"));
    }
    try {
      Files.createDirectories(home.dir());
      Files.writeString(home.dir().resolve(STARTING), ProcessHandle.current().pid() + "\n");
      new ProcessBuilder(argv)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(home.runnerLog().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      return true;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(home.dir().resolve(STARTING)); // none is starting: the next may try
      } catch (IOException ignored) {
        // Then the next command waits out the grace.
      }
      throw new java.io.UncheckedIOException("cannot start the local runner", e);
    }
  }

  /**
   * A runner started moments ago may not hold the lock yet: starting another would only see it
   * leave again, at the cost of a JVM start.
   */
  private static boolean recentlyStarted(SentinelHome home) {
    try {
      Instant started = Files.getLastModifiedTime(home.dir().resolve(STARTING)).toInstant();
      return started.isAfter(Instant.now().minus(STARTING_GRACE));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    synchronized (RunnerLock.class) {
      try {
        channel.truncate(0); // no holder named: a probe sees it free
        lock.release();
      } catch (IOException e) {
        // Closing the channel releases it too.
      }
      closeQuietly(channel);
      HELD_HERE.remove(file);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing held.
      }
    }
  }
}
