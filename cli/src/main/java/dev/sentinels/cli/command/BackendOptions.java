package dev.sentinels.cli.command;

import dev.sentinels.cli.backend.Backend;
import dev.sentinels.cli.backend.SentinelException;
import dev.sentinels.cli.cluster.KubeConnection;
import dev.sentinels.cli.cluster.KubernetesBackend;
import java.time.Clock;
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

  @Option(names = "--local", description = "Use the embedded local backend, not a cluster.")
  boolean local;

  /** Opens the backend these options name. */
  public Backend open() {
    if (local || !KubeConnection.clusterConfigured(kubeconfig)) {
      throw new SentinelException(
          ExitCodes.UNREACHABLE,
          "no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig FILE"
              + " (the embedded local backend is not available in this build)");
    }
    return KubernetesBackend.connect(kubeconfig, context, namespace, Clock.systemUTC());
  }
}
