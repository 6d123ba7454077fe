package dev.sentinels.cli.command;

import dev.sentinels.cli.cluster.ClusterErrors;
import dev.sentinels.cli.spec.SpecException;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.io.PrintStream;
import picocli.CommandLine;

/** How a failure that escaped a command reaches the user: one line and its exit code. */
public final class ErrorReport {

  private ErrorReport() {}

  /** The exit code of a failure, as the table in {@code sentinel --help} lists them. */
  public static int exitCode(Throwable error) {
    if (error instanceof CommandLine.ParameterException || error instanceof SpecException) {
      return ExitCodes.USAGE;
    }
    if (error instanceof SentinelException sentinel) {
      return sentinel.exitCode();
    }
    return ClusterErrors.translate(error)
        .map(SentinelException::exitCode)
        .orElse(ExitCodes.INTERNAL);
  }

  /** Prints one line for the user (the trace too with --debug) and returns the exit code. */
  public static int report(Throwable error, boolean debug, PrintStream err) {
    err.println("error: " + message(error));
    if (debug) {
      error.printStackTrace(err);
    } else if (exitCode(error) == ExitCodes.INTERNAL) {
      err.println("(run again with --debug for the stack trace)");
    }
    return exitCode(error);
  }

  public static String message(Throwable error) {
    if (error instanceof SentinelException || error instanceof SpecException) {
      return error.getMessage();
    }
    return ClusterErrors.translate(error).map(Throwable::getMessage).orElseGet(() -> root(error));
  }

  private static String root(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return text.replaceAll("\\s+", " ").trim();
  }
}
