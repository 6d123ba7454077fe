package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.backend.Backend;
import dev.sentinels.cli.backend.NodeView;
import dev.sentinels.cli.backend.PassReport;
import dev.sentinels.cli.backend.QueueView;
import dev.sentinels.cli.backend.SentinelException;
import dev.sentinels.cli.backend.Sleeping;
import dev.sentinels.cli.backend.Submission;
import dev.sentinels.cli.command.ExitCodes;
import dev.sentinels.cli.config.SentinelConfig;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.local.LocalStore.Stored;
import dev.sentinels.cli.plugin.HookStore;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.plugin.PluginsConfig;
import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.plugin.SecretResolver;
import dev.sentinels.cli.queue.ActiveJob;
import dev.sentinels.cli.queue.AdmissionInput;
import dev.sentinels.cli.queue.AdmissionPlan;
import dev.sentinels.cli.queue.AdmissionPolicy;
import dev.sentinels.cli.queue.Decision;
import dev.sentinels.cli.queue.NodeCapacity;
import dev.sentinels.cli.queue.PendingJob;
import dev.sentinels.cli.spec.PluginsConfigReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * The embedded backend: records in a SQLite database under {@code $SENTINEL_HOME}, jobs as local
 * processes, this machine as the one node. Admission is the same {@link AdmissionPolicy} the
 * cluster uses, run inside one database transaction so no two processes admit on the same free
 * capacity. Commands that change the queue run a pass themselves and make sure a runner ({@link
 * LocalRunner}: starts admitted jobs, watches them) is alive; it outlives the command and exits
 * when idle.
 */
public final class LocalBackend implements Backend {

  /** Set on a runner a CLI started: it exits after the idle timeout. */
  static final String DETACHED_PROPERTY = "sentinel.runner.detached";

  /** Record attributes: how and where the job's process runs. */
  static final String PID = "local.pid";

  static final String PROCESS_START = "local.processStart";
  static final String RUNTIME = "local.runtime";
  static final String EXIT_CODE = "local.exitCode";
  static final String ATTEMPT = "local.attempt";

  static final Duration CLI_DELIVERY_BUDGET = Duration.ofSeconds(3);

  private static final Set<JobState> LIVE =
      EnumSet.of(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING);

  private final SentinelHome home;
  private final Clock clock;
  private final String machine;
  private SentinelConfig config;
  private LocalStore store;
  private Resources capacity;
  private JobHooks hooks;
  private boolean runnerFailedToStart;

  public LocalBackend(SentinelHome home, SentinelConfig config, Clock clock) {
    this.home = home;
    this.config = config;
    this.clock = clock;
    this.machine = Machine.name();
  }

  /** The backend for {@code home}; a bad {@code config.yaml} is reported by every command. */
  public static LocalBackend open(SentinelHome home, Clock clock) {
    return new LocalBackend(home, SentinelConfig.load(home), clock);
  }

  SentinelHome home() {
    return home;
  }

  Clock clock() {
    return clock;
  }

  String machine() {
    return machine;
  }

  synchronized SentinelConfig config() {
    if (config == null) {
      config = SentinelConfig.load(home);
    }
    return config;
  }

  synchronized LocalStore store() {
    if (store == null) {
      store = LocalStore.open(home.database());
    }
    return store;
  }

  synchronized Resources capacity() {
    if (capacity == null) {
      capacity = Machine.capacity(config().capacity());
    }
    return capacity;
  }

  /**
   * The plugin seam, built on first use from the {@code plugins:} section of {@code config.yaml}
   * (already parsed with the rest of it); plugins load only when a path needs them. A malformed
   * section turns plugins off with a warning, as on a cluster: it never stops a submission.
   */
  @Override
  public synchronized JobHooks hooks() {
    if (hooks == null) {
      hooks =
          JobHooks.fromConfig(this::pluginsConfig, () -> SecretResolver.ENV_ONLY, target(), clock);
    }
    return hooks;
  }

  PluginsConfig pluginsConfig() {
    return PluginsConfigReader.fromParsed(
        config().sections().get("plugins"), home.configFile().toString());
  }

  /** Pending plugin work in this home's store, claimed by conditional writes on row versions. */
  HookStore hookStore() {
    LocalStore db = store();
    return new HookStore() {
      @Override
      public List<JobRecord> pendingHooks() {
        return db.pendingHooks().stream().map(Stored::record).toList();
      }

      @Override
      public Optional<JobRecord> update(String jobId, UnaryOperator<JobRecord> change) {
        return db.update(jobId, change);
      }
    };
  }

  /** Resource alert episodes in the store's {@code alerts} row, written compare-and-set. */
  ResourceAlerts.EpisodeStore alertStore() {
    LocalStore db = store();
    return new ResourceAlerts.EpisodeStore() {
      @Override
      public Map.Entry<Map<String, String>, String> read() {
        return db.alerts();
      }

      @Override
      public boolean write(Map<String, String> state, String version) {
        return db.writeAlerts(state, version);
      }
    };
  }

  /** Who delivers, in claims: unique per process (and per call site kind). */
  String owner(String kind) {
    return kind
        + "/"
        + System.getProperty("user.name")
        + "@"
        + machine
        + "/"
        + ProcessHandle.current().pid();
  }

  /**
   * A command's bounded attempt at pending plugin work after its pass (what the runner has not
   * delivered yet, e.g. a cancel just now); the rest is left to the runner or the next command.
   */
  private void deliverBriefly() {
    if (hooks().configured()) {
      try {
        hooks().deliver(hookStore(), owner("cli"), CLI_DELIVERY_BUDGET);
      } catch (RuntimeException e) {
        // Never fail the user's command for a notification: the runner retries.
      }
    }
  }

  @Override
  public String target() {
    return "local backend, home " + home;
  }

  @Override
  public QueueConfig queueConfig() {
    return config().queueConfig();
  }

  @Override
  public JobRecord submit(JobSpec spec) {
    JobRecord record = enqueue(spec);
    admit();
    return get(record.id());
  }

  /** Stores the job as Queued; no pass, no runner. */
  JobRecord enqueue(JobSpec spec) {
    return Submission.store(
        spec,
        queueConfig(),
        System.getProperty("user.name"),
        clock.instant(),
        hooks(),
        record -> store().create(record));
  }

  @Override
  public JobRecord get(String jobId) {
    JobRecord record = stored(jobId).record();
    if (record.state().isActive()) {
      ensureRunner(); // a runner that was killed would leave it Running forever
    }
    return record;
  }

  private Stored stored(String jobId) {
    return store()
        .get(jobId)
        .orElseThrow(
            () ->
                SentinelException.notFound(
                    "no job '" + jobId + "' in " + target() + " (see: sentinel status)"));
  }

  @Override
  public List<JobRecord> list(Set<JobState> states) {
    List<JobRecord> records = new ArrayList<>();
    for (Stored stored : store().list(states)) {
      records.add(stored.record());
    }
    if (records.stream().anyMatch(r -> r.state().isActive())) {
      ensureRunner();
    }
    records.sort(
        Comparator.comparing(JobRecord::submittedAt).reversed().thenComparing(JobRecord::id));
    return records;
  }

  @Override
  public QueueView queue() {
    List<JobRecord> records = store().list(LIVE).stream().map(Stored::record).toList();
    AdmissionPlan plan = plan(records, clock.instant());
    Map<String, JobRecord> pending = new LinkedHashMap<>();
    records.stream().filter(r -> r.state() == JobState.QUEUED).forEach(r -> pending.put(r.id(), r));
    return new QueueView(pending, plan);
  }

  /** The policy's plan for the machine as one node, with the active jobs' requests taken. */
  AdmissionPlan plan(Collection<JobRecord> records, Instant now) {
    Resources total = capacity();
    Resources used = Resources.ZERO;
    List<ActiveJob> active = new ArrayList<>();
    List<PendingJob> pending = new ArrayList<>();
    for (JobRecord record : records) {
      if (record.state() == JobState.QUEUED) {
        pending.add(PendingJob.of(record));
      } else if (record.state().isActive()) {
        used = used.plus(record.spec().resources());
        active.add(
            new ActiveJob(
                record.id(), record.spec().queueOrDefault(), record.spec().resources(), machine));
      }
    }
    NodeCapacity node = new NodeCapacity(machine, total, total.minusClamped(used));
    AdmissionInput input =
        new AdmissionInput(List.of(node), active, pending, now, AdmissionInput.UNLIMITED);
    return new AdmissionPolicy(queueConfig()).plan(input);
  }

  /**
   * One admission pass: reads the live records, plans and marks the admitted ones in one immediate
   * transaction, so a concurrent pass (another CLI, the runner) sees them as taking capacity.
   */
  PassReport pass() {
    Instant now = clock.instant();
    LocalStore db = store();
    List<String> admitted =
        db.inTransaction(
            () -> {
              Map<String, Stored> byId = new LinkedHashMap<>();
              db.list(LIVE).forEach(s -> byId.put(s.record().id(), s));
              List<String> ids = new ArrayList<>();
              AdmissionPlan plan = plan(byId.values().stream().map(Stored::record).toList(), now);
              for (Decision decision : plan.admitted()) {
                Stored stored = byId.get(decision.jobId());
                JobRecord next =
                    stored
                        .record()
                        .withNode(machine)
                        .transition(JobState.ADMITTED, "Admitted on " + machine, now);
                if (db.update(next, stored.version())) {
                  ids.add(decision.jobId());
                }
              }
              return ids;
            });
    return new PassReport(admitted, List.of(), null);
  }

  /** A pass, then a runner to start what it admitted (and what it did not watch yet). */
  @Override
  public PassReport admit() {
    PassReport report = pass();
    ensureRunner();
    deliverBriefly();
    return report;
  }

  void ensureRunner() {
    if (!Boolean.getBoolean(DETACHED_PROPERTY) && !runnerFailedToStart) {
      try {
        RunnerLock.ensureRunning(home);
      } catch (java.io.UncheckedIOException e) {
        runnerFailedToStart = true; // one warning per command
        // What the caller did is committed; the next command tries again.
        System.err.println(
            "warning: "
                + e.getMessage()
                + ": "
                + e.getCause().getMessage()
                + " (see "
                + home.runnerLog()
                + ")");
      }
    }
  }

  @Override
  public JobRecord cancel(String jobId, String why) {
    LocalStore db = store();
    Stored before =
        db.inTransaction(
            () -> {
              Stored stored = stored(jobId);
              JobRecord record = stored.record();
              if (record.state() == JobState.CANCELLED) {
                return stored;
              }
              if (record.state().isTerminal()) {
                throw new SentinelException(
                    ExitCodes.FAILED,
                    "job " + jobId + " already " + record.state() + "; nothing to cancel");
              }
              db.update(
                  record.transition(JobState.CANCELLED, why, clock.instant()), stored.version());
              return stored;
            });
    JobRecord record = before.record();
    if (record.state() == JobState.RUNNING) {
      stop(record);
    }
    if (record.state() != JobState.CANCELLED) {
      admit(); // its capacity may let the next job in
    }
    return stored(jobId).record();
  }

  /** Kills the job's process tree (and its container), if it has one and it still lives. */
  void stop(JobRecord record) {
    handle(record).ifPresent(h -> JobProcesses.kill(h, Duration.ofSeconds(3)));
    String runtime = record.attributes().get(RUNTIME);
    if (runtime != null && !runtime.equals("host")) {
      ContainerEngine.detect(runtime).ifPresent(engine -> engine.remove(record.id()));
    }
  }

  static Optional<JobProcesses.Handle> handle(JobRecord record) {
    String pid = record.attributes().get(PID);
    String start = record.attributes().get(PROCESS_START);
    if (pid == null || start == null) {
      return Optional.empty();
    }
    return Optional.of(new JobProcesses.Handle(Long.parseLong(pid), Instant.parse(start)));
  }

  @Override
  public JobRecord setPriority(String jobId, String priorityClass) {
    PriorityClass priority = Submission.priorityClass(queueConfig(), priorityClass);
    LocalStore db = store();
    db.inTransaction(
        () -> {
          Stored stored = stored(jobId);
          JobRecord record = stored.record();
          if (record.state().isTerminal()) {
            throw new SentinelException(
                ExitCodes.FAILED,
                "job " + jobId + " already " + record.state() + "; priority no longer matters");
          }
          return db.update(
              record.withPriority(priority.name(), priority.value()), stored.version());
        });
    admit();
    return get(jobId);
  }

  @Override
  public void logs(String jobId, boolean follow, Integer tailLines, PrintStream out) {
    JobRecord record = get(jobId);
    Path output = home.jobDir(jobId).resolve(JobProcesses.OUTPUT);
    if (!Files.exists(output)) {
      if (!follow || record.state().isTerminal()) {
        throw SentinelException.notFound(
            "job "
                + jobId
                + " is "
                + record.state()
                + " and has no output"
                + (record.state() == JobState.QUEUED ? " yet (see: sentinel queue)" : ""));
      }
      System.err.println("waiting for job " + jobId + " to start (" + record.state() + ")...");
      while (!Files.exists(output)) {
        if (get(jobId).state().isTerminal() && !Files.exists(output)) {
          throw SentinelException.notFound("job " + jobId + " ended without output");
        }
        Sleeping.sleep(250);
      }
    }
    try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
      long position = tailLines == null ? 0 : tailStart(file, tailLines);
      byte[] buffer = new byte[64 * 1024];
      while (true) {
        boolean ended = !follow || get(jobId).state().isTerminal();
        file.seek(position);
        int read;
        while ((read = file.read(buffer)) > 0) {
          out.write(buffer, 0, read);
          position += read;
        }
        out.flush();
        if (ended) {
          return; // read once more after seeing it end: nothing written before is lost
        }
        Sleeping.sleep(200);
      }
    } catch (IOException e) {
      throw new SentinelException(ExitCodes.INTERNAL, "cannot read " + output + ": " + e, e);
    }
  }

  /** Where the last {@code lines} lines of the file start. */
  private static long tailStart(RandomAccessFile file, int lines) throws IOException {
    long length = file.length();
    if (lines <= 0) {
      return length;
    }
    long position = length;
    int newlines = 0;
    // A final newline ends the last line rather than starting an empty one.
    if (position > 0) {
      file.seek(position - 1);
      if (file.read() == '\n') {
        position--;
      }
    }
    while (position > 0) {
      file.seek(position - 1);
      if (file.read() == '\n' && ++newlines == lines) {
        return position;
      }
      position--;
    }
    return 0;
  }

  @Override
  public List<NodeView> nodes() {
    Resources requested = Resources.ZERO;
    int jobs = 0;
    for (Stored stored : store().list(EnumSet.of(JobState.ADMITTED, JobState.RUNNING))) {
      requested = requested.plus(stored.record().spec().resources());
      jobs++;
    }
    return List.of(new NodeView(machine, capacity(), requested, jobs, true, true));
  }

  @Override
  public List<DescribeSection> describeDetails(String jobId) {
    JobRecord record = stored(jobId).record();
    Path dir = home.jobDir(jobId);
    List<String> lines = new ArrayList<>();
    lines.add("Job directory: " + dir);
    lines.add("Working dir:   " + dir.resolve(JobProcesses.WORK));
    lines.add("Output:        " + dir.resolve(JobProcesses.OUTPUT));
    lines.add("Artifacts:     " + dir.resolve(JobProcesses.ARTIFACTS));
    String runtime = record.attributes().get(RUNTIME);
    if (runtime != null) {
      lines.add(
          "Ran:           "
              + (runtime.equals("host")
                  ? "on the host"
                  : "in a " + runtime + " container (" + record.spec().image() + ")"));
    }
    Optional<JobProcesses.Handle> handle = handle(record);
    handle.ifPresent(
        h ->
            lines.add(
                "PID:           "
                    + h.pid()
                    + " (process group; "
                    + (JobProcesses.alive(h) ? "alive" : "ended")
                    + ")"));
    OptionalInt exit = JobProcesses.exitCode(dir);
    String recorded = record.attributes().get(EXIT_CODE);
    if (recorded != null || exit.isPresent()) {
      lines.add(
          "Exit code:     " + (recorded != null ? recorded : Integer.toString(exit.getAsInt())));
    }
    if (runtime == null && handle.isEmpty()) {
      lines.add("Process:       not started");
    }
    return List.of(new DescribeSection("Local process", lines));
  }

  @Override
  public void runScheduler(AtomicBoolean stop, PrintStream log) {
    boolean detached = Boolean.getBoolean(DETACHED_PROPERTY);
    if (detached && !Files.exists(home.database())) {
      log.println("no store at " + home.database() + " (home removed?); nothing to run");
      return;
    }
    new LocalRunner(this, log).run(stop, detached ? config().idleTimeout() : null);
  }

  @Override
  public synchronized void close() {
    if (hooks != null) {
      hooks.close();
      hooks = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
  }
}
