package dev.sentinels.cli;

import dev.sentinels.cli.command.SentinelCommand;

/** The {@code sentinel} program: queue, run and track machine-learning experiments. */
public final class Sentinel {

  private Sentinel() {}

  public static void main(String[] args) {
    dev.sentinels.cli.support.Timing.mark("main");
    if (Boolean.getBoolean("sentinel.training")) {
      Training.exercise(); // the launcher is recording its class data cache
    }
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code; the REPL and tests call this too. */
  public static int run(String... args) {
    // Bare `sentinel` on a terminal opens the REPL, as a shell does.
    String[] line = args.length == 0 && System.console() != null ? new String[] {"shell"} : args;
    return SentinelCommand.commandLine(line).execute(line);
  }
}
