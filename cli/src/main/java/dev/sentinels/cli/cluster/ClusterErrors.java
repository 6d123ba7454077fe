package dev.sentinels.cli.cluster;

import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * What a failure from the Kubernetes API means for the user: one line and its exit code. The only
 * place outside this package that learns about fabric8's exceptions asks here.
 */
public final class ClusterErrors {

  private ClusterErrors() {}

  /** The failure as the user should see it, when it came from talking to a cluster. */
  public static Optional<SentinelException> translate(Throwable error) {
    if (isUnreachable(error)) {
      return Optional.of(
          new SentinelException(
              ExitCodes.UNREACHABLE,
              "cannot reach the Kubernetes API server: "
                  + rootMessage(error)
                  + " (check --kubeconfig/--context, or that the cluster is up)",
              error));
    }
    if (!(error instanceof KubernetesClientException k)) {
      return Optional.empty();
    }
    String detail =
        k.getStatus() != null && k.getStatus().getMessage() != null
            ? k.getStatus().getMessage()
            : rootMessage(k);
    return Optional.of(
        switch (k.getCode()) {
          case 401 ->
              new SentinelException(
                  ExitCodes.FORBIDDEN,
                  "unauthorized: the API server refused your credentials (" + detail + ")",
                  k);
          case 403 ->
              new SentinelException(
                  ExitCodes.FORBIDDEN,
                  "forbidden: " + detail + " (ask your cluster admin for the sentinels-user role)",
                  k);
          case 404 -> new SentinelException(ExitCodes.NOT_FOUND, detail, k);
          default -> new SentinelException(ExitCodes.INTERNAL, detail, k);
        });
  }

  /** Whether {@code e} means the server could not be reached (as opposed to refused a request). */
  public static boolean isUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof HttpConnectTimeoutException
          || t instanceof NoRouteToHostException
          || t instanceof SSLHandshakeException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return text.replaceAll("\\s+", " ").trim();
  }
}
