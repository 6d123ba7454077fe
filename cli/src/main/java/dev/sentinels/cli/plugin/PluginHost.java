package dev.sentinels.cli.plugin;

import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.LogSink;
import dev.sentinels.api.plugin.LogSource;
import dev.sentinels.api.plugin.MetricsSource;
import dev.sentinels.api.plugin.Notifier;
import dev.sentinels.api.plugin.PluginConfig;
import dev.sentinels.api.plugin.SentinelExtension;
import dev.sentinels.api.plugin.TrackingBackend;
import dev.sentinels.cli.support.DaemonThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads plugins with pf4j from the bundled directory ({@code -Dsentinel.plugins.dir}, set by {@code
 * bin/sentinel}) and the user's ({@code $SENTINEL_HOME/plugins}), instantiates and configures their
 * extensions, and calls them with a time limit. Nothing here throws for a broken plugin: it is
 * reported in {@link #statuses()} and skipped. Only paths that need plugins build a host; read-only
 * commands never load pf4j.
 */
public final class PluginHost implements AutoCloseable {

  /** System property naming the distribution's bundled plugin directory. */
  public static final String PLUGINS_DIR_PROPERTY = "sentinel.plugins.dir";

  /** Host sections of {@code plugins:} that are not plugin ids. */
  static final Set<String> HOST_SECTIONS = Set.of("alerts");

  /** How a plugin was found. */
  public record PluginStatus(
      String id, String version, String path, List<String> kinds, String configured, String error) {
    public boolean healthy() {
      return error == null;
    }
  }

  /** A configured extension, with its plugin's id and configuration. */
  public record Active<T extends SentinelExtension>(
      String pluginId, T extension, PluginConfig config) {}

  private final PluginManager manager;
  private final List<PluginStatus> statuses = new ArrayList<>();

  /** Unconfigured plugins whose extensions are made only when statuses are asked for. */
  private final Map<Integer, List<Class<?>>> unmade = new java.util.LinkedHashMap<>();

  private final List<Active<TrackingBackend>> tracking = new ArrayList<>();
  private final List<Active<Notifier>> notifiers = new ArrayList<>();
  private final List<Active<LogSource>> logSources = new ArrayList<>();
  private final List<Active<LogSink>> logSinks = new ArrayList<>();
  private final Set<String> secretValues = new LinkedHashSet<>();
  private final ExecutorService calls =
      Executors.newCachedThreadPool(DaemonThreads.named("sentinel-plugin-call"));

  private PluginHost(PluginManager manager) {
    this.manager = manager;
  }

  /** The bundled directory (if set) and the user's, in that order. */
  public static List<Path> defaultRoots() {
    List<Path> roots = new ArrayList<>();
    String bundled = System.getProperty(PLUGINS_DIR_PROPERTY);
    if (bundled != null && !bundled.isBlank()) {
      roots.add(Path.of(bundled));
    }
    roots.add(sentinelHome().resolve("plugins"));
    return roots;
  }

  /** {@code -Dsentinel.home}, else {@code $SENTINEL_HOME}, else {@code ~/.sentinel}. */
  public static Path sentinelHome() {
    String home = System.getProperty("sentinel.home", System.getenv("SENTINEL_HOME"));
    return home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".sentinel");
  }

  /** Loads every plugin under {@code roots} and configures those {@code config} names. */
  public static PluginHost load(List<Path> roots, PluginsConfig config, SecretResolver secrets) {
    List<Path> existing = roots.stream().filter(Files::isDirectory).distinct().toList();
    PluginManager manager =
        existing.isEmpty() ? null : new DefaultPluginManager(new ArrayList<>(existing));
    PluginHost host = new PluginHost(manager);
    if (manager != null) {
      try {
        manager.loadPlugins();
        manager.startPlugins();
        dev.sentinels.cli.support.Timing.mark("plugins started");
      } catch (RuntimeException | LinkageError e) {
        host.statuses.add(
            new PluginStatus("?", "", existing.toString(), List.of(), "no", host.describe(e)));
      }
      for (PluginWrapper plugin : manager.getPlugins()) {
        host.add(plugin, config, secrets);
        dev.sentinels.cli.support.Timing.mark("plugin added: " + plugin.getPluginId());
      }
    }
    Set<String> found = new LinkedHashSet<>();
    host.statuses.forEach(s -> found.add(s.id()));
    for (String id : config.sections().keySet()) {
      if (!found.contains(id) && !HOST_SECTIONS.contains(id)) {
        host.statuses.add(
            new PluginStatus(
                id,
                "",
                "",
                List.of(),
                "yes",
                "configured in " + config.source() + " but no plugin '" + id + "' is installed"));
      }
    }
    return host;
  }

  private void add(PluginWrapper plugin, PluginsConfig config, SecretResolver secrets) {
    String id = plugin.getPluginId();
    String version = plugin.getDescriptor().getVersion();
    String path = String.valueOf(plugin.getPluginPath());
    Optional<Map<String, Object>> section = config.section(id);
    String configured = section.isPresent() ? "yes" : "no";
    if (plugin.getPluginState() == PluginState.FAILED) {
      statuses.add(
          new PluginStatus(
              id, version, path, List.of(), configured, describe(plugin.getFailedException())));
      return;
    }
    List<SentinelExtension> extensions = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    String error = null;
    List<String> classNames = new ArrayList<>(manager.getExtensionClassNames(id));
    List<Class<?>> types = new ArrayList<>();
    for (String className : classNames) {
      try {
        // Only a configured plugin's extensions are made here: an unconfigured one costs a
        // command only its class names (its kinds come from the class; whether it can be made
        // is checked when the statuses are shown).
        Class<?> type =
            Class.forName(className, section.isPresent(), plugin.getPluginClassLoader());
        if (!SentinelExtension.class.isAssignableFrom(type)) {
          error = className + " does not implement a Sentinels extension point";
          continue;
        }
        kinds.addAll(kinds(type));
        types.add(type);
        if (section.isPresent()) {
          extensions.add((SentinelExtension) type.getDeclaredConstructor().newInstance());
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        error = "extension " + className + " failed to load: " + describe(e);
      }
    }
    if (error == null && classNames.isEmpty()) {
      error = "no extensions (is META-INF/extensions.idx missing?)";
    }
    if (error == null && section.isPresent()) {
      PluginConfig pluginConfig =
          new MapPluginConfig(id, config.source(), section.get(), secrets, secretValues::add);
      try {
        for (SentinelExtension extension : extensions) {
          extension.configure(pluginConfig);
        }
        notifyOn(pluginConfig); // validates the host's own keys too
        for (SentinelExtension extension : extensions) {
          if (extension instanceof TrackingBackend t) {
            tracking.add(new Active<>(id, t, pluginConfig));
          }
          if (extension instanceof Notifier n) {
            notifiers.add(new Active<>(id, n, pluginConfig));
          }
          if (extension instanceof LogSource l) {
            logSources.add(new Active<>(id, l, pluginConfig));
          }
          if (extension instanceof LogSink l) {
            logSinks.add(new Active<>(id, l, pluginConfig));
          }
        }
      } catch (RuntimeException | LinkageError e) {
        configured = "error";
        error = describe(e);
      }
    }
    if (error == null && section.isEmpty()) {
      unmade.put(statuses.size(), types);
    }
    statuses.add(new PluginStatus(id, version, path, List.copyOf(kinds), configured, error));
  }

  /**
   * Whether each configured plugin's service answers: plugin id to what failed (empty when all
   * answer). Each check is bounded, so a hanging server costs a few seconds at most.
   */
  public Map<String, String> unreachable() {
    Map<String, String> failures = new java.util.LinkedHashMap<>();
    List<Active<? extends SentinelExtension>> active = new ArrayList<>();
    active.addAll(tracking);
    active.addAll(notifiers);
    active.addAll(logSources);
    for (Active<? extends SentinelExtension> extension : active) {
      if (failures.containsKey(extension.pluginId())) {
        continue;
      }
      try {
        call(
            5_000,
            () -> {
              extension.extension().checkReachable();
              return null;
            });
      } catch (Exception e) {
        failures.put(extension.pluginId(), describe(e));
      }
    }
    return failures;
  }

  private static List<String> kinds(Class<?> extension) {
    List<String> kinds = new ArrayList<>();
    if (TrackingBackend.class.isAssignableFrom(extension)) {
      kinds.add("tracking");
    }
    if (Notifier.class.isAssignableFrom(extension)) {
      kinds.add("notifier");
    }
    if (LogSource.class.isAssignableFrom(extension) || LogSink.class.isAssignableFrom(extension)) {
      kinds.add("logs");
    }
    if (MetricsSource.class.isAssignableFrom(extension)) {
      kinds.add("metrics");
    }
    return kinds;
  }

  /** Terminal states a notifier is told about: its {@code on} list, default all three. */
  static Set<JobState> notifyOn(PluginConfig config) {
    List<String> names = config.strings("on");
    if (names.isEmpty()) {
      return EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);
    }
    Set<JobState> states = EnumSet.noneOf(JobState.class);
    for (String name : names) {
      JobState state;
      try {
        state = JobState.parse(name);
      } catch (IllegalArgumentException e) {
        state = null;
      }
      if (state == null || !state.isTerminal()) {
        throw config.invalid(
            "on", "\"" + name + "\" is not a terminal state; use Succeeded, Failed, Cancelled");
      }
      states.add(state);
    }
    return states;
  }

  /** Every plugin found, with what is wrong with it; unconfigured ones are made once to see. */
  public synchronized List<PluginStatus> statuses() {
    unmade.forEach(
        (at, types) -> {
          for (Class<?> type : types) {
            try {
              type.getDeclaredConstructor().newInstance(); // initializes the class too
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
              PluginStatus status = statuses.get(at);
              statuses.set(
                  at,
                  new PluginStatus(
                      status.id(),
                      status.version(),
                      status.path(),
                      status.kinds(),
                      status.configured(),
                      "extension " + type.getName() + " failed to load: " + describe(e)));
              return;
            }
          }
        });
    unmade.clear();
    return List.copyOf(statuses);
  }

  /** The configured tracking backend; the first if several are (a status says so). */
  public Optional<Active<TrackingBackend>> tracking() {
    return tracking.stream().findFirst();
  }

  /** Configured notifiers in plugin id order, so every process delivers in the same order. */
  public List<Active<Notifier>> notifiers() {
    return notifiers.stream()
        .sorted(java.util.Comparator.comparing(Active<Notifier>::pluginId))
        .toList();
  }

  /** The configured log source (where output is read after the job's pods are gone), if any. */
  public Optional<Active<LogSource>> logSource() {
    return logSources.stream().findFirst();
  }

  /** Where the local runner ships jobs' output, if a plugin takes it. */
  public Optional<Active<LogSink>> logSink() {
    return logSinks.stream().findFirst();
  }

  /** True when nothing is configured: callers can skip all plugin work. */
  public boolean idle() {
    return tracking.isEmpty() && notifiers.isEmpty();
  }

  /** {@code text} with every secret value this host resolved replaced by {@code ****}. */
  public String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = text;
    for (String secret : secretValues) {
      if (!secret.isEmpty()) {
        masked = masked.replace(secret, "****");
      }
    }
    return masked;
  }

  /** One line for people about a failure, with secrets masked. */
  public String describe(Throwable e) {
    Throwable outer = e;
    while ((outer instanceof ExecutionException
            || outer instanceof ExceptionInInitializerError
            || outer instanceof java.lang.reflect.InvocationTargetException)
        && outer.getCause() != null) {
      outer = outer.getCause();
    }
    if (outer instanceof dev.sentinels.api.plugin.PluginConfigException) {
      return mask(oneLine(outer.getMessage()));
    }
    Throwable root = outer;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return mask(oneLine(plainly(root, outer)));
  }

  /**
   * What went wrong in words, never Java class names: the failures users meet (a server that is
   * down, a name that does not resolve, a timeout) said as such, others by their message alone.
   */
  private static String plainly(Throwable root, Throwable outer) {
    String type = root.getClass().getSimpleName();
    String message = root.getMessage() == null ? "" : root.getMessage();
    if (type.endsWith("ConnectException")) {
      return "cannot connect" + (message.isEmpty() ? "" : ": " + withoutClassNames(message));
    }
    if (type.equals("UnknownHostException")) {
      return "unknown host " + message;
    }
    if (type.endsWith("TimeoutException")) {
      return message.isEmpty() ? "no answer in time" : withoutClassNames(message);
    }
    if (type.startsWith("SSL")) {
      return "TLS failed: " + withoutClassNames(message);
    }
    String text =
        withoutClassNames(message.isEmpty() ? String.valueOf(outer.getMessage()) : message);
    return text.isEmpty() || text.equals("null") ? "failed (" + type + ")" : text;
  }

  /**
   * {@code org.apache.http.conn.HttpHostConnectException: Connect to x} -> {@code Connect to x}.
   */
  static String withoutClassNames(String text) {
    return text.replaceAll("\\b([a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(:\\s*)?", "").trim();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").trim();
  }

  /**
   * Runs a plugin call with a time limit, so a hanging service never holds up a command or the
   * queue. The call keeps running in a daemon thread if it overstays; its result is dropped.
   */
  public <T> T call(long timeoutMillis, Callable<T> call) throws Exception {
    Future<T> future = calls.submit(call);
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TimeoutException("no answer within " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    calls.shutdownNow();
    if (manager != null) {
      try {
        manager.stopPlugins();
      } catch (RuntimeException e) {
        // Stopping is best effort: the process is ending.
      }
    }
  }
}
