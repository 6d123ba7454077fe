package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A Sentinels home in a temporary directory for one test: runs the CLI in this JVM or as separate
 * JVM processes (as users do), and cleans up the runner and job processes it left.
 */
final class LocalHome implements AutoCloseable {

  final Path dir;
  final SentinelHome home;

  LocalHome(Path dir, String config) throws IOException {
    this.dir = dir;
    this.home = new SentinelHome(dir);
    Files.createDirectories(dir);
    Files.writeString(home.configFile(), config);
  }

  /** A home whose machine has {@code cpus} cores, no engine, and a runner that idles out fast. */
  static LocalHome withCpus(Path dir, int cpus) throws IOException {
    return new LocalHome(
        dir,
        "backend: local\n"
            + "local:\n"
            + "  capacity: {cpu: "
            + cpus
            + ", memory: 64Gi, gpu: 0}\n"
            + "  idleTimeout: 5s\n"
            + "  engine: none\n");
  }

  private static boolean startedLately(Path file) {
    try {
      return Files.getLastModifiedTime(file)
          .toInstant()
          .isAfter(java.time.Instant.now().minusSeconds(3));
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code sentinel args...} in this JVM; options go right after the verb. */
  CliRun cli(String... args) {
    String previous = System.getProperty(SentinelHome.PROPERTY);
    System.setProperty(SentinelHome.PROPERTY, dir.toString());
    try {
      return CliRun.of(withLocal(args));
    } finally {
      if (previous == null) {
        System.clearProperty(SentinelHome.PROPERTY);
      } else {
        System.setProperty(SentinelHome.PROPERTY, previous);
      }
    }
  }

  /** {@code --local ARGS...}: a global flag before the verb, as kubectl users write it. */
  private static String[] withLocal(String... args) {
    List<String> all = new ArrayList<>(List.of("--local"));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  /** {@code sentinel args...} started as its own JVM, like a user's shell does. */
  Process start(String... args) throws IOException {
    return start(java.util.Map.of(), List.of(), args);
  }

  /**
   * The same with extra environment (e.g. {@code {env: NAME}} secrets; the runner it starts
   * inherits it) and JVM options.
   */
  Process start(java.util.Map<String, String> env, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-D" + SentinelHome.PROPERTY + "=" + dir));
    String plugins = System.getProperty(PluginHost.PLUGINS_DIR_PROPERTY);
    if (plugins != null) { // as bin/sentinel passes the plugins shipped with the build
      options.add("-D" + PluginHost.PLUGINS_DIR_PROPERTY + "=" + plugins);
    }
    ProcessBuilder builder = dev.sentinels.cli.CliProcess.builder(options, withLocal(args));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs {@code sentinel args...} as its own JVM to its end. */
  CliRun process(String... args) throws Exception {
    return process(java.util.Map.of(), args);
  }

  /** The same with extra environment. */
  CliRun process(java.util.Map<String, String> env, String... args) throws Exception {
    Process process = start(env, List.of(), args);
    var out = process.getInputStream().readAllBytes();
    var err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("sentinel " + String.join(" ", args) + " did not end");
    }
    return new CliRun(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /** The adapter of its own, as one CLI process would have. */
  LocalBackend backend() {
    return LocalBackend.open(home, Clock.systemUTC());
  }

  /**
   * Runs the runner in this thread on {@code backend} until {@code stop}, or until it idles out
   * after {@code idle} (as one a command started does), logging to {@code log}.
   */
  static void runRunner(
      LocalBackend backend,
      Clock clock,
      Optional<Duration> idle,
      AtomicBoolean stop,
      PrintStream log) {
    Backend runnerOnly =
        (Backend)
            java.lang.reflect.Proxy.newProxyInstance(
                Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("schedulerDriver")) {
                    return new LocalRunner(backend, idle);
                  }
                  try {
                    return method.invoke(backend, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    new Engine(runnerOnly, clock).runScheduler(stop, log);
  }

  /** The use cases over a backend of its own, as one CLI process has them. */
  Engine engine() {
    return new Engine(backend(), Clock.systemUTC());
  }

  /** A spec as {@code submit --name name --image x -- command...} makes it. */
  static dev.sentinels.api.JobSpec spec(LocalBackend backend, String name, String... command) {
    return new dev.sentinels.cli.spec.SpecReader(backend.queueConfig())
        .fromOverrides(
            new dev.sentinels.cli.spec.SpecOverrides()
                .name(name)
                .image("x")
                .command(List.of(command)));
  }

  JobRecord get(String id) {
    return find(id).orElseThrow();
  }

  /** The record, if there is one (a deleted job has none). */
  java.util.Optional<JobRecord> find(String id) {
    try (LocalBackend backend = backend()) {
      return backend.localStore().get(id).map(dev.sentinels.cli.engine.port.StoredRecord::record);
    }
  }

  /** Waits until the job satisfies {@code until}; fails with its state after {@code within}. */
  JobRecord await(String id, Predicate<JobRecord> until, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    JobRecord record = get(id);
    while (!until.test(record)) {
      if (System.nanoTime() > deadline) {
        fail("job " + id + " is " + record.state() + " (" + record.reason() + ") after " + within);
      }
      Sleeping.sleep(100);
      record = get(id);
    }
    return record;
  }

  JobRecord awaitState(String id, JobState state) {
    JobRecord record =
        await(id, r -> r.state() == state || r.state().isTerminal(), Duration.ofSeconds(60));
    assertEquals(state, record.state(), () -> id + ": " + record.reason());
    return record;
  }

  /** Submits {@code sh -c script} (in this JVM) and returns the job's id. */
  String submit(String name, String script) {
    return id(
        cli("submit", "--name", name, "--image", "x", "-o", "name", "--", "sh", "-c", script));
  }

  /** The same, requesting {@code cpu}. */
  String submit(String name, String cpu, String script) {
    return id(
        cli(
            "submit", "--name", name, "--image", "x", "--cpu", cpu, "-o", "name", "--", "sh", "-c",
            script));
  }

  /** A shell loop that ends once the test creates {@code gate}: jobs wait on it, never on time. */
  static String untilExists(Path gate) {
    return "while [ ! -f " + gate + " ]; do sleep 0.05; done";
  }

  /** The id {@code submit -o name} printed. */
  static String id(CliRun run) {
    assertEquals(0, run.exitCode(), () -> "submit failed: " + run.err() + run.out());
    return run.out().trim().replaceFirst("^job/", "");
  }

  /** Kills this home's processes started with its {@code sentinel.home}: the runner. */
  void killRunners() {
    // Only runners of this home, found by their command line: they are this test's.
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("sentinel.home=" + dir + " "))
        .forEach(
            runner -> {
              runner.destroyForcibly();
              runner.onExit().join();
            });
  }

  /** A job that ran in a container may have left it (a test that failed midway): remove it. */
  private static void removeContainer(Path job) {
    try {
      String runtime = Files.readString(job.resolve("runtime")).trim();
      if (!runtime.equals("host")) {
        ContainerEngine.detect(runtime)
            .ifPresent(engine -> engine.remove(job.getFileName().toString()));
      }
    } catch (IOException e) {
      // Never started: no container.
    }
  }

  /**
   * Kills the runner (if one still runs) and every job process left, so nothing outlives a test.
   */
  @Override
  public void close() {
    // A runner a command started just now may not be up yet: let it come, then stop it.
    Path starting = dir.resolve("runner.starting");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline && startedLately(starting)) {
      Sleeping.sleep(100);
    }
    killRunners();
    try (var jobs = Files.list(home.jobsDir())) {
      jobs.forEach(
          job -> {
            JobProcesses.find(job).ifPresent(h -> JobProcesses.kill(h, Duration.ofMillis(100)));
            removeContainer(job);
          });
    } catch (IOException e) {
      // No jobs directory: nothing ran.
    }
  }
}
