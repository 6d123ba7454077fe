package dev.sentinels.cli.local;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.config.SentinelConfig;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.port.AdmissionGuard;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.engine.port.Diagnostics;
import dev.sentinels.cli.engine.port.JobRuntime;
import dev.sentinels.cli.engine.port.JobStore;
import dev.sentinels.cli.engine.port.SchedulerDriver;
import dev.sentinels.cli.plugin.PluginsConfig;
import dev.sentinels.cli.plugin.PluginsConfigReader;
import dev.sentinels.cli.plugin.SecretResolver;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The embedded adapter: records in a SQLite database under {@code $SENTINEL_HOME}, jobs as local
 * processes or containers, this machine as the one node. Admission is the engine's pass inside one
 * database transaction, so no two processes admit on the same free capacity; a runner ({@link
 * LocalRunner}) outlives the commands that start it and exits when idle.
 */
public final class LocalBackend implements Backend {

  private final SentinelHome home;
  private final Clock clock;
  private final String machine;
  private SentinelConfig config;
  private LocalStore store;
  private LocalRuntime runtime;
  private Resources capacity;

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

  synchronized SentinelConfig config() {
    if (config == null) {
      config = SentinelConfig.load(home);
    }
    return config;
  }

  /** The store, opened on first use: commands that fail on their input never touch it. */
  synchronized LocalStore localStore() {
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

  /** Whether this process is a runner a command started in the background. */
  public static boolean isDetachedRunner() {
    return Boolean.getBoolean(LocalRuntime.DETACHED_PROPERTY);
  }

  synchronized LocalRuntime localRuntime() {
    if (runtime == null) {
      runtime =
          new LocalRuntime(
              home,
              localStore(),
              machine,
              this::capacity,
              () -> config().containerEngine(),
              () -> config().metricsPort());
    }
    return runtime;
  }

  @Override
  public String target() {
    return "local backend, home " + home;
  }

  @Override
  public QueueConfig queueConfig() {
    return config().queueConfig();
  }

  /** The {@code plugins:} section of {@code config.yaml}, parsed with the rest of it. */
  @Override
  public PluginsConfig pluginsConfig() {
    return PluginsConfigReader.fromParsed(
            config().sections().get("plugins"), home.configFile().toString())
        .withEnvironment(System::getenv, true);
  }

  /** Locally secrets come from the environment only: there is no Secret store to refer to. */
  @Override
  public SecretResolver secrets() {
    return SecretResolver.ENV_ONLY;
  }

  @Override
  public String currentUser() {
    return System.getProperty("user.name");
  }

  @Override
  public JobStore store() {
    return localStore();
  }

  @Override
  public JobRuntime runtime() {
    return localRuntime();
  }

  @Override
  public AdmissionGuard admission(String identity, boolean longLived) {
    return new LocalAdmission(localStore(), identity);
  }

  @Override
  public Diagnostics diagnostics() {
    return new LocalDiagnostics(this);
  }

  /** The runner; one a command started (detached) leaves after the configured idle time. */
  @Override
  public SchedulerDriver schedulerDriver(String identity) {
    boolean detached = Boolean.getBoolean(LocalRuntime.DETACHED_PROPERTY);
    Optional<Duration> idle = detached ? Optional.of(config().idleTimeout()) : Optional.empty();
    return new LocalRunner(this, idle);
  }

  @Override
  public synchronized void close() {
    if (store != null) {
      store.close();
      store = null;
      runtime = null;
    }
  }
}
