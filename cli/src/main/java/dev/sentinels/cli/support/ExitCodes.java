package dev.sentinels.cli.support;

/**
 * The exit codes every command uses, with their meaning as {@code sentinel --help} and the user
 * guide list them. How an error becomes one is decided once, where commands are run.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int NOT_FOUND = 3;
  public static final int UNREACHABLE = 4;
  public static final int INTERNAL = 5;
  public static final int FORBIDDEN = 6;

  /** {@code code:meaning} lines, in picocli's exit code list form. */
  public static final String[] TABLE = {
    "0:Success.",
    "1:The operation or the job it waited for failed.",
    "2:Invalid input: bad flags, arguments, job spec or configuration. Nothing was changed.",
    "3:Not found: no such job, queue or priority class.",
    "4:Cannot reach the cluster or a configured server.",
    "5:Internal error (a bug: run with --debug and report the trace).",
    "6:Forbidden: your Kubernetes user lacks a permission (the message names it)."
  };

  private ExitCodes() {}
}
