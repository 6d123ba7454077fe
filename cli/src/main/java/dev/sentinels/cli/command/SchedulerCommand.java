package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.SchedulerHealth;
import dev.sentinels.cli.local.LocalBackend;
import dev.sentinels.cli.metrics.SchedulerMetrics;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import dev.sentinels.cli.support.Sleeping;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "scheduler",
    description = {
      "Admit jobs continuously: hold the admission lease and react to every change.",
      "Optional: every command also admits on its own. Stops cleanly on SIGTERM or Ctrl-C.",
      "On a cluster: the namespace of -n, those of --namespaces, or every namespace with -A"
          + " (namespaces created later are picked up).",
      "Locally: the runner that starts and watches jobs (in the foreground; commands start one"
          + " in the background when none runs)."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  sentinel scheduler -n team-a",
      "  sentinel scheduler --namespaces team-a,team-b --health-port 8080",
      "  sentinel scheduler -A"
    })
final class SchedulerCommand extends Verb {

  /** How often {@code -A} looks for namespaces created or deleted since. */
  private static final long DISCOVERY_MILLIS = 15_000;

  @Option(
      names = "--namespaces",
      split = ",",
      paramLabel = "NS",
      description = "Manage these namespaces (comma-separated), each with its own queue and lease.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      description =
          "Serve /healthz and /readyz (Kubernetes probes) and /metrics (Prometheus) on this port;"
              + " off when not given.")
  Integer healthPort;

  @Option(
      names = "--health-address",
      paramLabel = "ADDR",
      defaultValue = "0.0.0.0",
      description = "The address the health port listens on (default: ${DEFAULT-VALUE}).")
  String healthAddress;

  private final Clock clock = Clock.systemUTC();
  private final SchedulerHealth health = new SchedulerHealth(clock);
  private final SchedulerMetrics metrics = new SchedulerMetrics(VersionProvider.version());
  private final Map<String, Loop> loops = new LinkedHashMap<>();

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.noneOf(OutputFormat.class);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  boolean listsAcrossNamespaces() {
    return true;
  }

  @Override
  void checkArguments() {
    if (healthPort != null && (healthPort < 0 || healthPort > 65535)) {
      throw SentinelException.invalid(
          "--health-port: " + healthPort + " is not a port; give 1-65535 (0 picks a free one)");
    }
    for (String namespace : namespaces) {
      if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw SentinelException.invalid(
            "--namespaces: '"
                + namespace
                + "' is not a namespace name (lowercase letters, digits and '-', at most 63)");
      }
    }
    if (!namespaces.isEmpty() && (global().allNamespaces || global().namespace != null)) {
      throw SentinelException.invalid(
          "--namespaces: give either --namespaces, -n or -A, not more than one");
    }
  }

  @Override
  int execute() {
    AtomicBoolean stop = new AtomicBoolean();
    // Not Thread.join: after the loops the main thread calls System.exit, which waits for hooks.
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                stopped.await(20, TimeUnit.SECONDS); // let every loop release its lease
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "sentinel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Engine first = Backends.open(global());
    HealthEndpoint endpoint = null;
    try {
      if (healthPort != null) {
        try {
          endpoint = HealthEndpoint.start(healthAddress, healthPort, health, metrics.handler());
          System.err.println(
              "sentinel scheduler: /healthz, /readyz and /metrics on "
                  + healthAddress
                  + ":"
                  + endpoint.port());
        } catch (SentinelException e) {
          if (!LocalBackend.isDetachedRunner()) {
            throw e;
          }
          // A runner a command started (local.metricsPort): a busy port must not stop the jobs.
          System.err.println("warning: no /metrics: " + e.getMessage());
        }
      }
      if (first.namespace().isEmpty() || (namespaces.isEmpty() && !global().allNamespaces)) {
        if (!namespaces.isEmpty()) {
          throw SentinelException.invalid(
              "--namespaces: the local backend has no namespaces; drop the flag or use a cluster");
        }
        System.err.println("sentinel scheduler on " + first.target());
        String scope = first.namespace().orElse("local");
        first.runScheduler(stop, System.err, health.scope(scope), metrics.scope(scope));
        return ExitCodes.OK;
      }
      first.close();
      first = null;
      manage(stop);
      return ExitCodes.OK;
    } finally {
      loops.values().forEach(Loop::stop);
      loops.values().forEach(Loop::join);
      if (first != null) {
        first.close();
      }
      if (endpoint != null) {
        endpoint.close();
      }
      stopped.countDown();
    }
  }

  /** One loop per namespace; with {@code -A} the set follows the cluster's namespaces. */
  private void manage(AtomicBoolean stop) {
    System.err.println(
        "sentinel scheduler: "
            + (global().allNamespaces
                ? "every namespace"
                : "namespaces " + String.join(", ", new TreeSet<>(namespaces))));
    while (!stop.get()) {
      Set<String> wanted =
          global().allNamespaces
              ? new TreeSet<>(Backends.namespaces(global()))
              : new TreeSet<>(namespaces);
      for (String namespace : wanted) {
        loops.computeIfAbsent(namespace, n -> new Loop(n, stop)).start();
      }
      for (var gone : List.copyOf(loops.keySet())) {
        if (!wanted.contains(gone)) {
          Loop loop = loops.remove(gone);
          loop.stop();
          loop.join();
          health.remove(gone);
          metrics.forget(gone);
        }
      }
      long until = System.currentTimeMillis() + DISCOVERY_MILLIS;
      while (!stop.get() && System.currentTimeMillis() < until) {
        if (!global().allNamespaces && loops.values().stream().noneMatch(Loop::alive)) {
          return; // every loop ended (they only end on stop)
        }
        Sleeping.sleep(200);
      }
    }
  }

  /** A namespace's scheduler loop in a thread of its own, its log lines prefixed with it. */
  private final class Loop {
    private final String namespace;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean all;
    private final SchedulerHealth.Scope scope;
    private Thread thread;

    Loop(String namespace, AtomicBoolean all) {
      this.namespace = namespace;
      this.all = all;
      this.scope = health.scope(namespace);
    }

    void start() {
      if (thread != null && thread.isAlive()) {
        return;
      }
      thread = new Thread(this::run, "scheduler-" + namespace);
      thread.start();
    }

    private void run() {
      PrintStream log = new Prefixed(System.err, namespace);
      AtomicBoolean either = new AtomicBoolean();
      Thread watcher =
          new Thread(
              () -> {
                while (!either.get()) {
                  if (stop.get() || all.get()) {
                    either.set(true);
                  }
                  Sleeping.sleep(100);
                }
              },
              "scheduler-stop-" + namespace);
      watcher.setDaemon(true);
      watcher.start();
      try (Engine engine = Backends.openIn(global(), namespace)) {
        engine.runScheduler(either, log, scope, metrics.scope(namespace));
      } catch (RuntimeException e) {
        // One namespace's failure (deleted meanwhile, forbidden) must not stop the others.
        log.println(Instant.now() + " scheduler stopped: " + ErrorReport.message(e));
      } finally {
        either.set(true);
      }
    }

    boolean alive() {
      return thread != null && thread.isAlive();
    }

    void stop() {
      stop.set(true);
    }

    void join() {
      if (thread == null) {
        return;
      }
      try {
        thread.join(TimeUnit.SECONDS.toMillis(20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Log lines of one namespace's loop, as {@code [namespace] line}. */
  private static final class Prefixed extends PrintStream {
    private final String prefix;

    Prefixed(PrintStream out, String namespace) {
      super(out, true);
      this.prefix = "[" + namespace + "] ";
    }

    @Override
    public void println(String line) {
      super.println(prefix + line);
    }

    @Override
    public void println(Object line) {
      println(String.valueOf(line));
    }
  }
}
