package dev.sentinels.cli.engine;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.engine.port.Diagnostics;
import dev.sentinels.cli.engine.port.Diagnostics.Admitter;
import dev.sentinels.cli.engine.port.Diagnostics.Capability;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import dev.sentinels.cli.support.SentinelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code sentinel doctor}: whether this backend is ready for work, one check per line. The backend
 * gives facts through its {@link Diagnostics} port; what passes, warns or fails is decided here,
 * the same for a cluster and the local backend. A check that cannot be made fails with the reason;
 * only an unreachable backend stops the rest.
 */
public final class Doctor {

  /** How a check came out: {@code warn} is worth knowing but nothing is broken. */
  public enum Outcome {
    OK,
    WARN,
    FAIL;

    public String word() {
      return name().toLowerCase();
    }
  }

  /** One line of the report. */
  public record Check(String name, Outcome outcome, String detail) {}

  /**
   * The checks made, and the error that stopped them (the backend could not be reached), if one
   * did.
   */
  public record Report(List<Check> checks, Optional<SentinelException> stoppedBy) {

    /**
     * 0 when every check passed (warnings too, unless {@code strict}); the unreachable backend's
     * own code when it stopped the checks; else 1.
     */
    public int exitCode(boolean strict) {
      if (stoppedBy.isPresent()) {
        return stoppedBy.get().exitCode();
      }
      boolean failed =
          checks.stream()
              .anyMatch(
                  c -> c.outcome() == Outcome.FAIL || (strict && c.outcome() == Outcome.WARN));
      return failed ? ExitCodes.FAILED : ExitCodes.OK;
    }
  }

  /** What a user needs for everyday work; admitting is the scheduler's, checked with it. */
  private static final List<Capability> EVERYDAY =
      List.of(Capability.READ, Capability.SUBMIT, Capability.CANCEL, Capability.LOGS);

  private final Backend backend;
  private final Supplier<List<NodeView>> nodes;
  private final Supplier<JobHooks> hooks;
  private Diagnostics facts;

  Doctor(Backend backend, Supplier<List<NodeView>> nodes, Supplier<JobHooks> hooks) {
    this.backend = backend;
    this.nodes = nodes;
    this.hooks = hooks;
  }

  Report run() {
    facts = backend.diagnostics();
    List<Check> checks = new ArrayList<>();
    String where;
    try {
      where = facts.connection();
    } catch (RuntimeException e) {
      SentinelException explained = explain(e);
      if (explained.exitCode() == ExitCodes.UNREACHABLE
          || explained.exitCode() == ExitCodes.FORBIDDEN) {
        checks.add(new Check("connection", Outcome.FAIL, explained.getMessage()));
        return new Report(checks, Optional.of(explained));
      }
      throw explained;
    }
    checks.add(new Check("connection", Outcome.OK, where));
    Diagnostics.Installation installation = attempt(checks, "configuration", facts::installation);
    if (installation != null) {
      checks.add(configuration(installation));
    }
    checks.add(permissions());
    Optional<Admitter> admitter = attempt(checks, "scheduler", facts::admitter);
    if (admitter != null) {
      checks.add(scheduler(admitter));
      checks.add(versions(admitter, installation));
    }
    boolean schedulerRuns = admitter != null && admitter.filter(Admitter::scheduler).isPresent();
    checks.add(capacityCheck(schedulerRuns));
    try {
      checks.addAll(plugins());
    } catch (RuntimeException e) {
      checks.add(new Check("plugins", Outcome.FAIL, "cannot check: " + explain(e).getMessage()));
    }
    return new Report(List.copyOf(checks), Optional.empty());
  }

  private Check configuration(Diagnostics.Installation installation) {
    try {
      QueueConfig config = backend.queueConfig();
      backend.pluginsConfig();
      return new Check(
          "configuration",
          Outcome.OK,
          installation.source()
              + ": "
              + count(config.priorityClasses().size(), "priority class", "priority classes")
              + ", "
              + count(config.queues().size(), "queue", "queues"));
    } catch (RuntimeException e) {
      return new Check("configuration", Outcome.FAIL, explain(e).getMessage());
    }
  }

  private Check permissions() {
    List<String> may = new ArrayList<>();
    List<String> mayNot = new ArrayList<>();
    for (Capability capability : EVERYDAY) {
      Optional<String> missing;
      try {
        missing = facts.missing(capability);
      } catch (RuntimeException e) {
        return new Check("permissions", Outcome.FAIL, "cannot check: " + explain(e).getMessage());
      }
      if (missing.isEmpty()) {
        may.add(capability.words());
      } else {
        mayNot.add(capability.words() + " (needs " + missing.get() + ")");
      }
    }
    if (mayNot.isEmpty()) {
      return new Check("permissions", Outcome.OK, "may " + sentence(may));
    }
    return new Check(
        "permissions",
        Outcome.FAIL,
        "may not "
            + String.join("; nor ", mayNot)
            + (may.isEmpty() ? "" : "; may " + sentence(may))
            + " (ask your cluster admin for the sentinels-user role)");
  }

  private Check scheduler(Optional<Admitter> admitter) {
    if (admitter.isPresent() && admitter.get().scheduler()) {
      Admitter a = admitter.get();
      return new Check(
          "scheduler",
          Outcome.OK,
          a.identity()
              + " holds admission"
              + (facts.admitterNeeded()
                  ? " (renewed " + a.sinceRenewal().toSeconds() + "s ago)"
                  : ""));
    }
    if (!facts.admitterNeeded()) {
      return new Check(
          "scheduler", Outcome.OK, "no runner now: a command starts one when a job is queued");
    }
    String now = admitter.map(a -> a.identity() + " is admitting (a one-shot pass); ").orElse("");
    Optional<String> cannotAdmit;
    try {
      cannotAdmit = facts.missing(Capability.ADMIT);
    } catch (RuntimeException e) {
      return new Check("scheduler", Outcome.FAIL, now + "cannot check: " + explain(e).getMessage());
    }
    if (cannotAdmit.isPresent()) {
      return new Check(
          "scheduler",
          Outcome.FAIL,
          now
              + "no scheduler holds admission and you may not admit from here (needs "
              + cannotAdmit.get()
              + "): queued jobs wait until a scheduler runs (helm install, docs/install.md)");
    }
    return new Check(
        "scheduler",
        Outcome.WARN,
        now
            + "no scheduler holds admission: jobs are admitted only while a sentinel command runs"
            + " (install the chart for one: docs/install.md)");
  }

  private static Check versions(
      Optional<Admitter> admitter, Diagnostics.Installation installation) {
    String client = SentinelVersion.current();
    List<String> parts = new ArrayList<>(List.of("client " + client));
    List<String> differ = new ArrayList<>();
    Optional<String> scheduler = admitter.filter(Admitter::scheduler).flatMap(Admitter::version);
    scheduler.ifPresent(
        v -> {
          parts.add("scheduler " + v);
          if (!v.equals(client)) {
            differ.add("scheduler " + v);
          }
        });
    Optional<String> installed = installation == null ? Optional.empty() : installation.version();
    installed.ifPresent(
        v -> {
          parts.add("chart app " + v);
          if (!v.equals(client)) {
            differ.add("chart app " + v);
          }
        });
    if (differ.isEmpty()) {
      return new Check("versions", Outcome.OK, String.join(", ", parts));
    }
    return new Check(
        "versions",
        Outcome.WARN,
        "client "
            + client
            + " differs from "
            + String.join(" and ", differ)
            + ": upgrade the one that is behind");
  }

  private Check capacity() {
    List<NodeView> all = nodes.get();
    List<NodeView> accepting = all.stream().filter(NodeView::accepting).toList();
    if (accepting.isEmpty()) {
      return new Check(
          "capacity",
          Outcome.WARN,
          all.isEmpty()
              ? "no nodes: jobs wait until nodes join"
              : "no node takes work (" + all.size() + " not ready or cordoned)");
    }
    Resources total = Resources.ZERO;
    Resources free = Resources.ZERO;
    for (NodeView node : accepting) {
      total = total.plus(node.allocatable());
      free = free.plus(node.free());
    }
    int others = all.size() - accepting.size();
    return new Check(
        "capacity",
        Outcome.OK,
        count(accepting.size(), "node takes", "nodes take")
            + " work: "
            + total
            + "; free now "
            + free
            + (others == 0 ? "" : "; " + others + " more not ready or cordoned"));
  }

  private List<Check> plugins() {
    List<Check> checks = new ArrayList<>();
    JobHooks hooks = this.hooks.get();
    Optional<String> problem = hooks.configProblem();
    if (problem.isPresent()) {
      checks.add(new Check("plugins", Outcome.FAIL, problem.get()));
      return checks;
    }
    if (!hooks.configured()) {
      checks.add(new Check("plugins", Outcome.OK, "none configured"));
      return checks;
    }
    PluginHost host = hooks.inventory();
    Map<String, String> unreachable = host.unreachable();
    for (PluginHost.PluginStatus status : host.statuses()) {
      if ("no".equals(status.configured())) {
        continue;
      }
      String name = "plugin " + status.id();
      if (!status.healthy()) {
        checks.add(new Check(name, Outcome.FAIL, status.error()));
      } else if (unreachable.containsKey(status.id())) {
        checks.add(
            new Check(name, Outcome.FAIL, "does not answer: " + unreachable.get(status.id())));
      } else {
        checks.add(
            new Check(
                name,
                Outcome.OK,
                String.join(", ", status.kinds())
                    + (status.kinds().isEmpty() ? "" : ", ")
                    + "answers (version "
                    + status.version()
                    + ")"));
      }
    }
    return checks;
  }

  /** A fact the next check needs; null (and a failed line) when it cannot be had. */
  private <T> T attempt(List<Check> checks, String name, Supplier<T> fact) {
    try {
      return fact.get();
    } catch (RuntimeException e) {
      checks.add(new Check(name, Outcome.FAIL, "cannot check: " + explain(e).getMessage()));
      return null;
    }
  }

  /** Any failure as Sentinels' one line; one the backend cannot explain is a bug: rethrown. */
  private SentinelException explain(RuntimeException e) {
    return e instanceof SentinelException s ? s : facts.explain(e).orElseThrow(() -> e);
  }

  /**
   * Capacity as this user can see it. People bound in one namespace may not list nodes; with a
   * scheduler admitting for them that is as it should be, so it is no warning then.
   */
  private Check capacityCheck(boolean schedulerRuns) {
    try {
      return capacity();
    } catch (RuntimeException e) {
      SentinelException explained = explain(e);
      if (schedulerRuns && explained.exitCode() == ExitCodes.FORBIDDEN) {
        return new Check(
            "capacity",
            Outcome.OK,
            "not visible to you (" + shortly(explained) + "); the scheduler sees it");
      }
      return new Check("capacity", Outcome.WARN, "cannot check: " + explained.getMessage());
    }
  }

  /** The API server's reason without the advice Sentinels appends to a refusal. */
  private static String shortly(SentinelException e) {
    return e.getMessage().replaceFirst(" \\(ask your cluster admin.*\\)$", "");
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  /** "a, b and c". */
  private static String sentence(List<String> words) {
    if (words.size() <= 1) {
      return String.join("", words);
    }
    return String.join(", ", words.subList(0, words.size() - 1))
        + " and "
        + words.get(words.size() - 1);
  }
}
