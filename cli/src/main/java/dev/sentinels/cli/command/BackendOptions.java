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
import picocli.CommandLine.Option;

/** Where to work: kubectl's --kubeconfig, --context and --namespace, or --local. */
public final class BackendOptions {

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
  String kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context to use.")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace of the queue (default: the context's, then 'default').")
  String namespace;

  @Option(
      names = "--local",
      description = "Use the embedded local backend under $SENTINEL_HOME (default ~/.sentinel).")
  boolean local;

  /**
   * Opens the backend these options name: local with {@code --local}; else what {@code
   * $SENTINEL_HOME/config.yaml} says ({@code backend:}); else the cluster when a kubeconfig (or
   * {@code --kubeconfig}/{@code --context}) is there, the local backend when not.
   */
  public Engine open() {
    return new Engine(backend(), Clock.systemUTC());
  }

  private Backend backend() {
    SentinelHome home = SentinelHome.resolve();
    if (local) {
      return LocalBackend.open(home, Clock.systemUTC());
    }
    boolean clusterNamed = kubeconfig != null || context != null;
    SentinelConfig config = clusterNamed ? null : SentinelConfig.load(home);
    Optional<String> configured = config == null ? Optional.empty() : config.backend();
    if (configured.isPresent()) {
      if (configured.get().equals(SentinelConfig.BACKEND_LOCAL)) {
        return new LocalBackend(home, config, Clock.systemUTC());
      }
      if (!KubeConnection.clusterConfigured(kubeconfig)) {
        throw new SentinelException(
            ExitCodes.UNREACHABLE,
            home.configFile()
                + " says backend: kubernetes, but no cluster is configured:"
                + " set KUBECONFIG or pass --kubeconfig FILE");
      }
    } else if (!clusterNamed && !KubeConnection.clusterConfigured(kubeconfig)) {
      return new LocalBackend(home, config, Clock.systemUTC());
    }
    return KubernetesBackend.connect(kubeconfig, context, namespace, Clock.systemUTC());
  }
}
