package dev.sentinels.cli.command;

import dev.sentinels.cli.cluster.KubeConnection;
import dev.sentinels.cli.cluster.KubernetesBackend;
import dev.sentinels.cli.config.SentinelConfig;
import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.local.LocalBackend;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.time.Clock;
import java.util.Optional;

/**
 * The composition root: which adapter the global flags (and a REPL session's {@code use}) name,
 * opened behind the engine.
 */
final class Backends {

  private Backends() {}

  /**
   * Local with {@code --local}; else what {@code $SENTINEL_HOME/config.yaml} says ({@code
   * backend:}); else the cluster when a kubeconfig (or {@code --kubeconfig}/{@code --context}) is
   * there, the local backend when not.
   */
  static Engine open(GlobalOptions global) {
    Target target = Target.of(global, Session.current());
    return new Engine(backend(target), Clock.systemUTC());
  }

  /**
   * The engines {@code -A} spans: one per namespace on a cluster (each has its own records and
   * configuration), the one home locally. Close each.
   */
  static java.util.List<Engine> openEach(GlobalOptions global) {
    Target target = Target.of(global, Session.current());
    Backend first = backend(target);
    if (first.namespace().isEmpty()) {
      return java.util.List.of(new Engine(first, Clock.systemUTC()));
    }
    first.close();
    boolean warm = Session.current().isPresent();
    java.util.List<Engine> engines = new java.util.ArrayList<>();
    for (String namespace :
        KubernetesBackend.namespaces(target.kubeconfig(), target.context(), warm)) {
      engines.add(
          new Engine(
              KubernetesBackend.connect(
                  target.kubeconfig(), target.context(), namespace, Clock.systemUTC(), warm),
              Clock.systemUTC()));
    }
    return engines;
  }

  /** The cluster {@code global} names, in {@code namespace} (the scheduler's loops). */
  static Engine openIn(GlobalOptions global, String namespace) {
    Target target = Target.of(global, Session.current());
    return new Engine(
        KubernetesBackend.connect(
            target.kubeconfig(), target.context(), namespace, Clock.systemUTC(), false),
        Clock.systemUTC());
  }

  /** The cluster's namespaces, for completion; none on the local backend. */
  static java.util.List<String> namespaces(GlobalOptions global) {
    Target target = Target.of(global, Session.current());
    if (target.local()) {
      return java.util.List.of();
    }
    return KubernetesBackend.namespaces(
        target.kubeconfig(), target.context(), Session.current().isPresent());
  }

  /** Where a command works, after flags and the session's choices. */
  record Target(String kubeconfig, String context, String namespace, boolean local) {
    static Target of(GlobalOptions global, Optional<Session> session) {
      Target chosen = new Target(global.kubeconfig, global.context, global.namespace, global.local);
      return session.map(s -> s.fill(chosen)).orElse(chosen);
    }
  }

  private static Backend backend(Target target) {
    SentinelHome home = SentinelHome.resolve();
    if (target.local()) {
      return LocalBackend.open(home, Clock.systemUTC());
    }
    boolean clusterNamed = target.kubeconfig() != null || target.context() != null;
    SentinelConfig config = clusterNamed ? null : SentinelConfig.load(home);
    Optional<String> configured = config == null ? Optional.empty() : config.backend();
    if (configured.isPresent()) {
      if (configured.get().equals(SentinelConfig.BACKEND_LOCAL)) {
        return new LocalBackend(home, config, Clock.systemUTC());
      }
      if (!KubeConnection.clusterConfigured(target.kubeconfig())) {
        throw new SentinelException(
            ExitCodes.UNREACHABLE,
            home.configFile()
                + " says backend: kubernetes, but no cluster is configured:"
                + " set KUBECONFIG or pass --kubeconfig FILE");
      }
    } else if (!clusterNamed && !KubeConnection.clusterConfigured(target.kubeconfig())) {
      return new LocalBackend(home, config, Clock.systemUTC());
    }
    boolean warm = Session.current().isPresent();
    return KubernetesBackend.connect(
        target.kubeconfig(), target.context(), target.namespace(), Clock.systemUTC(), warm);
  }
}
