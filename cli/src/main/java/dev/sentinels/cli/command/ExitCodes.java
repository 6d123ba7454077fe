package dev.sentinels.cli.command;

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
    if (error instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    return INTERNAL;
  }
}
