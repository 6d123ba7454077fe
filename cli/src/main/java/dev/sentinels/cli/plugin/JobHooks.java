package dev.sentinels.cli.plugin;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.plugin.TrackedRun;
import dev.sentinels.api.plugin.TrackingBackend;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.cli.support.SentinelException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The seam between any backend and the plugins. A backend calls:
 *
 * <ol>
 *   <li>{@link #onSubmit} on a new record before its first write (tracking run, env for the job);
 *   <li>nothing on transitions: {@link JobRecord#transition} marks terminal ones pending in the
 *       same write;
 *   <li>{@link #deliver} after a pass that may have written transitions (briefly, from the CLI) or
 *       continually in the background (scheduler), with its {@link HookStore}.
 * </ol>
 *
 * The host is built on first use, so a backend holding a {@code JobHooks} pays nothing until a path
 * needs plugins, and nothing at all when no plugin is configured.
 */
public final class JobHooks implements AutoCloseable {

  /** Attribute naming the plugin tracking the job, e.g. {@code mlflow}. */
  public static final String TRACKING = "sentinel.tracking";

  /** Attribute with a link to the job's tracking run, for {@code describe}. */
  public static final String TRACKING_LINK = "sentinel.tracking.link";

  /** Attribute with a hash of the spec as submitted, tagged on runs. */
  public static final String SPEC_HASH = "sentinel.specHash";

  /** How long a submission waits for the tracking run; {@code submitTimeout} in its section. */
  static final Duration SUBMIT_BUDGET = Duration.ofSeconds(10);

  private static final Duration QUERY_BUDGET = Duration.ofSeconds(30);

  private final PluginsConfig config;
  private final Supplier<PluginHost> loader;
  private final String target;
  private final Clock clock;
  private final String configProblem;
  private PluginHost host;
  private boolean loaded;

  /**
   * @param config the plugins section; when empty nothing is ever loaded
   * @param loader builds the host (e.g. {@code () -> PluginHost.load(roots, config, secrets)})
   * @param target where jobs run, for people (the backend's {@code target()})
   */
  public JobHooks(PluginsConfig config, Supplier<PluginHost> loader, String target, Clock clock) {
    this(config, loader, target, clock, null);
  }

  /**
   * @param configProblem why the configuration could not be read (plugins are then off), or null
   */
  public JobHooks(
      PluginsConfig config,
      Supplier<PluginHost> loader,
      String target,
      Clock clock,
      String configProblem) {
    this.config = config;
    this.loader = loader;
    this.target = target;
    this.clock = clock;
    this.configProblem = configProblem;
  }

  /**
   * A backend's hooks from its plugins configuration, as both backends build them: plugins load
   * from the default roots on first need, secrets resolve through {@code secrets} then. A
   * configuration that cannot be read turns plugins off with a one-line warning (and an error in
   * {@code sentinel plugins}): it never stops a submission or a scheduler.
   */
  public static JobHooks fromConfig(
      Supplier<PluginsConfig> readConfig,
      Supplier<SecretResolver> secrets,
      String target,
      Clock clock) {
    PluginsConfig config;
    String problem = null;
    try {
      config = readConfig.get();
    } catch (dev.sentinels.cli.spec.SpecException e) {
      config = PluginsConfig.NONE;
      problem = e.getMessage().replace('\n', ' ');
      System.err.println("warning: plugins off: " + problem);
    }
    PluginsConfig read = config;
    return new JobHooks(
        read,
        () -> PluginHost.load(PluginHost.defaultRoots(), read, secrets.get()),
        target,
        clock,
        problem);
  }

  /** Why the plugins configuration could not be read, if it could not. */
  public Optional<String> configProblem() {
    return Optional.ofNullable(configProblem);
  }

  /** Hooks that never do anything. */
  public static JobHooks none(Clock clock) {
    return new JobHooks(
        PluginsConfig.NONE,
        () ->
            PluginHost.load(PluginHost.defaultRoots(), PluginsConfig.NONE, SecretResolver.ENV_ONLY),
        "",
        clock);
  }

  /** Logs through the plugins: the log source, the sink, the link. */
  public JobLogs logs() {
    return new JobLogs(this::host);
  }

  /** The host, loading plugins on first call; null when nothing is configured. */
  public synchronized PluginHost host() {
    return config.isEmpty() ? null : inventory();
  }

  /** Every installed plugin, configured or not (for {@code sentinel plugins}). */
  public synchronized PluginHost inventory() {
    if (!loaded) {
      host = loader.get();
      loaded = true;
    }
    return host;
  }

  public boolean configured() {
    return !config.isEmpty();
  }

  /** Whether a tracking backend or notifier is configured: someone to deliver terminal states. */
  public boolean delivers() {
    PluginHost plugins = host();
    return plugins != null && !plugins.idle();
  }

  /**
   * Starts the tracking run for a record about to be queued and returns the record with the run's
   * attributes and env. Never fails the submission: if tracking is unreachable or broken, the
   * record is returned untracked and {@code warn} gets one line.
   */
  public JobRecord onSubmit(JobRecord record, Consumer<String> warn) {
    PluginHost plugins = host();
    if (plugins == null || plugins.tracking().isEmpty()) {
      return record;
    }
    PluginHost.Active<TrackingBackend> tracking = plugins.tracking().get();
    JobRecord hashed = record.withAttribute(SPEC_HASH, specHash(record));
    try {
      long budget = tracking.config().duration("submitTimeout").orElse(SUBMIT_BUDGET).toMillis();
      TrackedRun run = plugins.call(budget, () -> tracking.extension().startRun(hashed));
      Map<String, String> attributes = new LinkedHashMap<>(run.attributes());
      run.env().forEach((name, value) -> attributes.put(PluginEnv.PREFIX + name, value));
      attributes.put(TRACKING, tracking.pluginId());
      JobRecord tracked = hashed.withAttributes(attributes);
      Optional<String> link = tracking.extension().runLink(tracked);
      return link.isPresent() ? tracked.withAttribute(TRACKING_LINK, link.get()) : tracked;
    } catch (Exception e) {
      warn.accept(
          "warning: "
              + tracking.pluginId()
              + " tracking unavailable, job queued without a run: "
              + plugins.describe(e));
      return hashed;
    }
  }

  /**
   * Delivers pending terminal-state work (tracking status, notifications) until {@code budget} runs
   * out; what is left is picked up by the next call, here or in another process.
   */
  public HookDelivery.Report deliver(HookStore store, String owner, Duration budget) {
    PluginHost plugins = host();
    if (plugins == null || plugins.idle()) {
      return HookDelivery.Report.EMPTY;
    }
    return new HookDelivery(plugins, store, owner, target, clock).run(clock.instant().plus(budget));
  }

  /** A question for the tracking backend, e.g. its past runs. */
  @FunctionalInterface
  public interface TrackingQuery<T> {
    T ask(TrackingBackend tracking) throws Exception;
  }

  /**
   * Asks the configured tracking backend, with a time limit. No tracking configured or a broken
   * plugin: a usage error pointing at {@code sentinel plugins}; unreachable: exit code 4. Messages
   * are one line, secrets masked.
   */
  public <T> T queryTracking(TrackingQuery<T> query) {
    PluginHost plugins = host();
    if (plugins == null || plugins.tracking().isEmpty()) {
      throw SentinelException.invalid(
          "no tracking plugin is configured for "
              + target
              + " (configure one, e.g. plugins.mlflow.trackingUri; see: sentinel plugins)");
    }
    PluginHost.Active<TrackingBackend> tracking = plugins.tracking().get();
    try {
      return plugins.call(QUERY_BUDGET.toMillis(), () -> query.ask(tracking.extension()));
    } catch (Exception e) {
      throw SentinelException.unreachable(
          tracking.pluginId() + " tracking did not answer: " + plugins.describe(e), null);
    }
  }

  /** Link to the job's tracking run, from its record (no plugin needed). */
  public static Optional<String> trackingLink(JobRecord record) {
    return Optional.ofNullable(record.attributes().get(TRACKING_LINK));
  }

  static String specHash(JobRecord record) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(RecordCodec.mapper().writeValueAsBytes(record.spec()));
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (host != null) {
      host.close();
    }
  }
}
