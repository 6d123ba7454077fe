package dev.sentinels.cli.command;

import dev.sentinels.cli.backend.SentinelException;
import dev.sentinels.cli.cluster.KubeConnection;
import dev.sentinels.cli.spec.SpecException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import picocli.CommandLine;

/** The exit codes every command uses; listed in {@code sentinel --help}. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int NOT_FOUND = 3;
  public static final int UNREACHABLE = 4;
  public static final int INTERNAL = 5;

  private ExitCodes() {}

  /** Maps an exception that escaped a command to its exit code. */
  public static int forException(Throwable error) {
    if (error instanceof CommandLine.ParameterException || error instanceof SpecException) {
      return USAGE;
    }
    if (error instanceof SentinelException sentinel) {
      return sentinel.exitCode();
    }
    if (KubeConnection.isUnreachable(error)) {
      return UNREACHABLE;
    }
    if (error instanceof KubernetesClientException k) {
      return switch (k.getCode()) {
        case 404 -> NOT_FOUND;
        case 401, 403 -> FAILED;
        default -> INTERNAL;
      };
    }
    return INTERNAL;
  }

  /** Prints one line for the user (the trace too with --debug) and returns the exit code. */
  public static int report(Throwable error, boolean debug, PrintStream err) {
    err.println("error: " + message(error));
    if (debug) {
      error.printStackTrace(err);
    } else if (forException(error) == INTERNAL) {
      err.println("(run again with --debug for the stack trace)");
    }
    return forException(error);
  }

  static String message(Throwable error) {
    if (error instanceof SentinelException || error instanceof SpecException) {
      return error.getMessage();
    }
    if (KubeConnection.isUnreachable(error)) {
      return "cannot reach the Kubernetes API server: "
          + rootMessage(error)
          + " (check --kubeconfig/--context, or that the cluster is up)";
    }
    if (error instanceof KubernetesClientException k && k.getCode() == 403) {
      String detail = k.getStatus() != null ? k.getStatus().getMessage() : k.getMessage();
      return "forbidden: " + detail + " (ask your cluster admin for Sentinels' role)";
    }
    if (error instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      return k.getStatus().getMessage();
    }
    return rootMessage(error);
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
